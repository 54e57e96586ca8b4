// An SNS feed given during a latch that is still running has no latch event to point at yet: the
// latch event is written when its timer stops (its `at` is the timer's start, its `by` the
// caregiver who ran it). The feed waits here, on this phone, and is appended with its link as soon
// as that latch event arrives, from this phone or the other one.
import type { SupplementDraft } from "@relactation/core"
import type { EventLog } from "@relactation/sync"

export interface PendingSns {
  readonly key: string
  readonly draft: SupplementDraft
  /** The running latch: who runs it and when it started. */
  readonly latchBy: string
  readonly latchStartedAt: string
}

const storageKey = (logId: string) => `relactation:pending-sns:${logId}`

export const loadPending = (logId: string): Array<PendingSns> => {
  try {
    return JSON.parse(localStorage.getItem(storageKey(logId)) ?? "[]") as Array<PendingSns>
  } catch {
    return []
  }
}

const savePending = (logId: string, list: ReadonlyArray<PendingSns>): void =>
  localStorage.setItem(storageKey(logId), JSON.stringify(list))

export const addPending = (logId: string, pending: PendingSns): void =>
  savePending(logId, [...loadPending(logId), pending])

export const removePending = (logId: string, key: string): void =>
  savePending(
    logId,
    loadPending(logId).filter((p) => p.key !== key)
  )

const changed = new Set<() => void>()
/** Listeners re-render when the pending list changes. */
export const onPendingChange = (f: () => void): (() => void) => {
  changed.add(f)
  return () => changed.delete(f)
}
const notify = () => {
  for (const f of changed) f()
}

let resolving = false
/** Appends every waiting feed whose latch event has arrived. */
export const resolvePending = async (log: EventLog): Promise<void> => {
  if (resolving) return
  resolving = true
  try {
    for (const p of loadPending(log.logId)) {
      const start = Date.parse(p.latchStartedAt)
      const latch = log.events.find(
        (e) => e.type === "latch" && e.by === p.latchBy && Date.parse(e.at) === start
      )
      if (latch === undefined) continue
      removePending(log.logId, p.key)
      await log.append({ ...p.draft, latch: latch.id })
      notify()
    }
  } finally {
    resolving = false
  }
}

/** Records a waiting feed without its link (when the latch timer was abandoned). */
export const savePendingUnlinked = async (log: EventLog, key: string): Promise<void> => {
  const p = loadPending(log.logId).find((x) => x.key === key)
  if (p === undefined) return
  removePending(log.logId, key)
  await log.append(p.draft)
  notify()
}

export const addAndNotify = (logId: string, pending: PendingSns): void => {
  addPending(logId, pending)
  notify()
}
