/**
 * Relactation progress: per local day the supplement given, latches, night latches and milk pumped,
 * each with a 7-day moving average, and how the daily supplement over the last 7 days compares
 * with the 7 before. The library reports these numbers; it gives no medical advice.
 *
 * @since 0.1.0
 */
import type { LogEntry } from "./Codec.js"
import type { DailyTotalsOptions } from "./DailyTotals.js"
import { type DayAcc, type Days, daySink, dateOf, dayIndex, makeDays, readDays } from "./internal/Days.js"
import { admit, type EventSet, makeEventSet, skippedOf } from "./internal/EventSet.js"
import { checkDayOptions } from "./internal/InvalidOptions.js"
import { dateOfDay } from "./internal/LocalTime.js"
import { fold, type Reducer, type Skipped } from "./Projection.js"

/**
 * Options of {@link relactationProgress}: the same as {@link DailyTotalsOptions} (`timeZone`,
 * `dayStartHour`, `night`, `child`).
 *
 * @since 0.1.0
 * @category models
 */
export interface RelactationProgressOptions extends DailyTotalsOptions {}

/**
 * The four daily measures progress follows.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProgressMeasures {
  /** Millilitres of supplement (to 0.01 ml). */
  readonly supplementMl: number
  /** Nursing sessions. */
  readonly latches: number
  /** Nursing sessions started in the night window. */
  readonly nightLatches: number
  /** Millilitres pumped (to 0.01 ml). */
  readonly pumpedMl: number
}

/**
 * One local day of progress.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProgressDay extends ProgressMeasures {
  /** The local date `YYYY-MM-DD` the day starts on. */
  readonly date: string
  /**
   * Averages per logged day over the 7 days ending on this one (to 0.01). Days without any event
   * are treated as not logged, not as zero: a forgotten day does not look like a day without
   * supplement.
   */
  readonly average7: ProgressMeasures & {
    /** How many logged days the averages are over (1 to 7). */
    readonly days: number
  }
}

/**
 * The supplement over the last 7 days against the 7 before, in ml per logged day. The last day is
 * the latest day with events. Negative `changeMlPerDay` means less supplement.
 *
 * @since 0.1.0
 * @category models
 */
export interface SupplementTrend {
  /** First and last date of the last 7 days. */
  readonly from: string
  readonly to: string
  /** Mean daily supplement over the logged days of the last 7 days (to 0.01 ml). */
  readonly lastWeekMlPerDay: number
  /** The same over the 7 days before. */
  readonly previousWeekMlPerDay: number
  /** `lastWeekMlPerDay - previousWeekMlPerDay` (to 0.01 ml). */
  readonly changeMlPerDay: number
  /** Logged days in each week. */
  readonly lastWeekDays: number
  readonly previousWeekDays: number
}

/**
 * The result of {@link relactationProgress}.
 *
 * @since 0.1.0
 * @category models
 */
export interface RelactationProgress {
  /** One entry per local day with events, sorted by date. */
  readonly days: ReadonlyArray<ProgressDay>
  /** Absent unless both weeks have at least one logged day. */
  readonly trend: SupplementTrend | undefined
  /** Entries skipped because their type is unknown or they are invalid. */
  readonly skipped: Skipped
}

/**
 * The accumulator of {@link RelactationProgressReducer}: the same per-day sums `dailyTotals` keeps
 * (without building its day objects) plus the last result. Treat it as opaque.
 *
 * @since 0.1.0
 * @category models
 */
export interface RelactationProgressState {
  /** @internal */
  readonly set: EventSet
  /** @internal */
  readonly days: Days
  /** @internal which reader of `days` this is (two projections may share them); default 0 */
  readonly reader?: 0 | 1
  /** @internal the last result read */
  result: RelactationProgress | undefined
  /** @internal whether an entry changed the result since it was read */
  stale: boolean
}

// Sums are kept in hundredths, whole numbers, so the averages do not depend on summation order.
// Millilitres already are (the day's sums are in hundredths); counts are scaled.
const perDay = (sum: number, days: number): number => Math.round(sum / days) / 100
const ml = (c: number): number => c / 100

// Day `i` of `order` with the averages over the days within 7 of it: [start, i].
const progressDay = (order: ReadonlyArray<DayAcc>, i: number, start: number): ProgressDay => {
  let supplement = 0
  let latches = 0
  let nightLatches = 0
  let pumped = 0
  for (let k = start; k <= i; k++) {
    const d = order[k]!
    supplement += d.supplementCenti
    latches += d.latches * 100
    nightLatches += d.nightLatches * 100
    pumped += d.pumpedCenti
  }
  const n = i - start + 1
  const d = order[i]!
  return {
    date: dateOf(d),
    supplementMl: ml(d.supplementCenti),
    latches: d.latches,
    nightLatches: d.nightLatches,
    pumpedMl: ml(d.pumpedCenti),
    average7: {
      supplementMl: perDay(supplement, n),
      latches: perDay(latches, n),
      nightLatches: perDay(nightLatches, n),
      pumpedMl: perDay(pumped, n),
      days: n
    }
  }
}

// The first index of the window of day `i`: the days numbered more than 6 before it.
const windowStart = (order: ReadonlyArray<DayAcc>, i: number): number => {
  const from = order[i]!.day - 6
  let start = i
  while (start > 0 && order[start - 1]!.day >= from) start--
  return start
}

const allDays = (order: ReadonlyArray<DayAcc>): Array<ProgressDay> => {
  const days: Array<ProgressDay> = []
  // A sliding window over the sorted days: [start, i] holds the days within 7 of day i.
  let start = 0
  for (let i = 0; i < order.length; i++) {
    while (order[start]!.day <= order[i]!.day - 7) start++
    days.push(progressDay(order, i, start))
  }
  return days
}

// The list of days brought up to date: a changed day changes its own averages and those of the
// 6 days after it; a day added at the end is new. Anything else rebuilds the list.
const daysOf = (state: RelactationProgressState, previous: ReadonlyArray<ProgressDay> | undefined) => {
  const { order, dirty, reshaped } = readDays(state.days, state.reader)
  if (previous === undefined || reshaped) return { order, days: allDays(order) }
  if (dirty.length === 0) return { order, days: previous }
  const days = previous.slice()
  for (let i = previous.length; i < order.length; i++) days.push(progressDay(order, i, windowStart(order, i)))
  for (const acc of dirty) {
    const until = acc.day + 6
    for (let i = dayIndex(order, acc.day); i < previous.length && order[i]!.day <= until; i++) {
      days[i] = progressDay(order, i, windowStart(order, i))
    }
  }
  return { order, days }
}

const trendOf = (order: ReadonlyArray<DayAcc>): SupplementTrend | undefined => {
  const last = order[order.length - 1]
  if (last === undefined) return undefined
  let lastSum = 0
  let lastDays = 0
  let prevSum = 0
  let prevDays = 0
  for (let i = order.length - 1; i >= 0; i--) {
    const row = order[i]!
    const age = last.day - row.day
    if (age < 7) {
      lastSum += row.supplementCenti
      lastDays++
    } else if (age < 14) {
      prevSum += row.supplementCenti
      prevDays++
    } else break
  }
  if (lastDays === 0 || prevDays === 0) return undefined
  const lastWeekMlPerDay = perDay(lastSum, lastDays)
  const previousWeekMlPerDay = perDay(prevSum, prevDays)
  return {
    from: dateOfDay(last.day - 6),
    to: dateOf(last),
    lastWeekMlPerDay,
    previousWeekMlPerDay,
    changeMlPerDay: Math.round((lastWeekMlPerDay - previousWeekMlPerDay) * 100) / 100,
    lastWeekDays: lastDays,
    previousWeekDays: prevDays
  }
}

/**
 * The incremental form of {@link relactationProgress}: `apply` updates one day's sums; `result`
 * recomputes the averages only of the days within 7 days after a changed day, and the trend.
 * `initial` throws {@link InvalidOptions} for options out of range.
 *
 * @since 0.1.0
 * @category reducers
 */
export const RelactationProgressReducer: Reducer<
  RelactationProgressOptions,
  RelactationProgressState,
  RelactationProgress
> = {
  initial: (options) => {
    const checked = checkDayOptions("relactationProgress", options)
    return { set: makeEventSet(checked.child), days: makeDays(checked), result: undefined, stale: true }
  },
  apply: (state, entry) => {
    if (admit(state.set, entry, daySink, state)) state.stale = true
    return state
  },
  result: (state) => {
    const previous = state.result
    if (previous !== undefined && !state.stale) return previous
    const { order, days } = daysOf(state, previous?.days)
    const result: RelactationProgress = {
      days,
      trend: days === previous?.days ? previous.trend : trendOf(order),
      skipped: skippedOf(state.set)
    }
    state.result = result
    state.stale = false
    return result
  }
}

/**
 * Relactation progress of a set of log entries (duplicates count once, retracted events are left
 * out, unknown and invalid entries are skipped and counted). Throws {@link InvalidOptions} for
 * options out of range.
 *
 * @since 0.1.0
 * @category projections
 */
export const relactationProgress = (
  entries: Iterable<LogEntry>,
  options: RelactationProgressOptions
): RelactationProgress => fold(RelactationProgressReducer, entries, options)
