// One external store per open log, shared by every hook that reads it: a single subscription to
// the log's changes, status and peers, and a version that moves exactly when something changed, so
// every component reads the same snapshot during a render (no tearing) and an unchanged log gives
// the same object back (no render loop).
import type { EventLog } from "@relactation/sync"

export interface LogStore {
  /** Moves on every change of events, projections, status or peers. */
  readonly version: () => number
  readonly subscribe: (listener: () => void) => () => void
  /** The value of `read` for the current version, the same object until the version moves. */
  readonly cached: <A>(key: string, read: () => A) => A
  /** Moves the version and tells every listener (for changes the log does not announce). */
  readonly touch: () => void
}

const stores = new WeakMap<EventLog, LogStore>()

const make = (log: EventLog): LogStore => {
  let version = 0
  const listeners = new Set<() => void>()
  const cache = new Map<string, { readonly version: number; readonly value: unknown }>()
  const touch = (): void => {
    version++
    for (const listener of [...listeners]) listener()
  }
  // Subscribed for the log's whole life (not only while a component listens), so a change between
  // a render and React's subscription still moves the version, and React sees it on subscribing.
  log.subscribe(touch)
  log.onStatus(touch)
  log.onPeers(touch)
  return {
    version: () => version,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    cached: <A>(key: string, read: () => A): A => {
      const hit = cache.get(key)
      if (hit !== undefined && hit.version === version) return hit.value as A
      const value = read()
      cache.set(key, { version, value })
      return value
    },
    touch
  }
}

/** The store of a log, made on first use. */
export const storeOf = (log: EventLog): LogStore => {
  let store = stores.get(log)
  if (store === undefined) {
    store = make(log)
    stores.set(log, store)
  }
  return store
}
