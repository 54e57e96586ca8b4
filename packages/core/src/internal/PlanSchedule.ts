/**
 * The supplement ceiling a plan's schedule sets for a local day, with the hold on weight velocity:
 * a step day whose latest weight velocity (before that day) is below the plan's threshold does not
 * lower the ceiling.
 *
 * @since 0.1.0
 */
import type { WeighIn } from "../Event.js"
import { lowerBound } from "../EventOrder.js"
import type { SupplementSchedule } from "../PlanEvent.js"

const DAY = 86_400_000
const MIN_DAYS = 3

/**
 * A weigh-in with its instant and local day number, in time order.
 *
 * @internal
 */
export interface DatedWeighIn {
  readonly t: number
  readonly day: number
  readonly w: WeighIn
}

/**
 * The latest weight velocity known before local day `day`: from the latest weigh-in of an earlier
 * day back to the latest weigh-in at least 3 days before it, in grams a day; undefined without
 * such a pair.
 *
 * @internal
 */
export const velocityBefore = (weighIns: ReadonlyArray<DatedWeighIn>, day: number): number | undefined => {
  // Day numbers grow with time, so the weigh-ins of earlier days are a prefix.
  const i = lowerBound(weighIns, day, (x: DatedWeighIn, d: number) => x.day - d) - 1
  if (i < 0) return undefined
  const last = weighIns[i]!
  const j = lowerBound(weighIns, last.t - MIN_DAYS * DAY, (x: DatedWeighIn, t: number) => x.t - t)
  // The latest weigh-in at or before `last.t - 3 days`.
  const k = j < weighIns.length && weighIns[j]!.t === last.t - MIN_DAYS * DAY ? j : j - 1
  if (k < 0) return undefined
  const anchor = weighIns[k]!
  return (last.w.grams - anchor.w.grams) / ((last.t - anchor.t) / DAY)
}

/**
 * The ceiling of one day under a schedule that starts on day `start`: how many steps were taken,
 * whether the latest step day held, and the ceiling in millilitres.
 *
 * @internal
 */
export interface Ceiling {
  readonly ceilingMl: number
  readonly reductions: number
  readonly held: boolean
}

/**
 * The ceiling on `day` of a schedule starting on day `start`; `heldOn(stepDay)` says whether the
 * step of that day is held (the caller memoizes it: each step day's velocity is computed once).
 *
 * @internal
 */
export const ceilingOn = (
  schedule: SupplementSchedule,
  start: number,
  day: number,
  heldOn: (stepDay: number) => boolean
): Ceiling => {
  let reductions = 0
  let held = false
  const floor = schedule.minimumMl ?? 0
  for (let step = start + schedule.everyDays; step <= day; step += schedule.everyDays) {
    // Once at the floor there is nothing left to reduce (nor to hold).
    if (schedule.startMl - reductions * schedule.stepMl <= floor) break
    held = schedule.holdBelowGramsPerDay !== undefined && heldOn(step)
    if (!held) reductions++
  }
  const ceilingMl = Math.max(floor, schedule.startMl - reductions * schedule.stepMl)
  return { ceilingMl: Math.round(ceilingMl * 100) / 100, reductions, held }
}
