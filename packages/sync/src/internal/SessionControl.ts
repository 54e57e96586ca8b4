/**
 * The running sessions of a log: this device's (started and stopped here), the other devices'
 * (seen through presence, stoppable from here), and the ones whose device left presence while
 * they ran (see `AwaySessions`). Stopping any of them records its event under the id derived
 * from the session id, so two devices stopping one session record one entry; stopping a session
 * whose event is already in the log records nothing and says who stopped it.
 */
import type { Event } from "@relactation/core"
import type { Presence, RunningSession, SessionInfo } from "../Presence.js"
import { stopEventId } from "../Presence.js"
import { SessionAlreadyStopped } from "../SyncError.js"
import * as AwaySessions from "./AwaySessions.js"
import * as Listeners from "./Listeners.js"
import * as Sessions from "./Sessions.js"

/** Which session `stop` means, and how much of a pump's amount or a duration to record. */
export interface Stop extends Sessions.Stop {
  readonly peer?: number
  readonly session?: string
}

export interface SessionControl {
  readonly session: RunningSession | undefined
  readonly start: (input: Sessions.Start) => RunningSession
  readonly stop: (stop: Stop) => Promise<Event | undefined>
  readonly running: ReadonlyArray<SessionInfo>
  readonly onSessions: (listener: (sessions: ReadonlyArray<SessionInfo>) => void) => () => void
  readonly dismiss: (sessionId: string) => boolean
  /** Events newly in the log: sessions they stop end (here, or in the away list). */
  readonly arrived: (added: ReadonlyArray<Event>, local: boolean) => void
  readonly destroy: () => void
}

type Target =
  | { readonly where: "self"; readonly running: RunningSession }
  | { readonly where: "peer"; readonly running: RunningSession }
  | { readonly where: "away"; readonly running: RunningSession }

export const make = (options: {
  readonly presence: Presence
  readonly context: Sessions.Context
  readonly forgottenAfterMs: number
  readonly report: Listeners.ReportError
  /** The valid event under an id, if the log has one. */
  readonly eventById: (id: string) => Event | undefined
  /** Stores a valid event (the log's `store`; a sealed log seals it first), then `flush` makes it durable. */
  readonly store: (event: Event) => Event | Promise<Event>
  readonly flush: () => Promise<void>
}): SessionControl => {
  const { presence, context, eventById } = options
  const listeners = Listeners.make<ReadonlyArray<SessionInfo>>("onSessions", options.report)
  let snapshot: ReadonlyArray<SessionInfo> = []
  let key = "[]"

  const stopped = (session: RunningSession): Event | undefined => eventById(stopEventId(session.id))

  const compute = (): ReadonlyArray<SessionInfo> => {
    const out: Array<SessionInfo> = []
    for (const peer of presence.peers) {
      if (peer.session === undefined || stopped(peer.session) !== undefined) continue
      out.push({
        session: peer.session,
        caregiver: peer.caregiver,
        name: peer.name,
        clientId: peer.clientId,
        self: peer.self,
        leftAt: undefined,
        maybeForgotten: false
      })
    }
    const now = context.now()
    for (const gone of away.list()) {
      if (stopped(gone.session) !== undefined) continue
      out.push({
        session: gone.session,
        caregiver: gone.caregiver,
        name: gone.name,
        clientId: gone.clientId,
        self: false,
        leftAt: new Date(gone.leftAt).toISOString(),
        maybeForgotten: now - gone.leftAt >= options.forgottenAfterMs
      })
    }
    return out
  }
  // The same array until something an app would show changed (stable for useSyncExternalStore).
  const current = (): ReadonlyArray<SessionInfo> => {
    const next = compute()
    const nextKey = JSON.stringify(next)
    if (nextKey !== key) {
      key = nextKey
      snapshot = next
    }
    return snapshot
  }
  // Compared with what listeners were last given, not with the last read: an app that reads
  // `runningSessions` after the limit passed but before its timer fired must still be told.
  let emitted: ReadonlyArray<SessionInfo> = snapshot
  const refresh = (): void => {
    const next = current()
    if (next === emitted) return
    emitted = next
    listeners.emit(next)
  }

  const away = AwaySessions.make({
    now: context.now,
    forgottenAfterMs: options.forgottenAfterMs,
    onLimit: refresh
  })
  away.update(presence.peers)
  const offPeers = presence.onPeers((peers) => {
    away.update(peers)
    refresh()
  })
  snapshot = compute()
  key = JSON.stringify(snapshot)
  emitted = snapshot

  const resolve = (stop: Stop): Target | undefined => {
    const own = presence.session
    if (stop.session !== undefined) {
      if (own?.id === stop.session) return { where: "self", running: own }
      const peer = presence.peers.find((p) => !p.self && p.session?.id === stop.session)
      if (peer?.session !== undefined) return { where: "peer", running: peer.session }
      const gone = away.get(stop.session)
      return gone === undefined ? undefined : { where: "away", running: gone.session }
    }
    if (stop.peer !== undefined) {
      const running = presence.peers.find((p) => !p.self && p.clientId === stop.peer)?.session
      return running === undefined ? undefined : { where: "peer", running }
    }
    return own === undefined ? undefined : { where: "self", running: own }
  }
  const end = (target: Target): void => {
    if (target.where === "self") presence.setSession(undefined)
    else if (target.where === "away" && away.forget(target.running.id)) refresh()
  }
  const alreadyStopped = (sessionId: string, event: Event): SessionAlreadyStopped =>
    new SessionAlreadyStopped({ sessionId, stoppedBy: event.by, event })

  return {
    get session() {
      return presence.session
    },
    start: (input) => {
      const running = Sessions.start(input, context)
      presence.setSession(running)
      return running
    },
    stop: async (stop) => {
      const target = resolve(stop)
      if (target === undefined) {
        const event = stop.session === undefined ? undefined : eventById(stopEventId(stop.session))
        if (event !== undefined) throw alreadyStopped(stop.session!, event)
        return undefined
      }
      const existing = stopped(target.running)
      if (existing !== undefined) {
        end(target)
        throw alreadyStopped(target.running.id, existing)
      }
      // Made first: if the session cannot become a valid event it keeps running.
      const stored = await options.store(Sessions.toEvent(target.running, stop, context))
      end(target)
      await options.flush()
      return stored
    },
    get running() {
      return current()
    },
    onSessions: listeners.add,
    dismiss: (sessionId) => {
      const forgotten = away.forget(sessionId)
      if (forgotten) refresh()
      return forgotten
    },
    arrived: (added, local) => {
      const own = presence.session
      // Another device stopped this device's running session: its event is here, so it ends.
      if (!local && own !== undefined && added.some((e) => Sessions.endedBy(own, e))) {
        presence.setSession(undefined)
      }
      for (const gone of away.list()) {
        if (added.some((e) => Sessions.endedBy(gone.session, e))) away.forget(gone.session.id)
      }
      refresh()
    },
    destroy: () => {
      offPeers()
      away.destroy()
      listeners.clear()
    }
  }
}
