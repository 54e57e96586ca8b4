/**
 * Who is on the log right now, through Yjs awareness: each device publishes its caregiver, a
 * display name and the session it is timing ("nursing, left side, since 03:12"). Awareness is
 * ephemeral: it is never stored in the log. A running session becomes an event only when stopped.
 *
 * @since 0.1.0
 */
import type { Awareness } from "y-protocols/awareness"
import * as Listeners from "./internal/Listeners.js"

/**
 * A timer a caregiver started, shared with the other devices while it runs.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningSession {
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

const str = (value: unknown, max = 200): string | undefined =>
  typeof value === "string" && value.length > 0 && value.length <= max ? value : undefined

const oneOf = <T extends string>(value: unknown, allowed: ReadonlyArray<T>): T | undefined =>
  allowed.includes(value as T) ? (value as T) : undefined

/**
 * Reads a session another device published. Awareness states are foreign data: anything that does
 * not have the expected shape is treated as "no session".
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
  return {
    kind,
    startedAt,
    child,
    ...(side === undefined ? {} : { side }),
    ...(method === undefined ? {} : { method })
  }
}

/**
 * Publishes this device's presence on `awareness` and tracks the others'.
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
  }
): Presence => {
  let session: RunningSession | undefined
  let name = self.name
  let peers: ReadonlyArray<Peer> = []
  const listeners = Listeners.make<ReadonlyArray<Peer>>("onPeers", self.report ?? Listeners.consoleReport)

  const publish = (): void => {
    awareness.setLocalState({
      caregiver: self.caregiver,
      ...(name === undefined ? {} : { name }),
      ...(session === undefined ? {} : { session })
    })
  }

  const read = (): ReadonlyArray<Peer> => {
    const out: Array<Peer> = []
    for (const [clientId, state] of awareness.getStates()) {
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

  const onChange = (): void => {
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
      awareness.setLocalState(null)
      awareness.off("change", onChange)
      awareness.off("update", onUpdate)
      listeners.clear()
    }
  }
}
