/**
 * Sessions whose device left presence while they ran: presence forgets a device as soon as it
 * leaves, so this remembers, from the peers seen before, which sessions were running and when
 * their device went. A session stops being away when any device shows it again, when it is
 * stopped (its event arrives), or when the app dismisses it. Memory only: a device that opens the
 * log after the other left never saw that session.
 */
import type { Peer, RunningSession } from "../Presence.js"

/** A session whose device left. */
export interface Away {
  readonly session: RunningSession
  readonly caregiver: string
  readonly name: string | undefined
  readonly clientId: number
  /** Milliseconds (from the log's clock). */
  readonly leftAt: number
}

export interface AwaySessions {
  /** Compares the peers now with the ones before: sessions gone with their device become away. */
  readonly update: (peers: ReadonlyArray<Peer>) => void
  /** The session ended (stopped, or dismissed): forget it. Whether it was away. */
  readonly forget: (sessionId: string) => boolean
  readonly get: (sessionId: string) => Away | undefined
  readonly list: () => ReadonlyArray<Away>
  readonly destroy: () => void
}

/**
 * Tracks away sessions. `onLimit` is called (on a timer) when an away session crosses
 * `forgottenAfterMs`, so listeners can learn it is now "maybe forgotten".
 */
export const make = (options: {
  readonly now: () => number
  readonly forgottenAfterMs: number
  readonly onLimit: () => void
}): AwaySessions => {
  const away = new Map<string, Away>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  let before: ReadonlyArray<Peer> = []

  const schedule = (delay: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      options.onLimit()
    }, delay + 1)
    // Never keep a Node process alive for this.
    ;(timer as { unref?: () => void }).unref?.()
    timers.add(timer)
  }

  return {
    update: (peers) => {
      const showing = new Set<string>()
      for (const peer of peers) if (peer.session !== undefined) showing.add(peer.session.id)
      for (const id of showing) away.delete(id)
      const present = new Set(peers.map((p) => p.clientId))
      for (const peer of before) {
        const session = peer.session
        if (peer.self || session === undefined || present.has(peer.clientId) || showing.has(session.id))
          continue
        away.set(session.id, {
          session,
          caregiver: peer.caregiver,
          name: peer.name,
          clientId: peer.clientId,
          leftAt: options.now()
        })
        schedule(options.forgottenAfterMs)
      }
      before = peers
    },
    forget: (sessionId) => away.delete(sessionId),
    get: (sessionId) => away.get(sessionId),
    list: () => [...away.values()],
    destroy: () => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      away.clear()
    }
  }
}
