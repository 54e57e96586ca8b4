/**
 * Relactation progress: per local day the supplement given, latches, night latches and milk pumped,
 * each with a 7-day moving average, and how the daily supplement over the last 7 days compares
 * with the 7 before. The library reports these numbers; it gives no medical advice.
 *
 * @since 0.1.0
 */
import type { LogEntry } from "./Codec.js"
import {
  type DailyTotals,
  type DailyTotalsOptions,
  DailyTotalsReducer,
  type DailyTotalsState
} from "./DailyTotals.js"
import { InvalidOptions } from "./internal/InvalidOptions.js"
import { dateOfDay, dayOfDate } from "./internal/LocalTime.js"
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
 * The accumulator of {@link RelactationProgressReducer}: the daily totals' accumulator plus the
 * last result. Treat it as opaque.
 *
 * @since 0.1.0
 * @category models
 */
export interface RelactationProgressState {
  /** @internal */
  readonly daily: DailyTotalsState
  /** @internal the daily totals the cached result was computed from */
  from: DailyTotals | undefined
  /** @internal */
  result: RelactationProgress | undefined
}

// Sums are kept in hundredths, whole numbers, so the averages do not depend on summation order.
const hundredths = (n: number): number => Math.round(n * 100)
const perDay = (sum: number, days: number): number => Math.round(sum / days) / 100

interface Row {
  readonly day: number
  readonly date: string
  readonly supplement: number
  readonly latches: number
  readonly nightLatches: number
  readonly pumped: number
}

const compute = (daily: DailyTotals): RelactationProgress => {
  const rows: Array<Row> = daily.days.map((d) => ({
    day: dayOfDate(d.date),
    date: d.date,
    supplement: hundredths(d.supplementMl),
    latches: hundredths(d.latches),
    nightLatches: hundredths(d.nightLatches),
    pumped: hundredths(d.pumpedMl)
  }))
  const days: Array<ProgressDay> = []
  // A sliding window over the sorted days: [start, i] holds the days within 7 of day i.
  let start = 0
  let supplement = 0
  let latches = 0
  let nightLatches = 0
  let pumped = 0
  rows.forEach((row, i) => {
    supplement += row.supplement
    latches += row.latches
    nightLatches += row.nightLatches
    pumped += row.pumped
    while (rows[start]!.day <= row.day - 7) {
      const old = rows[start]!
      supplement -= old.supplement
      latches -= old.latches
      nightLatches -= old.nightLatches
      pumped -= old.pumped
      start++
    }
    const n = i - start + 1
    const d = daily.days[i]!
    days.push({
      date: row.date,
      supplementMl: d.supplementMl,
      latches: d.latches,
      nightLatches: d.nightLatches,
      pumpedMl: d.pumpedMl,
      average7: {
        supplementMl: perDay(supplement, n),
        latches: perDay(latches, n),
        nightLatches: perDay(nightLatches, n),
        pumpedMl: perDay(pumped, n),
        days: n
      }
    })
  })
  return { days, trend: trendOf(rows), skipped: daily.skipped }
}

const trendOf = (rows: ReadonlyArray<Row>): SupplementTrend | undefined => {
  const last = rows[rows.length - 1]
  if (last === undefined) return undefined
  let lastSum = 0
  let lastDays = 0
  let prevSum = 0
  let prevDays = 0
  for (const row of rows) {
    const age = last.day - row.day
    if (age < 7) {
      lastSum += row.supplement
      lastDays++
    } else if (age < 14) {
      prevSum += row.supplement
      prevDays++
    }
  }
  if (lastDays === 0 || prevDays === 0) return undefined
  const lastWeekMlPerDay = perDay(lastSum, lastDays)
  const previousWeekMlPerDay = perDay(prevSum, prevDays)
  return {
    from: dateOfDay(last.day - 6),
    to: last.date,
    lastWeekMlPerDay,
    previousWeekMlPerDay,
    changeMlPerDay: Math.round((lastWeekMlPerDay - previousWeekMlPerDay) * 100) / 100,
    lastWeekDays: lastDays,
    previousWeekDays: prevDays
  }
}

/**
 * The incremental form of {@link relactationProgress}: `apply` is the daily totals' `apply` (one day
 * updated); `result` recomputes the averages only after a change. `initial` throws
 * {@link InvalidOptions} for options out of range.
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
    try {
      return { daily: DailyTotalsReducer.initial(options), from: undefined, result: undefined }
    } catch (error) {
      throw renamed(error)
    }
  },
  apply: (state, entry) => {
    DailyTotalsReducer.apply(state.daily, entry)
    return state
  },
  result: (state) => {
    const daily = DailyTotalsReducer.result(state.daily)
    if (state.result === undefined || state.from !== daily) {
      state.result = compute(daily)
      state.from = daily
    }
    return state.result
  }
}

// The options are checked by dailyTotals; the error should name the function the app called.
const renamed = (error: unknown): unknown => {
  if (error instanceof InvalidOptions) {
    return new InvalidOptions({ projection: "relactationProgress", option: error.option, rule: error.rule })
  }
  return error
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
