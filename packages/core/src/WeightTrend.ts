/**
 * Weight trend: the weigh-ins in time order, the velocity between weighings far enough apart to
 * mean something, the least-squares slope over the last 7 and 14 days, and, when the birth date
 * and sex are known, where each 1-month gain falls against the WHO weight-velocity reference. The
 * library reports; it gives no medical advice.
 *
 * @since 0.1.0
 */
import type { LogEntry } from "./Codec.js"
import type { Child, WeighIn } from "./Event.js"
import type { Place, Sex } from "./EventFields.js"
import { compareEvents, isLaterEvent, lowerBound } from "./EventOrder.js"
import { admit, type EventSet, makeEventSet, type Sink, skippedOf } from "./internal/EventSet.js"
import { instantMs } from "./internal/LocalTime.js"
import { checkBirthDate, checkChild, checkSex, fail } from "./internal/InvalidOptions.js"
import { fold, type Reducer, type Skipped } from "./Projection.js"
import { type WhoVelocityResult, whoVelocities } from "./WhoVelocity.js"

/**
 * Options of {@link weightTrend}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WeightTrendOptions {
  /**
   * Only the weigh-ins (and profile) of this child. Required when the entries hold weigh-ins or
   * profiles of several children: a trend never pools children (the result then throws
   * {@link InvalidOptions}). Default: the one child in the log.
   */
  readonly child?: string
  /** Birth date `YYYY-MM-DD`; default: from the latest child profile. */
  readonly birthDate?: string
  /** `"female"` or `"male"`, for the WHO reference; default: from the latest child profile. */
  readonly sex?: Sex
}

/**
 * One weigh-in.
 *
 * @since 0.1.0
 * @category models
 */
export interface WeightPoint {
  /** The weigh-in event's id. */
  readonly id: string
  /** When it was taken (ISO UTC). */
  readonly at: string
  /** Who logged it (caregiver id). */
  readonly by: string
  readonly grams: number
  /** Age in days (fractional) when the birth date is known, counted from 00:00 UTC on that date. */
  readonly ageDays?: number
  readonly clothed?: boolean
  readonly place?: Place
}

/**
 * The velocity between two weigh-ins at least 3 days apart.
 *
 * @since 0.1.0
 * @category models
 */
export interface WeightVelocity {
  /** `at` of the earlier weigh-in. */
  readonly from: string
  /** `at` of the later weigh-in. */
  readonly to: string
  /** Days between them (fractional). */
  readonly days: number
  /** Grams gained (negative: lost). */
  readonly gainGrams: number
  /** Grams per day, to 0.1 g. */
  readonly gramsPerDay: number
}

/**
 * A least-squares slope over the weigh-ins of a window that ends at the latest weigh-in.
 *
 * @since 0.1.0
 * @category models
 */
export interface WeightSlope {
  /** Grams per day, to 0.1 g (negative: losing). */
  readonly gramsPerDay: number
  /** Weigh-ins in the window. */
  readonly points: number
  /** `at` of the first and last weigh-in used. */
  readonly from: string
  readonly to: string
}

/**
 * The result of {@link weightTrend}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WeightTrend {
  /** Every weigh-in in time order (by `at`, then `id`); several on one day are all kept. */
  readonly points: ReadonlyArray<WeightPoint>
  /**
   * Velocities along the series: from the first weigh-in to the first one at least 3 days later,
   * from there to the next one at least 3 days later, and so on.
   */
  readonly velocities: ReadonlyArray<WeightVelocity>
  /** Least-squares slope over the 7 days up to the latest weigh-in; absent with fewer than 2 weigh-ins spanning 3 days. */
  readonly last7Days: WeightSlope | undefined
  /** The same over 14 days. */
  readonly last14Days: WeightSlope | undefined
  /** Change from the first weigh-in to the latest: grams and percent (to 0.1). */
  readonly change: { readonly grams: number; readonly percent: number } | undefined
  /** The birth date and sex used (options first, then the latest child profile). */
  readonly birthDate: string | undefined
  readonly sex: Sex | undefined
  /** Each WHO 1-month interval whose start and end weights can be estimated; empty without birth date and sex. */
  readonly who: ReadonlyArray<WhoVelocityResult>
  /** Entries skipped because their type is unknown or they are invalid. */
  readonly skipped: Skipped
}

/**
 * The accumulator of {@link WeightTrendReducer}. Treat it as opaque.
 *
 * @since 0.1.0
 * @category models
 */
export interface WeightTrendState {
  /** @internal */
  readonly options: { readonly birthDate: string | undefined; readonly sex: Sex | undefined }
  /** @internal */
  readonly set: EventSet
  /** @internal the weigh-ins in time order (by `at`, then `id`), kept sorted as they come */
  readonly weighIns: Array<Timed>
  /** @internal */
  readonly profiles: Map<string, Child>
  /** @internal per child id, its weigh-ins and profiles in force (only without a `child` option) */
  readonly children: Map<string, number>
  /** @internal the last result read */
  result: WeightTrend | undefined
  /** @internal a weigh-in or profile changed since the result was read */
  changed: boolean
  /** @internal the skipped counts changed since the result was read */
  skippedChanged: boolean
}

interface Timed {
  readonly t: number
  readonly w: WeighIn
}

const DAY = 86_400_000
const MIN_DAYS = 3

const round1 = (n: number): number => Math.round(n * 10) / 10

const byEvent = (a: Timed, w: WeighIn): number => compareEvents(a.w, w)
// Where a weigh-in goes (or is) in the sorted list: the first index not before it.
const indexOf = (list: ReadonlyArray<Timed>, w: WeighIn): number => lowerBound(list, w, byEvent)

const countChild = (state: WeightTrendState, child: string, by: 1 | -1): void => {
  const n = (state.children.get(child) ?? 0) + by
  if (n === 0) state.children.delete(child)
  else state.children.set(child, n)
}

const sink: Sink<WeightTrendState> = {
  relevant: (fact) => fact.type === "weigh-in" || fact.type === "child",
  add: (state, fact) => {
    countChild(state, fact.child, 1)
    if (fact.type === "weigh-in") {
      const list = state.weighIns
      const last = list[list.length - 1]
      const timed = { t: instantMs(fact.at), w: fact }
      if (last === undefined || compareEvents(last.w, fact) < 0) list.push(timed)
      else list.splice(indexOf(list, fact), 0, timed)
    } else if (fact.type === "child") state.profiles.set(fact.id, fact)
    state.changed = true
  },
  remove: (state, fact) => {
    countChild(state, fact.child, -1)
    if (fact.type === "weigh-in") state.weighIns.splice(indexOf(state.weighIns, fact), 1)
    else if (fact.type === "child") state.profiles.delete(fact.id)
    state.changed = true
  }
}

const slope = (points: ReadonlyArray<{ readonly t: number; readonly p: WeightPoint }>, days: number) => {
  const last = points[points.length - 1]
  if (last === undefined) return undefined
  const window = points.filter((x) => x.t >= last.t - days * DAY)
  const first = window[0]!
  if (window.length < 2 || last.t - first.t < MIN_DAYS * DAY) return undefined
  const xs = window.map((x) => (x.t - first.t) / DAY)
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length
  const my = window.reduce((s, x) => s + x.p.grams, 0) / window.length
  let num = 0
  let den = 0
  window.forEach((x, i) => {
    const dx = xs[i]! - mx
    num += dx * (x.p.grams - my)
    den += dx * dx
  })
  const result: WeightSlope = {
    gramsPerDay: round1(num / den),
    points: window.length,
    from: first.p.at,
    to: last.p.at
  }
  return result
}

const compute = (state: WeightTrendState): WeightTrend => {
  let profile: Child | undefined
  for (const p of state.profiles.values()) if (profile === undefined || isLaterEvent(p, profile)) profile = p
  const birthDate = state.options.birthDate ?? profile?.birthDate
  const sex = state.options.sex ?? profile?.sex
  const birth = birthDate === undefined ? undefined : Date.parse(`${birthDate}T00:00:00Z`)
  const timed = state.weighIns.map(({ t, w }) => {
    const p: WeightPoint = {
      id: w.id,
      at: w.at,
      by: w.by,
      grams: w.grams,
      ...(birth === undefined ? {} : { ageDays: round1((t - birth) / DAY) }),
      ...(w.clothed === undefined ? {} : { clothed: w.clothed }),
      ...(w.place === undefined ? {} : { place: w.place })
    }
    return { t, p }
  })
  const points = timed.map((x) => x.p)

  const velocities: Array<WeightVelocity> = []
  let anchor = timed[0]
  for (const x of timed) {
    if (anchor === undefined || x.t - anchor.t < MIN_DAYS * DAY) continue
    const days = (x.t - anchor.t) / DAY
    const gainGrams = x.p.grams - anchor.p.grams
    velocities.push({
      from: anchor.p.at,
      to: x.p.at,
      days: round1(days),
      gainGrams,
      gramsPerDay: round1(gainGrams / days)
    })
    anchor = x
  }

  const first = points[0]
  const last = points[points.length - 1]
  const change =
    first === undefined || last === undefined
      ? undefined
      : { grams: last.grams - first.grams, percent: round1(((last.grams - first.grams) / first.grams) * 100) }

  // Ages from the unrounded instants, so the boundaries are not shifted by display rounding.
  const who =
    birth === undefined || sex === undefined
      ? []
      : whoVelocities(
          timed.map((x) => ({ ageDays: (x.t - birth) / DAY, grams: x.p.grams })),
          sex
        )

  return {
    points,
    velocities,
    last7Days: slope(timed, 7),
    last14Days: slope(timed, 14),
    change,
    birthDate,
    sex,
    who,
    skipped: skippedOf(state.set)
  }
}

/**
 * The incremental form of {@link weightTrend}: `apply` inserts a weigh-in at its place in the
 * list kept in {@link compareEvents} order (an append for a log read in time order) or records a
 * profile; `result` recomputes only after a change, with no sort. `initial` throws
 * {@link InvalidOptions} for a malformed `child`, `birthDate` or `sex`; `result` throws it (option
 * `child`) while no `child` is given and the entries in force belong to several children.
 *
 * @since 0.1.0
 * @category reducers
 */
export const WeightTrendReducer: Reducer<WeightTrendOptions, WeightTrendState, WeightTrend> = {
  initial: (options) => ({
    options: {
      birthDate: checkBirthDate("weightTrend", options.birthDate),
      sex: checkSex("weightTrend", options.sex)
    },
    set: makeEventSet(checkChild("weightTrend", options.child)),
    weighIns: [],
    profiles: new Map(),
    children: new Map(),
    result: undefined,
    changed: true,
    skippedChanged: false
  }),
  apply: (state, entry) => {
    // Only weigh-ins and child profiles reach the sink (which sets `changed`); otherwise an
    // admitted entry was unknown or invalid and only the skipped counts moved.
    if (admit(state.set, entry, sink, state) && !state.changed) state.skippedChanged = true
    return state
  },
  result: (state) => {
    // Several children without `child`: one velocity over twins' weights would mean nothing.
    if (state.set.child === undefined && state.children.size > 1) {
      fail(
        "weightTrend",
        "child",
        `must be given when the entries hold weigh-ins or profiles of several children (${state.children.size}); call weightTrend once per child`,
        undefined
      )
    }
    let result = state.result
    if (result === undefined || state.changed) result = compute(state)
    else if (state.skippedChanged) result = { ...result, skipped: skippedOf(state.set) }
    else return result
    state.result = result
    state.changed = false
    state.skippedChanged = false
    return result
  }
}

/**
 * The weight trend of a set of log entries (duplicates count once, retracted weigh-ins and
 * profiles are left out, unknown and invalid entries are skipped and counted).
 *
 * The WHO bands come from {@link whoVelocities} over the weigh-ins' ages. Velocities and slopes use the
 * weights as logged, clothed or not: compare like with like.
 *
 * A trend is one child's: without `child`, entries (weigh-ins, child profiles) of several children
 * throw {@link InvalidOptions} naming `child` instead of pooling twins into one meaningless
 * velocity. For one trend per child, call it per child id (`current(entries).children.keys()`).
 *
 * @since 0.1.0
 * @category projections
 */
export const weightTrend = (entries: Iterable<LogEntry>, options: WeightTrendOptions = {}): WeightTrend =>
  fold(WeightTrendReducer, entries, options)
