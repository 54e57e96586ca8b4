/**
 * Who is on the log right now, through Yjs awareness: each device publishes its caregiver, a
 * display name and the session it is timing ("nursing, left side, since 03:12"). Awareness is
 * ephemeral: it is never stored in the log. A running session becomes an event only when stopped.
 *
 * @since 0.1.0
 */
import { uuidv7From, uuidv7Time } from "@relactation/core"
import { Predicate, Result } from "effect"
import type { Awareness } from "y-protocols/awareness"
import * as Listeners from "./internal/Listeners.js"
import type { UnreadablePresence } from "./Unreadable.js"

/**
 * A timer a caregiver started, shared with the other devices while it runs.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningSession {
  /**
   * The session's own id, made when it starts (a UUIDv7 whose time part is `startedAt`). Its event
   * gets the id {@link stopEventId} derives from it, whichever device stops it.
   */
  readonly id: string
  readonly kind: "latch" | "pump"
  readonly side?: "left" | "right" | "both"
  readonly method?: "electric" | "manual" | "hand"
  /** ISO-8601 UTC. */
  readonly startedAt: string
  readonly child: string
}

/**
 * Another device on the log (or this one, `self: true`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Peer {
  readonly clientId: number
  readonly caregiver: string
  readonly name: string | undefined
  readonly session: RunningSession | undefined
  readonly self: boolean
}

/**
 * A running session as the app shows it: on this device, on another device on the log now, or on
 * a device that has left presence with it still running ("maybe forgotten, started 03:12 on Sam's
 * phone" once it has been away longer than the limit).
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionInfo {
  readonly session: RunningSession
  /** The caregiver and display name of the device running it. */
  readonly caregiver: string
  readonly name: string | undefined
  /** The awareness client id of that device (its `clientId` in `peers`). */
  readonly clientId: number
  /** Running on this device. */
  readonly self: boolean
  /** When its device left presence (ISO-8601), or `undefined` while the device is on the log. */
  readonly leftAt: string | undefined
  /** Its device left presence longer ago than `sessions.forgottenAfterMs` (default 5 minutes). */
  readonly maybeForgotten: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Presence {
  readonly peers: ReadonlyArray<Peer>
  readonly onPeers: (listener: (peers: ReadonlyArray<Peer>) => void) => () => void
  readonly session: RunningSession | undefined
  readonly setSession: (session: RunningSession | undefined) => void
  /** Changes the display name the other devices see. */
  readonly setName: (name: string | undefined) => void
  /** Tells the others this device left, and stops listening. */
  readonly destroy: () => void
}

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

// FNV-1a of `text` with a salt: a stream of deterministic numbers in [0, 1).
const hashStream = (text: string): (() => number) => {
  let n = 0
  return () => {
    let h = (0x811c9dc5 ^ ++n) >>> 0
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
    return (h >>> 0) / 2 ** 32
  }
}

/**
 * The id of the event a running session becomes: derived from the session's id alone, so every
 * device that stops the session records it under the same id, and the log (a set keyed by id)
 * keeps one entry even when two devices stop it at once, offline. A UUIDv7 whose time part is the
 * session's start, like the session id it comes from.
 *
 * @example
 * ```ts
 * import { stopEventId } from "@relactation/sync"
 *
 * // Was this session stopped (by anyone)? Its event is in the log under this id.
 * const stopped = log.events.some((e) => e.id === stopEventId(session.id))
 * ```
 *
 * @since 0.1.0
 * @category sessions
 */
export const stopEventId = (sessionId: string): string =>
  uuidv7From(uuidv7Time(sessionId), hashStream(`stop:${sessionId}`))

/**
 * The id of a session published without one (by a version of this library before session ids):
 * derived from what identifies it, so every device derives the same.
 *
 * @since 0.1.0
 * @category sessions
 */
export const legacySessionId = (kind: string, startedAt: string, child: string): string =>
  uuidv7From(Date.parse(startedAt), hashStream(`session:${kind}|${startedAt}|${child}`))

const str = (value: unknown, max = 200): string | undefined =>
  typeof value === "string" && value.length > 0 && value.length <= max ? value : undefined

const oneOf = <T extends string>(value: unknown, allowed: ReadonlyArray<T>): T | undefined =>
  allowed.includes(value as T) ? (value as T) : undefined

/**
 * Reads a session another device published. Awareness states are foreign data: anything that does
 * not have the expected shape is treated as "no session". A session without a valid `id` (from a
 * version before session ids) gets {@link legacySessionId}.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseSession = (value: unknown): RunningSession | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const raw = value as Record<string, unknown>
  const kind = oneOf(raw.kind, ["latch", "pump"] as const)
  const startedAt = str(raw.startedAt, 40)
  const child = str(raw.child, 64)
  if (kind === undefined || startedAt === undefined || child === undefined) return undefined
  if (Number.isNaN(Date.parse(startedAt))) return undefined
  const side = oneOf(raw.side, ["left", "right", "both"] as const)
  const method = oneOf(raw.method, ["electric", "manual", "hand"] as const)
  const id =
    typeof raw.id === "string" && UUIDV7.test(raw.id) ? raw.id : legacySessionId(kind, startedAt, child)
  return {
    id,
    kind,
    startedAt,
    child,
    ...(side === undefined ? {} : { side }),
    ...(method === undefined ? {} : { method })
  }
}

/**
 * How a sealed log seals this device's awareness state and opens the others' (the relay then
 * relays only opaque states).
 *
 * @since 0.2.0
 * @category models
 */
export interface PresenceSealing {
  readonly seal: (state: Readonly<Record<string, unknown>>) => Promise<object>
  readonly open: (raw: unknown) => Promise<Result.Result<Record<string, unknown>, UnreadablePresence>>
}

/**
 * Publishes this device's presence on `awareness` and tracks the others'. With `sealing`, the
 * state on the wire is sealed, and another device's state counts only once it opens (a state
 * that does not, or a plain one, is left out of `peers`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  awareness: Awareness,
  self: {
    readonly caregiver: string
    readonly name?: string | undefined
    /** Where a throwing `onPeers` listener is reported; default `console.error`. */
    readonly report?: Listeners.ReportError
    /** Seals this device's state and opens the others' (a sealed log). @since 0.2.0 */
    readonly sealing?: PresenceSealing
  }
): Presence => {
  let session: RunningSession | undefined
  let name = self.name
  let peers: ReadonlyArray<Peer> = []
  const listeners = Listeners.make<ReadonlyArray<Peer>>("onPeers", self.report ?? Listeners.consoleReport)
  const { sealing } = self
  let destroyed = false
  // Sealed presence: this device's plain state, the version of the latest publish (an older seal
  // finishing late must not overwrite a newer one), and what each other device's state opened to.
  let plainSelf: Record<string, unknown> = {}
  let version = 0
  const opened = new WeakMap<object, Record<string, unknown> | null>()
  const opening = new WeakSet<object>()

  const publish = (): void => {
    const state = {
      caregiver: self.caregiver,
      ...(name === undefined ? {} : { name }),
      ...(session === undefined ? {} : { session })
    }
    if (sealing === undefined) {
      awareness.setLocalState(state)
      return
    }
    plainSelf = state
    const v = ++version
    sealing.seal(state).then(
      (sealed) => {
        if (v === version && !destroyed) awareness.setLocalState(sealed as Record<string, unknown>)
      },
      (error: unknown) => (self.report ?? Listeners.consoleReport)(error, "onPeers")
    )
    onChange()
  }

  // The last state of each other device that opened: kept while its next state is being opened,
  // so a device does not drop out of `peers` for a moment each time its state changes.
  const lastOpened = new Map<number, Record<string, unknown>>()

  /** Another device's plain state, or `undefined` while its first state is opened or when it does not open. */
  const plainOf = (clientId: number, raw: unknown): Record<string, unknown> | undefined => {
    if (sealing === undefined) return raw as Record<string, unknown>
    if (!Predicate.isObject(raw)) return undefined
    const hit = opened.get(raw)
    if (hit !== undefined) {
      if (hit === null) lastOpened.delete(clientId)
      else lastOpened.set(clientId, hit)
      return hit ?? undefined
    }
    if (!opening.has(raw)) {
      opening.add(raw)
      void sealing.open(raw).then((result) => {
        opened.set(raw, Result.isSuccess(result) ? result.success : null)
        if (!destroyed) onChange()
      })
    }
    return lastOpened.get(clientId)
  }

  const read = (): ReadonlyArray<Peer> => {
    const out: Array<Peer> = []
    for (const [clientId, raw] of awareness.getStates()) {
      const state =
        clientId === awareness.clientID && sealing !== undefined ? plainSelf : plainOf(clientId, raw)
      if (state === undefined) continue
      const caregiver = str(state.caregiver, 64)
      if (caregiver === undefined) continue
      out.push({
        clientId,
        caregiver,
        name: str(state.name),
        session: parseSession(state.session),
        self: clientId === awareness.clientID
      })
    }
    return out.sort((a, b) => a.clientId - b.clientId)
  }

  function onChange(): void {
    peers = read()
    listeners.emit(peers)
  }
  awareness.on("change", onChange)
  // When a device leaves (or our connection drops), y-protocols removes its state but keeps its
  // clock. The same state, sent again with the same clock when the connection comes back, would
  // then be ignored until the 15 s renewal. Resetting the clock of a departed device to 0, below
  // any state it published after its first, lets its next state in at once; over one ordered
  // connection no older state can follow. (The entry must stay, and its clock must stay a valid
  // varuint: y-websocket encodes the removal from it right after us, and the relay ignores clock 0.)
  const onUpdate = ({ removed }: { removed: ReadonlyArray<number> }): void => {
    for (const clientId of removed) lastOpened.delete(clientId)
    for (const clientId of removed) {
      const meta = awareness.meta.get(clientId)
      if (clientId !== awareness.clientID && meta !== undefined) {
        awareness.meta.set(clientId, { clock: 0, lastUpdated: meta.lastUpdated })
      }
    }
  }
  awareness.on("update", onUpdate)
  publish()
  peers = read()

  return {
    get peers() {
      return peers
    },
    onPeers: listeners.add,
    get session() {
      return session
    },
    setSession: (next) => {
      session = next
      publish()
    },
    setName: (next) => {
      name = next
      publish()
    },
    destroy: () => {
      destroyed = true
      awareness.setLocalState(null)
      awareness.off("change", onChange)
      awareness.off("update", onUpdate)
      listeners.clear()
    }
  }
}
