/**
 * One loaded log's presence (y-protocols awareness): who set which client id's state, how large
 * the states are (bounded per log), and what goes to whom: a connection's changes to the others
 * here and, with several processes, to the bus; the bus's changes to every connection here, never
 * back. No connection can overwrite or clear a state another one (or another process) set.
 */
import { CloseCode } from "@relactation/core/protocol"
import * as awarenessProtocol from "y-protocols/awareness"
import type * as Y from "yjs"
import type { LogLink } from "./bus/LogLink.js"
import type { RelayContext } from "./Context.js"
import {
  type AwarenessEntry,
  type ClientMessage,
  encodeAwareness,
  encodeAwarenessEntries,
  ProtocolError,
  parseMessage
} from "./Messages.js"
import { BUS_PEER, type Peer } from "./Peer.js"

/** How deeply an awareness state may nest (honest presence states nest two or three levels). */
const MAX_DEPTH = 32

/** What presence reads from its document. */
export interface PresenceHost {
  readonly logId: string
  readonly context: RelayContext
  /** The connections, each with the client ids whose state it set. */
  readonly peers: ReadonlyMap<Peer, { readonly awareness: Set<number> }>
  readonly link: LogLink | undefined
}

interface AwarenessChanges {
  readonly added: Array<number>
  readonly updated: Array<number>
  readonly removed: Array<number>
}

export class Presence {
  private readonly host: PresenceHost
  private readonly awareness: awarenessProtocol.Awareness
  /** The connection (or the bus) that set each awareness client id's state: one owner per id. */
  private readonly owners = new Map<number, Peer>()
  /** JSON length of each awareness state held, and their sum (bounded per log). */
  private readonly sizes = new Map<number, number>()
  private bytes = 0
  /** Sizes of the entries being applied, read by `onChange`. */
  private incomingSizes: Map<number, number> | undefined = undefined

  constructor(doc: Y.Doc, host: PresenceHost) {
    this.host = host
    this.awareness = new awarenessProtocol.Awareness(doc)
    // The relay is not a participant; without this it would announce an empty state of its own.
    this.awareness.setLocalState(null)
    this.awareness.on("update", this.onChange)
  }

  /** How many states are held. */
  get count(): number {
    return this.awareness.getStates().size
  }

  /** Every state held, as one awareness frame. */
  all(): Uint8Array {
    return encodeAwareness(
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])
    )
  }

  /** Presence of this process's own clients (for another process that loaded the log), if any. */
  local(): Uint8Array | undefined {
    const ids = [...this.owners].filter(([, owner]) => owner !== BUS_PEER).map(([id]) => id)
    if (ids.length === 0) return undefined
    return encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids))
  }

  /** A connection's awareness message. Throws `ProtocolError` when the sender must be closed. */
  receive(peer: Peer, entries: ReadonlyArray<AwarenessEntry>): void {
    const state = this.host.peers.get(peer)
    if (state === undefined) return
    const { limits } = this.host.context
    // An id another connection set is not this one's to overwrite or clear. (A phone that reconnects
    // while its old socket lingers gets its state through on its next renewal, once the old one is gone.)
    const accepted = entries.filter((entry) => (this.owners.get(entry.clientId) ?? peer) === peer)
    if (accepted.length === 0) return
    const controlled = new Set(state.awareness)
    let bytes = this.bytes
    for (const entry of accepted) {
      bytes -= this.sizes.get(entry.clientId) ?? 0
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

  /** Presence of another process's clients, checked there; ids this process's clients hold stay theirs. */
  applyRemote(frame: Uint8Array): void {
    const { limits, cluster } = this.host.context
    let message: ClientMessage
    try {
      message = parseMessage(frame, { maxStateBytes: limits.maxAwarenessStateBytes, maxDepth: MAX_DEPTH })
    } catch {
      if (cluster !== undefined) cluster.bus.metrics.unreadable++
      return
    }
    if (message.type !== "awareness") return
    const accepted = message.entries.filter(
      (entry) => (this.owners.get(entry.clientId) ?? BUS_PEER) === BUS_PEER
    )
    let bytes = this.bytes
    for (const entry of accepted)
      bytes += (entry.sets ? entry.json.length : 0) - (this.sizes.get(entry.clientId) ?? 0)
    // The per-log bound holds here too: presence that would pass it is not taken.
    if (accepted.length === 0 || bytes > limits.maxAwarenessBytesPerLog) return
    this.incomingSizes = new Map(accepted.map((entry) => [entry.clientId, entry.json.length]))
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), BUS_PEER)
    } catch {
      // Checked by its sender's relay; a state y-protocols still refuses costs that message only.
    } finally {
      this.incomingSizes = undefined
    }
  }

  /** A connection left: its states go, and the others are told, as the reference server does. */
  leave(ids: ReadonlyArray<number>): void {
    awarenessProtocol.removeAwarenessStates(this.awareness, [...ids], null)
  }

  destroy(): void {
    this.awareness.off("update", this.onChange)
    this.awareness.destroy()
  }

  private readonly onChange = ({ added, updated, removed }: AwarenessChanges, origin: unknown): void => {
    const from = origin as Peer
    const { peers, link } = this.host
    const controlled = peers.get(from)?.awareness
    const states = this.awareness.getStates()
    // Only this process's own clients' presence goes to the bus (never what came from it).
    const ours =
      link === undefined || from === BUS_PEER
        ? []
        : [...added, ...updated, ...removed].filter((id) => this.owners.get(id) !== BUS_PEER)
    // Re-announcing a cleared id comes as `updated` (y-protocols keeps its clock): every id with a
    // state after this update is tracked, whichever list it is on.
    for (const id of [...added, ...updated]) {
      if (!states.has(id)) continue
      const size = this.incomingSizes?.get(id) ?? JSON.stringify(states.get(id)).length
      this.bytes += size - (this.sizes.get(id) ?? 0)
      this.sizes.set(id, size)
      if (controlled !== undefined) {
        controlled.add(id)
        this.owners.set(id, from)
      } else if (from === BUS_PEER) this.owners.set(id, BUS_PEER)
    }
    // Removed by its owner, by its owner leaving, or by y-protocols' timeout for stale states.
    for (const id of removed) {
      this.bytes -= this.sizes.get(id) ?? 0
      this.sizes.delete(id)
      const owner = this.owners.get(id)
      if (owner !== undefined) peers.get(owner)?.awareness.delete(id)
      this.owners.delete(id)
    }
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0) return
    const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    for (const peer of peers.keys()) if (peer !== origin) peer.send(message)
    if (ours.length > 0)
      link?.awareness(
        ours.length === changed.length
          ? message
          : encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ours))
      )
  }
}
