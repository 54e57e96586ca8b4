// The relactation plan in the app: a `plan` event in the shared log (so both phones see the same
// one), core's `planProgress` for the screens, and the one-time move of the targets each phone used
// to keep in its own settings into a plan event.
import {
  type Draft,
  type InvalidEvent,
  makeSync,
  type Plan,
  type PlanDraft,
  type PlanProgress,
  planProgress
} from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import { type Link, SETTINGS_KEY, type Settings } from "./Link.js"

const cache = new WeakMap<ReadonlyArray<unknown>, { key: string; result: PlanProgress }>()

/**
 * Core's `planProgress` over the log for this phone's day settings, its days running to `today`
 * (so today's targets and ceiling are there before anything is logged). Computed once per version
 * of the log and options: every component that asks gets the same answer.
 */
export const planProgressOf = (
  log: EventLog,
  settings: Settings,
  link: Link,
  today: string
): PlanProgress => {
  const events = log.events
  const key = [
    settings.timeZone,
    settings.dayStartHour,
    settings.nightStart,
    settings.nightEnd,
    link.child,
    today
  ].join("|")
  const hit = cache.get(events)
  if (hit !== undefined && hit.key === key) return hit.result
  const result = planProgress(events, {
    timeZone: settings.timeZone,
    dayStartHour: settings.dayStartHour,
    night: { start: settings.nightStart, end: settings.nightEnd },
    child: link.child,
    through: today
  })
  cache.set(events, { key, result })
  return result
}

/** The plan in force for the child (the latest not retracted), or undefined. */
export const planInForce = (log: EventLog, settings: Settings, link: Link, today: string): Plan | undefined =>
  planProgressOf(log, settings, link, today).plan

// ---- the one-time migration of the per-phone targets ----

/** What the app kept per phone before the plan was an event (`Settings.plan` of older versions). */
export interface LegacyPlan {
  readonly latches?: number
  readonly nightLatches?: number
  readonly latchMinutes?: number
  readonly pumpedMl?: number
  readonly supplementMl?: number
}

/**
 * The targets older versions showed when nobody had set any: the app's defaults, not a plan the
 * family or a clinician chose, so they are not moved into the shared log.
 */
export const LEGACY_DEFAULT: Required<LegacyPlan> = {
  latches: 10,
  nightLatches: 2,
  latchMinutes: 150,
  pumpedMl: 0,
  supplementMl: 0
}

/** The part of `localStorage` the migration uses (a Map-backed one in Node tests). */
export interface KeyValueStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** The logs whose per-phone targets this phone has already moved (a JSON array of log ids). */
export const MIGRATED_KEY = "relactation:plan-migrated"

const isDefault = (p: LegacyPlan): boolean =>
  (Object.keys(LEGACY_DEFAULT) as Array<keyof LegacyPlan>).every(
    (k) => (p[k] ?? LEGACY_DEFAULT[k]) === LEGACY_DEFAULT[k]
  )

/** The plan draft for the old per-phone targets (before validation). */
export const legacyDraft = (p: LegacyPlan, link: Link, at: string | number, note: string): PlanDraft => {
  const n = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined)
  const latches = n(p.latches)
  const nightLatches = n(p.nightLatches)
  const latchMinutes = n(p.latchMinutes)
  const pumpedMl = n(p.pumpedMl)
  const supplementMl = n(p.supplementMl)
  // Zero pumped ml or supplement meant "no target" (the old Today screen showed none for 0).
  const targets = {
    ...(latches === undefined ? {} : { latches }),
    ...(nightLatches === undefined ? {} : { nightLatches }),
    ...(latchMinutes === undefined ? {} : { latchMinutes }),
    ...(pumpedMl === undefined || pumpedMl === 0 ? {} : { pumpedMl })
  }
  return {
    type: "plan",
    child: link.child,
    by: link.caregiver,
    at,
    ...(Object.keys(targets).length === 0 ? {} : { targets }),
    // The old setting was a fixed ceiling: a schedule that never goes below its start.
    ...(supplementMl === undefined || supplementMl <= 0
      ? {}
      : { supplement: { startMl: supplementMl, stepMl: 30, everyDays: 3, minimumMl: supplementMl } }),
    note
  }
}

/** Drops the fields core refuses (an old setting out of today's ranges), keeping the valid ones. */
const validOnly = (draft: PlanDraft): PlanDraft | undefined => {
  let d: Record<string, unknown> = { ...draft }
  for (let attempt = 0; attempt < 12; attempt++) {
    try {
      makeSync(d as unknown as Draft)
      return d as unknown as PlanDraft
    } catch (error) {
      const e = error as Partial<InvalidEvent>
      if (e._tag !== "InvalidEvent" || !Array.isArray(e.problems) || e.problems.length === 0) throw error
      const [group, field] = e.problems[0]!.path.map(String)
      if (group !== "targets" && group !== "supplement") return undefined
      if (group === "targets" && field === undefined && d.targets === undefined) return undefined
      const inner = { ...(d[group] as Record<string, unknown> | undefined) }
      // A bad target goes alone; anything wrong with the schedule drops the schedule.
      if (group === "targets" && field !== undefined && field in inner) delete inner[field]
      const { [group]: _gone, ...rest } = d
      d = group === "targets" && Object.keys(inner).length > 0 ? { ...rest, targets: inner } : rest
    }
  }
  return undefined
}

const migratedLogs = (store: KeyValueStore): Array<string> => {
  try {
    const list = JSON.parse(store.getItem(MIGRATED_KEY) ?? "[]") as unknown
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []
  } catch {
    return []
  }
}

/** What {@link migrateLocalPlan} did. */
export type Migration =
  | { readonly done: "already" }
  | { readonly done: "nothing-to-move" }
  | { readonly done: "plan-exists" }
  | { readonly done: "moved"; readonly plan: Plan }

/**
 * Moves the targets this phone kept in its settings (older versions) into a `plan` event, once per
 * log. It writes nothing when the settings hold only the app's old defaults, or when the log already
 * has a plan for the child (set on either phone, in force or retracted). The event is dated at the
 * log's first entry (or now, in an empty log or when that entry is dated later): the old targets were in force from the start, and a
 * plan set with the editor is always later, so the moved one never overrides it, whichever phone's
 * events arrive first.
 */
export const migrateLocalPlan = async (
  log: EventLog,
  link: Link,
  store: KeyValueStore,
  note: string,
  now: () => number = Date.now
): Promise<Migration> => {
  const done = migratedLogs(store)
  if (done.includes(link.log)) return { done: "already" }
  const mark = () => store.setItem(MIGRATED_KEY, JSON.stringify([...done, link.log]))
  let legacy: LegacyPlan | undefined
  try {
    const stored = JSON.parse(store.getItem(SETTINGS_KEY) ?? "{}") as { plan?: unknown }
    if (typeof stored.plan === "object" && stored.plan !== null) legacy = stored.plan as LegacyPlan
  } catch {
    legacy = undefined
  }
  if (legacy === undefined || isDefault(legacy)) {
    mark()
    return { done: "nothing-to-move" }
  }
  if (log.events.some((e) => e.type === "plan" && e.child === link.child)) {
    mark()
    return { done: "plan-exists" }
  }
  const first = log.events[0]
  const at = first === undefined ? now() : Math.min(Date.parse(first.at), now())
  const draft = validOnly(legacyDraft(legacy, link, at, note))
  if (draft === undefined) {
    mark()
    return { done: "nothing-to-move" }
  }
  const plan = await log.append(draft)
  mark()
  return { done: "moved", plan: plan as Plan }
}
