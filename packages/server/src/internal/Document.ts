/**
 * One loaded log: its Yjs document, its awareness and the connections on it. The document exists
 * so the relay can answer sync step 1 with exactly what a client lacks and reject updates Yjs cannot
 * apply; the relay never reads the events inside it.
 *
 * Every update goes through one queue per log: append to storage first, then relay. A reply to
 * sync step 1 is computed when the step 1 arrives (so it holds exactly the updates applied in memory
 * until then) and sent once all of those are durable; the updates it holds are not relayed to that
 * client, and nothing is relayed to a client before its first sync step 1 (its reply will hold it).
 * So no client receives a byte that is not yet durable, nor, on connect, the same update twice.
 */
import { CloseCode } from "@relactation/core/protocol"
import * as awarenessProtocol from "y-protocols/awareness"
import * as Y from "yjs"
import type { StoredSize } from "../Storage.js"
import type { RelayContext } from "./Context.js"
import {
  type ClientMessage,
  dropPending,
  encodeAwareness,
  encodeAwarenessEntries,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  type AwarenessEntry,
  pendingBytes,
  ProtocolError
} from "./Messages.js"

/** What a document needs from a connection. */
export interface Peer {
  send(message: Uint8Array): void
  close(code: number, reason: string): void
}

/** What the document keeps per connection. */
interface PeerState {
  /**
   * The awareness client ids whose state this connection set (every non-null state it set, whether
   * y-protocols reported it as added or updated), removed when it leaves.
   */
  readonly awareness: Set<number>
  /**
   * Sequence number (see `Document.applied`) of the last update covered by a sync step 2 reply
   * already sent or queued for this peer: updates up to it are not relayed to it again. Infinite
   * until the peer's first sync step 1 (a y-websocket client sends it first thing): whatever is
   * applied before then goes into the reply to that step 1, so relaying it would send it twice.
   */
  covered: number
}

interface AwarenessChanges {
  readonly added: Array<number>
  readonly updated: Array<number>
  readonly removed: Array<number>
}

export class Document {
  readonly logId: string
  private readonly context: RelayContext
  private readonly onFail: (document: Document, error: unknown) => void
  private readonly doc: Y.Doc
  private readonly awareness: awarenessProtocol.Awareness
  /** Each connection with what the document tracks for it. */
  readonly peers = new Map<Peer, PeerState>()
  /** Upgrades that hold this document but are not attached yet; they keep it loaded. */
  pending = 0
  unloadTimer: NodeJS.Timeout | undefined = undefined
  ready: Promise<void> = Promise.resolve()
  failed = false
  destroyed = false
  private stored: StoredSize = { updates: 0, bytes: 0 }
  /** Bytes applied in memory whose append has not finished yet; counted against the size limit. */
  private queuedBytes = 0
  private tail: Promise<void> = Promise.resolve()
  /** Updates applied in memory so far (a sequence number per update). */
  private applied = 0
  /** Updates stored and relayed so far: every update up to this number is durable. */
  private durable = 0
  /** Updates applied in memory and waiting for the next batch to the store. */
  private unstored: Array<{ readonly update: Uint8Array; readonly origin: unknown; readonly seq: number }> =
    []
  /** Whether a batch task is queued that has not taken `unstored` yet. */
  private batchQueued = false
  private compactionScheduled = false
  /** Stored bytes right after the last compaction (0 before any): the next one waits for 25% growth. */
  private compactedBytes = 0
  /** The connection that set each awareness client id's state: one owner per id. */
  private readonly owners = new Map<number, Peer>()
  /** JSON length of each awareness state held, and their sum (bounded per log). */
  private readonly awarenessSizes = new Map<number, number>()
  private awarenessBytes = 0
  /** Sizes of the entries being applied, read by `onAwareness`. */
  private incomingSizes: Map<number, number> | undefined = undefined

  constructor(logId: string, context: RelayContext, onFail: (document: Document, error: unknown) => void) {
    this.logId = logId
    this.context = context
    this.onFail = onFail
    // gc stays on: deleted content is dropped exactly as every client drops it.
    this.doc = new Y.Doc()
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    // The relay is not a participant; without this it would announce an empty state of its own.
    this.awareness.setLocalState(null)
  }

  get size(): StoredSize {
    return this.stored
  }

  /** Reads the log from storage. Only called once, before any connection is attached. */
  async load(): Promise<StoredSize> {
    const stored = await this.context.storage.load(this.logId)
    Y.transact(this.doc, () => {
      for (const update of stored.data) Y.applyUpdate(this.doc, update)
    })
    this.stored = { updates: stored.updates, bytes: stored.bytes }
    // Listen only after loading, so replaying stored rows is not appended again.
    this.doc.on("update", this.onUpdate)
    this.awareness.on("update", this.onAwareness)
    if (this.shouldCompact()) this.scheduleCompaction()
    return this.stored
  }

  /** Settles once every queued append and reply has gone out. */
  flush(): Promise<void> {
    return this.tail
  }

  attach(peer: Peer): void {
    this.peers.set(peer, { awareness: new Set(), covered: Number.POSITIVE_INFINITY })
    peer.send(encodeSyncStep1(this.doc))
    const states = this.awareness.getStates()
    if (states.size === 0) return
    try {
      peer.send(this.allAwareness())
    } catch (error) {
      // Presence is not worth a connection: a state that cannot be encoded costs this reply only.
      this.context.metrics.error("internal")
      this.context.log({
        level: "error",
        event: "awareness-failed",
        logId: this.logId,
        error: describe(error)
      })
    }
  }

  private allAwareness(): Uint8Array {
    return encodeAwareness(
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])
    )
  }

  detach(peer: Peer): void {
    const controlled = this.peers.get(peer)?.awareness
    if (controlled === undefined) return
    this.peers.delete(peer)
    if (!this.destroyed && controlled.size > 0) {
      // Tell the others this client's cursor/presence is gone, as the reference server does.
      awarenessProtocol.removeAwarenessStates(this.awareness, [...controlled], null)
    }
  }

  /** Handles one parsed message. Throws `ProtocolError` when the sender must be closed. */
  receive(peer: Peer, message: ClientMessage): void {
    switch (message.type) {
      case "sync-step-1": {
        // The reply holds what is in memory now; it goes out once all of that is durable, after the
        // relays of those updates, which skip this peer (it gets them in the reply).
        const reply = encodeSyncStep2(this.doc, message.stateVector)
        const state = this.peers.get(peer)
        if (state !== undefined) state.covered = this.applied
        if (this.durable === this.applied) peer.send(reply)
        else this.enqueue(async () => peer.send(reply))
        return
      }
      case "sync-step-2":
      case "update": {
        const { update } = message
        if (this.stored.bytes + this.queuedBytes + update.byteLength > this.context.limits.maxLogBytes) {
          throw new ProtocolError(CloseCode.LOG_FULL, "log-full", "log reached its stored-size limit")
        }
        try {
          Y.applyUpdate(this.doc, update, peer)
        } catch {
          throw new ProtocolError(CloseCode.BAD_UPDATE, "bad-update", "update cannot be applied")
        }
        // What Yjs could not integrate (a gap in a client's clocks, deletes of unknown items) is kept
        // in the store's pending fields, never stored nor relayed, and merged again on every update:
        // an honest client leaves little there and briefly; past a small bound the sender goes.
        if (pendingBytes(this.doc) > this.context.limits.maxPendingBytes) {
          dropPending(this.doc)
          throw new ProtocolError(
            CloseCode.BAD_UPDATE,
            "pending-limit",
            "update depends on data the relay does not have"
          )
        }
        return
      }
      case "awareness":
        this.receiveAwareness(peer, message.entries)
        return
      case "query-awareness":
        peer.send(this.allAwareness())
        return
    }
  }

  private receiveAwareness(peer: Peer, entries: ReadonlyArray<AwarenessEntry>): void {
    const state = this.peers.get(peer)
    if (state === undefined) return
    const { limits } = this.context
    // An id another connection set is not this one's to overwrite or clear. (A phone that reconnects
    // while its old socket lingers gets its state through on its next renewal, once the old one is gone.)
    const accepted = entries.filter((entry) => (this.owners.get(entry.clientId) ?? peer) === peer)
    if (accepted.length === 0) return
    const controlled = new Set(state.awareness)
    let bytes = this.awarenessBytes
    for (const entry of accepted) {
      bytes -= this.awarenessSizes.get(entry.clientId) ?? 0
      if (entry.sets) {
        controlled.add(entry.clientId)
        bytes += entry.json.length
      } else controlled.delete(entry.clientId)
    }
    // An honest client announces its own client id (a reconnect may briefly add one more); a flood of
    // made-up ids would grow memory and be fanned out to every other phone.
    if (controlled.size > limits.maxAwarenessClientsPerConnection)
      throw new ProtocolError(CloseCode.POLICY, "awareness-limit", "too many awareness clients")
    if (bytes > limits.maxAwarenessBytesPerLog)
      throw new ProtocolError(CloseCode.POLICY, "awareness-limit", "awareness states of this log too large")
    this.incomingSizes = new Map(accepted.map((entry) => [entry.clientId, entry.json.length]))
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), peer)
    } catch {
      throw new ProtocolError(CloseCode.MALFORMED, "malformed-message", "awareness update cannot be applied")
    } finally {
      this.incomingSizes = undefined
    }
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.unloadTimer !== undefined) clearTimeout(this.unloadTimer)
    this.unloadTimer = undefined
    this.doc.off("update", this.onUpdate)
    this.awareness.off("update", this.onAwareness)
    this.awareness.destroy()
    this.doc.destroy()
    this.context.storage.release?.(this.logId)
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.queuedBytes += update.byteLength
    this.unstored.push({ update, origin, seq: ++this.applied })
    if (this.batchQueued) return
    this.batchQueued = true
    this.enqueue(() => this.storeBatch())
  }

  // Group commit: every update that arrived while the previous batch was being stored goes to the
  // store in one go (SqliteStorage commits the appends of one event-loop turn, across logs, in one
  // transaction and one fsync); only once all of them are durable are they relayed, in order.
  private async storeBatch(): Promise<void> {
    const batch = this.unstored
    this.unstored = []
    this.batchQueued = false
    let bytes = 0
    for (const entry of batch) bytes += entry.update.byteLength
    let sizes: ReadonlyArray<StoredSize>
    try {
      sizes = await Promise.all(batch.map((entry) => this.context.storage.append(this.logId, entry.update)))
    } finally {
      this.queuedBytes -= bytes
    }
    const { metrics } = this.context
    for (const [i, entry] of batch.entries()) {
      const size = sizes[i] as StoredSize
      this.stored = size
      metrics.updatesStored++
      metrics.bytesStored += entry.update.byteLength
      this.context.notify("onStore", { logId: this.logId, ...size })
      const message = encodeUpdate(entry.update)
      for (const [peer, state] of this.peers) {
        if (peer !== entry.origin && state.covered < entry.seq) peer.send(message)
      }
      this.durable = entry.seq
    }
    if (this.shouldCompact()) this.scheduleCompaction()
  }

  // Rows alone would let a burst of tiny updates force a merge of the whole log again and again (a
  // 60 MB log merged per 500 rows blocks the loop for a second each time): a compaction also waits
  // until the log grew by a quarter since the last one, so merging costs at most a few times the
  // bytes appended.
  private shouldCompact(): boolean {
    return (
      this.stored.updates >= this.context.limits.compactAfterUpdates &&
      this.stored.bytes >= this.compactedBytes * 1.25
    )
  }

  private readonly onAwareness = ({ added, updated, removed }: AwarenessChanges, origin: unknown): void => {
    const from = origin as Peer
    const controlled = this.peers.get(from)?.awareness
    const states = this.awareness.getStates()
    // Re-announcing a cleared id comes as `updated` (y-protocols keeps its clock): every id with a
    // state after this update is tracked, whichever list it is on.
    for (const id of [...added, ...updated]) {
      if (!states.has(id)) continue
      const size = this.incomingSizes?.get(id) ?? JSON.stringify(states.get(id)).length
      this.awarenessBytes += size - (this.awarenessSizes.get(id) ?? 0)
      this.awarenessSizes.set(id, size)
      if (controlled !== undefined) {
        controlled.add(id)
        this.owners.set(id, from)
      }
    }
    // Removed by its owner, by its owner leaving, or by y-protocols' timeout for stale states.
    for (const id of removed) {
      this.awarenessBytes -= this.awarenessSizes.get(id) ?? 0
      this.awarenessSizes.delete(id)
      const owner = this.owners.get(id)
      if (owner !== undefined) this.peers.get(owner)?.awareness.delete(id)
      this.owners.delete(id)
    }
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0) return
    const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    for (const peer of this.peers.keys()) if (peer !== origin) peer.send(message)
  }

  // A storage failure poisons the queue: what is in memory may no longer match what is stored, so
  // the registry drops the whole document and its clients resync against storage on reconnect.
  private enqueue(task: () => Promise<void>): void {
    this.tail = this.tail
      .then(() => (this.failed ? undefined : task()))
      .catch((error: unknown) => this.fail(error))
  }

  private fail(error: unknown): void {
    if (this.failed) return
    this.failed = true
    this.context.metrics.error("storage")
    this.context.notify("onError", { kind: "storage", logId: this.logId })
    this.context.log({ level: "error", event: "storage-failed", logId: this.logId, error: describe(error) })
    this.onFail(this, error)
  }

  private scheduleCompaction(): void {
    if (this.compactionScheduled) return
    this.compactionScheduled = true
    // Off the message path: compaction runs after the current burst of messages, and in the same
    // queue as appends so a non-SQLite store never sees the two interleave.
    setImmediate(() => {
      this.tail = this.tail.then(async () => {
        this.compactionScheduled = false
        if (this.destroyed || this.failed) return
        try {
          this.stored = await this.context.storage.compact(this.logId)
          this.compactedBytes = this.stored.bytes
          this.context.metrics.compactions++
          this.context.notify("onCompact", { logId: this.logId, ...this.stored })
          this.context.log({ level: "info", event: "compact", logId: this.logId, ...this.stored })
        } catch (error) {
          // Compaction is an optimisation; the rows are intact, so clients carry on.
          this.context.metrics.error("storage")
          this.context.log({
            level: "error",
            event: "compact-failed",
            logId: this.logId,
            error: describe(error)
          })
        }
      })
    })
  }
}

/** Error text for log lines from our own storage, never from client bytes. */
export const describe = (error: unknown): string => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === "string" ? `${error.name} ${code}` : error.name
  }
  return "unknown error"
}
