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
import * as Y from "yjs"
import type { SequencedLog, StoredSize } from "../Storage.js"
import { LogLink } from "./bus/LogLink.js"
import type { RelayContext } from "./Context.js"
import { BUS_PEER, type Peer } from "./Peer.js"
import { Presence } from "./Presence.js"
import {
  type ClientMessage,
  dropPending,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  pendingBytes,
  ProtocolError
} from "./Messages.js"

export { BUS_PEER, type Peer } from "./Peer.js"

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

export class Document {
  readonly logId: string
  private readonly context: RelayContext
  private readonly onFail: (document: Document, error: unknown) => void
  private readonly doc: Y.Doc
  private readonly presence: Presence
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
  private unstored: Array<{
    readonly update: Uint8Array
    readonly origin: unknown
    readonly seq: number
    /** Committed by another process already: relayed in turn, not stored again. */
    readonly durable: boolean
  }> = []
  /** Whether a batch task is queued that has not taken `unstored` yet. */
  private batchQueued = false
  private compactionScheduled = false
  /** Stored bytes right after the last compaction (0 before any): the next one waits for 25% growth. */
  private compactedBytes = 0
  /** With several processes: this log's link to the others. */
  readonly link: LogLink | undefined

  constructor(logId: string, context: RelayContext, onFail: (document: Document, error: unknown) => void) {
    this.logId = logId
    this.context = context
    this.onFail = onFail
    // gc stays on: deleted content is dropped exactly as every client drops it.
    this.doc = new Y.Doc()
    const cluster = context.cluster
    this.link =
      cluster === undefined ? undefined : new LogLink(cluster.bus, cluster.storage, this, context.log)
    this.presence = new Presence(this.doc, { logId, context, peers: this.peers, link: this.link })
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
    if (this.shouldCompact()) this.scheduleCompaction()
    // What others committed since the load's snapshot is held by the feed and applied now.
    this.link?.loaded((stored as Partial<SequencedLog>).seq ?? 0)
    return this.stored
  }

  /** Updates another process committed (from the bus, or fetched from the shared store). */
  applyDurable(updates: ReadonlyArray<Uint8Array>): void {
    if (this.destroyed || this.failed) return
    Y.transact(
      this.doc,
      () => {
        for (const update of updates) Y.applyUpdate(this.doc, update, BUS_PEER)
      },
      BUS_PEER
    )
  }

  /** Presence of another process's clients (from the bus). */
  applyRemoteAwareness(frame: Uint8Array): void {
    if (!this.destroyed) this.presence.applyRemote(frame)
  }

  /** Presence of this process's own clients, for another process that just loaded the log. */
  localAwareness(): Uint8Array | undefined {
    return this.destroyed ? undefined : this.presence.local()
  }

  /** Settles once every queued append and reply has gone out. */
  flush(): Promise<void> {
    return this.tail
  }

  attach(peer: Peer): void {
    this.peers.set(peer, { awareness: new Set(), covered: Number.POSITIVE_INFINITY })
    peer.send(encodeSyncStep1(this.doc))
    if (this.presence.count === 0) return
    try {
      peer.send(this.presence.all())
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

  detach(peer: Peer): void {
    const controlled = this.peers.get(peer)?.awareness
    if (controlled === undefined) return
    this.peers.delete(peer)
    if (!this.destroyed && controlled.size > 0) {
      // Tell the others this client's cursor/presence is gone, as the reference server does.
      this.presence.leave([...controlled])
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
        this.presence.receive(peer, message.entries)
        return
      case "query-awareness":
        peer.send(this.presence.all())
        return
    }
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.unloadTimer !== undefined) clearTimeout(this.unloadTimer)
    this.unloadTimer = undefined
    this.doc.off("update", this.onUpdate)
    this.presence.destroy()
    this.doc.destroy()
    this.link?.close()
    this.context.storage.release?.(this.logId)
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    const durable = origin === BUS_PEER
    if (!durable) this.queuedBytes += update.byteLength
    this.unstored.push({ update, origin, seq: ++this.applied, durable })
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
    const own = batch.filter((entry) => !entry.durable)
    let bytes = 0
    for (const entry of own) bytes += entry.update.byteLength
    let sizes: ReadonlyArray<StoredSize & { readonly seq?: number }>
    try {
      sizes = await Promise.all(own.map((entry) => this.context.storage.append(this.logId, entry.update)))
    } finally {
      this.queuedBytes -= bytes
    }
    const { metrics } = this.context
    let stored = 0
    for (const entry of batch) {
      if (!entry.durable) {
        const size = sizes[stored++] as StoredSize & { readonly seq?: number }
        this.stored = { updates: size.updates, bytes: size.bytes }
        metrics.updatesStored++
        metrics.bytesStored += entry.update.byteLength
        this.context.notify("onStore", { logId: this.logId, ...this.stored })
        // Committed: the other processes may relay it now.
        if (size.seq !== undefined) this.link?.committed(size.seq, entry.update)
      }
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
