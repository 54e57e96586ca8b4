/**
 * Plan progress: per local day, the plan's targets in force that day against what was logged,
 * met or not, the supplement ceiling of the day against the supplement given, and the course so
 * far (days since the start, weekly averages, the supplement trend). It reports; it gives no
 * advice.
 *
 * @since 0.1.0
 */
import type { LogEntry } from "./Codec.js"
import type { DailyTotalsOptions } from "./DailyTotals.js"
import { compareEvents, isLaterEvent, lowerBound } from "./EventOrder.js"
import { contribute, type DayAcc, type Days, isDayFact, makeDays, readDays } from "./internal/Days.js"
import { admit, type EventSet, makeEventSet, type Sink, skippedOf } from "./internal/EventSet.js"
import { checkDate, checkDayOptions, fail } from "./internal/InvalidOptions.js"
import { dateOfDay, dayOfDate, instantMs, offsetIn } from "./internal/LocalTime.js"
import { ceilingOn, type DatedWeighIn, velocityBefore } from "./internal/PlanSchedule.js"
import type { Plan } from "./PlanEvent.js"
import { fold, type Reducer, type Skipped } from "./Projection.js"

/**
 * Options of {@link planProgress}: those of `dailyTotals` (`timeZone`, `dayStartHour`, `night`,
 * `child`), and `through`. `child` is required when the entries hold several children's plans or
 * entries.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlanProgressOptions extends DailyTotalsOptions {
  /**
   * A local date `YYYY-MM-DD`: the days run at least to it, so an app that passes today knows
   * today's targets and supplement ceiling before anything is logged today. Entries after it
   * still count. Without it the days end on the last logged day or plan day.
   */
  readonly through?: string
}

/**
 * One target of a day.
 *
 * @since 0.1.0
 * @category models
 */
export interface TargetResult {
  readonly target: number
  /** The day's total; undefined on a day with nothing logged. */
  readonly actual: number | undefined
  /** `actual >= target`; undefined on a day with nothing logged ("not logged" is not "not met"). */
  readonly met: boolean | undefined
}

/**
 * The targets a plan can set, by name.
 *
 * @since 0.1.0
 * @category models
 */
export type TargetName = "latches" | "nightLatches" | "latchMinutes" | "pumps" | "pumpedMl"

/**
 * One local day of the course.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlanDay {
  readonly date: string
  /** Whether anything was logged this day (an entry that belongs to a day). */
  readonly logged: boolean
  /** The id of the plan in force: the latest set on or before this day. */
  readonly plan: string | undefined
  /** The targets of that plan, each with the day's total. */
  readonly targets: { readonly [K in TargetName]?: TargetResult }
  /** The supplement ceiling of the plan's schedule this day, and the supplement given. */
  readonly supplement: {
    /** Undefined when the plan in force has no schedule. */
    readonly ceilingMl: number | undefined
    /** Reductions taken so far under this plan's schedule. */
    readonly reductions: number
    /** The latest step day of the schedule was held (weight velocity below the plan's threshold). */
    readonly held: boolean
    /** Millilitres given; undefined on a day with nothing logged. */
    readonly givenMl: number | undefined
    /** `givenMl <= ceilingMl` when both are known. */
    readonly withinCeiling: boolean | undefined
  }
}

/**
 * Seven days of the course from its start: means over the logged days among them.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlanWeek {
  readonly from: string
  readonly to: string
  readonly loggedDays: number
  readonly latches: number
  readonly nightLatches: number
  readonly latchMinutes: number
  readonly pumps: number
  readonly pumpedMl: number
  readonly supplementMl: number
}

/**
 * The course so far.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlanCourse {
  /** The first day: of the first plan or the first logged entry, whichever is earlier. */
  readonly startDate: string
  /** The date the first plan in force was set, if any. */
  readonly firstPlanDate: string | undefined
  /** Days from the start to the last day, both counted. */
  readonly days: number
  /** The plans in force in order, with the local date each was set. */
  readonly plans: ReadonlyArray<{ readonly id: string; readonly date: string }>
  readonly weeks: ReadonlyArray<PlanWeek>
  /** Supplement ml a day: the first week with logged days, the latest one, and the change. */
  readonly supplementTrend:
    | {
        readonly firstWeekMlPerDay: number
        readonly lastWeekMlPerDay: number
        readonly changeMlPerDay: number
      }
    | undefined
}

/**
 * The result of {@link planProgress}.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlanProgress {
  /** The plan in force now: the latest by `compareEvents` not retracted. */
  readonly plan: Plan | undefined
  /** Every local day from the start of the course to its last day, in order. */
  readonly days: ReadonlyArray<PlanDay>
  readonly course: PlanCourse | undefined
  readonly skipped: Skipped
}

/**
 * The accumulator of {@link PlanProgressReducer}. Treat it as opaque.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlanProgressState {
  /** @internal */
  readonly set: EventSet
  /** @internal */
  readonly days: Days
  /** @internal plans in force by id */
  readonly plans: Map<string, Plan>
  /** @internal weigh-ins in compareEvents order */
  readonly weighIns: Array<DatedWeighIn>
  /** @internal per child, its facts in force (only without a `child` option) */
  readonly children: Map<string, number>
  /** @internal the `through` option as a day number */
  readonly through: number | undefined
  /** @internal */
  result: PlanProgress | undefined
  /** @internal */
  stale: boolean
}

const DAY = 86_400_000

const dayNumber = (days: Days, at: string): number => {
  const ms = instantMs(at)
  return Math.floor((ms + offsetIn(days.zone, ms) - days.dayStartMs) / DAY)
}

const countChild = (state: PlanProgressState, child: string, by: 1 | -1): void => {
  const n = (state.children.get(child) ?? 0) + by
  if (n === 0) state.children.delete(child)
  else state.children.set(child, n)
}

const byWeighIn = (a: DatedWeighIn, b: DatedWeighIn): number => compareEvents(a.w, b.w)

const sink: Sink<PlanProgressState> = {
  relevant: (fact) => fact.type === "plan" || isDayFact(fact),
  add: (state, fact) => {
    countChild(state, fact.child, 1)
    if (fact.type === "plan") state.plans.set(fact.id, fact)
    else {
      contribute(state.days, fact, 1)
      if (fact.type === "weigh-in") {
        const item = { t: instantMs(fact.at), day: dayNumber(state.days, fact.at), w: fact }
        state.weighIns.splice(lowerBound(state.weighIns, item, byWeighIn), 0, item)
      }
    }
  },
  remove: (state, fact) => {
    countChild(state, fact.child, -1)
    if (fact.type === "plan") state.plans.delete(fact.id)
    else {
      contribute(state.days, fact, -1)
      if (fact.type === "weigh-in") {
        const i = lowerBound(state.weighIns, { t: 0, day: 0, w: fact }, byWeighIn)
        state.weighIns.splice(i, 1)
      }
    }
  }
}

const round1 = (n: number): number => Math.round(n * 10) / 10
const ml = (centi: number): number => centi / 100

const actuals = (acc: DayAcc): { readonly [K in TargetName]: number } => ({
  latches: acc.latches,
  nightLatches: acc.nightLatches,
  latchMinutes: Math.round(acc.latchSec / 6) / 10,
  pumps: acc.pumps,
  pumpedMl: ml(acc.pumpedCenti)
})

const TARGETS: ReadonlyArray<TargetName> = ["latches", "nightLatches", "latchMinutes", "pumps", "pumpedMl"]

const weekOf = (from: number, list: ReadonlyArray<DayAcc>): PlanWeek => {
  const n = list.length
  const mean = (f: (a: DayAcc) => number) => (n === 0 ? 0 : round1(list.reduce((s, a) => s + f(a), 0) / n))
  return {
    from: dateOfDay(from),
    to: dateOfDay(from + 6),
    loggedDays: n,
    latches: mean((a) => a.latches),
    nightLatches: mean((a) => a.nightLatches),
    latchMinutes: mean((a) => a.latchSec / 60),
    pumps: mean((a) => a.pumps),
    pumpedMl: mean((a) => ml(a.pumpedCenti)),
    supplementMl: mean((a) => ml(a.supplementCenti))
  }
}

const compute = (state: PlanProgressState): PlanProgress => {
  const { order } = readDays(state.days)
  const plans = [...state.plans.values()].sort(compareEvents)
  const planDays = plans.map((p) => dayNumber(state.days, p.at))
  let latest: Plan | undefined
  for (const p of plans) if (latest === undefined || isLaterEvent(p, latest)) latest = p
  const skipped = skippedOf(state.set)
  const firstLogged = order[0]?.day
  const lastLogged = order[order.length - 1]?.day
  const firstPlan = planDays.length === 0 ? undefined : Math.min(...planDays)
  const lastPlan = planDays.length === 0 ? undefined : Math.max(...planDays)
  const starts = [firstLogged, firstPlan].filter((d): d is number => d !== undefined)
  const ends = [lastLogged, lastPlan].filter((d): d is number => d !== undefined)
  if (starts.length === 0) return { plan: latest, days: [], course: undefined, skipped }
  const first = Math.min(...starts)
  const last = Math.max(...ends, ...(state.through === undefined ? [] : [state.through]))

  // Per plan, whether each step day is held, computed once.
  const holds = new Map<string, Map<number, boolean>>()
  const heldFor = (plan: Plan) => (step: number) => {
    let memo = holds.get(plan.id)
    if (memo === undefined) {
      memo = new Map()
      holds.set(plan.id, memo)
    }
    let held = memo.get(step)
    if (held === undefined) {
      const v = velocityBefore(state.weighIns, step)
      held = v !== undefined && v < plan.supplement!.holdBelowGramsPerDay!
      memo.set(step, held)
    }
    return held
  }

  const days: Array<PlanDay> = []
  for (let d = first; d <= last; d++) {
    // The plan in force: the latest (by compareEvents) set on this day or before.
    let plan: Plan | undefined
    let planDay = 0
    for (let i = 0; i < plans.length; i++) {
      if (planDays[i]! <= d) {
        plan = plans[i]
        planDay = planDays[i]!
      }
    }
    const acc = state.days.map.get(d)
    const actual = acc === undefined ? undefined : actuals(acc)
    const targets: { [K in TargetName]?: TargetResult } = {}
    for (const name of TARGETS) {
      const target = plan?.targets?.[name]
      if (target === undefined) continue
      const value = actual?.[name]
      targets[name] = { target, actual: value, met: value === undefined ? undefined : value >= target }
    }
    const schedule = plan?.supplement
    const ceiling =
      plan === undefined || schedule === undefined
        ? undefined
        : ceilingOn(
            schedule,
            schedule.from === undefined ? planDay : dayOfDate(schedule.from),
            d,
            heldFor(plan)
          )
    const givenMl = acc === undefined ? undefined : ml(acc.supplementCenti)
    days.push({
      date: dateOfDay(d),
      logged: acc !== undefined,
      plan: plan?.id,
      targets,
      supplement: {
        ceilingMl: ceiling?.ceilingMl,
        reductions: ceiling?.reductions ?? 0,
        held: ceiling?.held ?? false,
        givenMl,
        withinCeiling:
          givenMl === undefined || ceiling === undefined ? undefined : givenMl <= ceiling.ceilingMl + 1e-9
      }
    })
  }

  const weeks: Array<PlanWeek> = []
  for (let w = first; w <= last; w += 7) {
    const list: Array<DayAcc> = []
    for (let d = w; d < w + 7; d++) {
      const acc = state.days.map.get(d)
      if (acc !== undefined) list.push(acc)
    }
    weeks.push(weekOf(w, list))
  }
  const logged = weeks.filter((w) => w.loggedDays > 0)
  const firstWeek = logged[0]
  const lastWeek = logged[logged.length - 1]
  const course: PlanCourse = {
    startDate: dateOfDay(first),
    firstPlanDate: firstPlan === undefined ? undefined : dateOfDay(planDays[0]!),
    days: last - first + 1,
    plans: plans.map((p, i) => ({ id: p.id, date: dateOfDay(planDays[i]!) })),
    weeks,
    supplementTrend:
      firstWeek === undefined || lastWeek === undefined
        ? undefined
        : {
            firstWeekMlPerDay: firstWeek.supplementMl,
            lastWeekMlPerDay: lastWeek.supplementMl,
            changeMlPerDay: round1(lastWeek.supplementMl - firstWeek.supplementMl)
          }
  }
  return { plan: latest, days, course, skipped }
}

/**
 * The incremental form of {@link planProgress}: `apply` adds an entry to its day (or records a
 * plan or weigh-in) in O(log n); `result` recomputes the days only after a change. `initial`
 * throws {@link InvalidOptions} for options out of range; `result` throws it (option `child`)
 * while no `child` is given and the entries in force belong to several children.
 *
 * @since 0.1.0
 * @category reducers
 */
export const PlanProgressReducer: Reducer<PlanProgressOptions, PlanProgressState, PlanProgress> = {
  initial: (options) => {
    const checked = checkDayOptions("planProgress", options)
    const through = checkDate("planProgress", "through", options.through)
    return {
      through: through === undefined ? undefined : dayOfDate(through),
      set: makeEventSet(checked.child),
      days: makeDays(checked),
      plans: new Map(),
      weighIns: [],
      children: new Map(),
      result: undefined,
      stale: true
    }
  },
  apply: (state, entry) => {
    if (admit(state.set, entry, sink, state)) state.stale = true
    return state
  },
  result: (state) => {
    if (state.set.child === undefined && state.children.size > 1) {
      fail(
        "planProgress",
        "child",
        `must be given when the entries hold plans or entries of several children (${state.children.size}); a plan is one child's`,
        undefined
      )
    }
    if (state.result !== undefined && !state.stale) return state.result
    const result = compute(state)
    state.result = result
    state.stale = false
    return result
  }
}

/**
 * Progress against the plan over a set of log entries: duplicates count once, retracted entries
 * and plans are left out whichever order the retraction arrives in (a retracted latest plan brings
 * the previous one back), unknown and invalid entries are skipped and counted.
 *
 * The plan in force on a day is the latest (by `compareEvents`) set on that local day or before,
 * so a plan changed mid-day judges the whole day. A target is met when the day's total is at least
 * the target. The supplement ceiling starts at `startMl` on the schedule's `from` (default the day
 * the plan was set) and drops by `stepMl` every `everyDays` days, not below `minimumMl`; with
 * `holdBelowGramsPerDay`, a step day whose latest weight velocity before it is below that does not
 * lower it (no velocity known: no hold). Throws {@link InvalidOptions} for options out of range.
 *
 * @since 0.1.0
 * @category projections
 */
export const planProgress = (entries: Iterable<LogEntry>, options: PlanProgressOptions): PlanProgress =>
  fold(PlanProgressReducer, entries, options)
