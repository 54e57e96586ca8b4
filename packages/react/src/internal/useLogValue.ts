// useSyncExternalStore over a log's store: one snapshot per version of the log, so React reads the
// same object until something changed.
import type { EventLog } from "@relactation/sync"
import { useSyncExternalStore } from "react"
import { storeOf } from "./store.js"

const noSubscription = (): (() => void) => () => {}
const nothing = (): undefined => undefined

export function useLogValue<A>(log: EventLog, key: string, read: (log: EventLog) => A): A
export function useLogValue<A>(
  log: EventLog | undefined,
  key: string,
  read: (log: EventLog) => A
): A | undefined
export function useLogValue<A>(
  log: EventLog | undefined,
  key: string,
  read: (log: EventLog) => A
): A | undefined {
  const store = log === undefined ? undefined : storeOf(log)
  const snapshot =
    log === undefined || store === undefined ? nothing : () => store.cached(key, () => read(log))
  return useSyncExternalStore(store?.subscribe ?? noSubscription, snapshot, snapshot)
}
