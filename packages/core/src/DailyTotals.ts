/**
 * Daily totals: per local day, how often the baby latched, how much was pumped, how much
 * supplement was given and how, weigh-ins and medications. Days follow real time-zone rules (a DST
 * day has 23 or 25 hours) and may start at another hour than midnight. A session counts on the day,
 * and in the night window, of its start.
 *
 * @since 0.1.0
 */
import type { LogEntry } from "./Codec.js"
import type { Milk, Side, Via } from "./EventFields.js"
import { type DayAcc, type Days, daySink, dateOf, dayIndex, makeDays, readDays } from "./internal/Days.js"
import { admit, type EventSet, makeEventSet, skippedOf } from "./internal/EventSet.js"
import { checkDayOptions } from "./internal/InvalidOptions.js"
import { fold, type Reducer, type Skipped } from "./Projection.js"

export {
  /**
   * A projection was called with an option out of range (an unknown `timeZone`, a `dayStartHour`
   * outside 0-23, a night window hour outside 0-24). Thrown at once: it is a programming error in
   * the app, not bad event data. `option` names the option, `message` the rule.
   *
   * @since 0.1.0
   * @category errors
   */
  InvalidOptions
} from "./internal/InvalidOptions.js"

/**
 * Options of {@link dailyTotals} (and of {@link RelactationProgressOptions}).
 *
 * @since 0.1.0
 * @category models
 */
export interface DailyTotalsOptions {
  /** IANA time zone the days are counted in, such as `Europe/Berlin`. Events' own `tz` is not used. */
  readonly timeZone: string
  /**
   * Local hour (whole, 0-23) at which a day starts; default 0. With 6, a day runs from 06:00 to
   * 06:00 the next morning and is named by the date it starts on.
   */
  readonly dayStartHour?: number
  /**
   * The night window in local wall-clock hours, `[start, end)`, wrapping midnight when
   * `start > end`; default `{ start: 22, end: 6 }`. Hours may be fractional (22.5 is 22:30).
   */
  readonly night?: { readonly start: number; readonly end: number }
  /** Count only the events of this child. Default: every child in the log. */
  readonly child?: string
}

/**
 * The totals of one local day.
 *
 * @since 0.1.0
 * @category models
 */
export interface DayTotals {
  /** The local date `YYYY-MM-DD` the day starts on. */
  readonly date: string
  /** Nursing sessions started this day. */
  readonly latches: number
  /** Total length of those sessions in minutes, rounded to 0.1 minute. */
  readonly latchMinutes: number
  /** Sessions whose local start time falls in the night window. */
  readonly nightLatches: number
  /** Sessions by the side(s) nursed. */
  readonly latchesBySide: { readonly [S in Side]: number }
  /** Pumping or hand-expression sessions started this day, including those that yielded 0 ml. */
  readonly pumps: number
  /** Total length of those sessions in minutes, rounded to 0.1 minute. */
  readonly pumpMinutes: number
  /** Millilitres pumped (to 0.01 ml). */
  readonly pumpedMl: number
  /** Supplement feeds given this day. */
  readonly supplements: number
  /** Millilitres of supplement (to 0.01 ml). */
  readonly supplementMl: number
  /** Millilitres of supplement by milk. */
  readonly supplementByMilk: { readonly [M in Milk]: number }
  /** Millilitres of supplement by how it was given (`sns`: at the breast, through a tube). */
  readonly supplementByVia: { readonly [V in Via]: number }
  /** Supplement feeds that name the latch they were given during (SNS). */
  readonly supplementsDuringLatch: number
  /** Weigh-ins this day. */
  readonly weighIns: number
  /** Medications taken by the nursing parent this day. */
  readonly medications: number
  /** Events counted on this day (profiles belong to no day). */
  readonly events: number
}

/**
 * The result of {@link dailyTotals}.
 *
 * @since 0.1.0
 * @category models
 */
export interface DailyTotals {
  /** One entry per local day with at least one event, sorted by date. */
  readonly days: ReadonlyArray<DayTotals>
  /** Entries skipped because their type is unknown or they are invalid. */
  readonly skipped: Skipped
}

/**
 * The accumulator of {@link DailyTotalsReducer}. Treat it as opaque and read it through
 * `DailyTotalsReducer.result`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DailyTotalsState {
  /** @internal */
  readonly set: EventSet
  /** @internal */
  readonly days: Days
  /** @internal which reader of `days` this is (two projections may share them); default 0 */
  readonly reader?: 0 | 1
  /** @internal the last result read */
  result: DailyTotals | undefined
  /** @internal whether an entry changed the result since it was read */
  stale: boolean
}

const minutes = (sec: number): number => Math.round(sec / 6) / 10
const ml = (c: number): number => c / 100

const totalsOf = (acc: DayAcc): DayTotals => {
  if (acc.cached !== undefined) return acc.cached as DayTotals
  const { byMilk, byVia } = acc
  const totals: DayTotals = {
    date: dateOf(acc),
    latches: acc.latches,
    latchMinutes: minutes(acc.latchSec),
    nightLatches: acc.nightLatches,
    latchesBySide: { ...acc.bySide },
    pumps: acc.pumps,
    pumpMinutes: minutes(acc.pumpSec),
    pumpedMl: ml(acc.pumpedCenti),
    supplements: acc.supplements,
    supplementMl: ml(acc.supplementCenti),
    supplementByMilk: {
      formula: ml(byMilk.formula),
      expressed: ml(byMilk.expressed),
      donor: ml(byMilk.donor)
    },
    supplementByVia: {
      bottle: ml(byVia.bottle),
      cup: ml(byVia.cup),
      syringe: ml(byVia.syringe),
      spoon: ml(byVia.spoon),
      finger: ml(byVia.finger),
      sns: ml(byVia.sns)
    },
    supplementsDuringLatch: acc.duringLatch,
    weighIns: acc.weighIns,
    medications: acc.medications,
    events: acc.events
  }
  acc.cached = totals
  return totals
}

// The list of days brought up to date. When days only changed or were added at the end, the
// previous list is copied and only those days are rebuilt; otherwise the list is made again from
// the days' cached objects. Either way an unchanged day keeps its object.
const daysOf = (state: DailyTotalsState, previous: ReadonlyArray<DayTotals> | undefined) => {
  const { order, dirty, reshaped } = readDays(state.days, state.reader)
  if (previous === undefined || reshaped) return order.map(totalsOf)
  if (dirty.length === 0) return previous
  const list = previous.slice()
  for (let i = previous.length; i < order.length; i++) list.push(totalsOf(order[i]!))
  for (const acc of dirty) {
    const i = dayIndex(order, acc.day)
    if (i < previous.length) list[i] = totalsOf(acc)
  }
  return list
}

/**
 * The incremental form of {@link dailyTotals}: `apply` updates only the day an event falls on;
 * `result` rebuilds only the days changed since the last read, reusing the objects of unchanged
 * days. `initial` throws {@link InvalidOptions} for options out of range.
 *
 * @since 0.1.0
 * @category reducers
 */
export const DailyTotalsReducer: Reducer<DailyTotalsOptions, DailyTotalsState, DailyTotals> = {
  initial: (options) => {
    const checked = checkDayOptions("dailyTotals", options)
    return { set: makeEventSet(checked.child), days: makeDays(checked), result: undefined, stale: true }
  },
  apply: (state, entry) => {
    if (admit(state.set, entry, daySink, state)) state.stale = true
    return state
  },
  result: (state) => {
    const previous = state.result
    if (previous !== undefined && !state.stale) return previous
    const result: DailyTotals = { days: daysOf(state, previous?.days), skipped: skippedOf(state.set) }
    state.result = result
    state.stale = false
    return result
  }
}

/**
 * Totals per local day of a set of log entries: duplicates by `id` count once, retracted events
 * are left out whatever order the retraction arrives in, unknown and invalid entries are skipped
 * and counted. Throws {@link InvalidOptions} for options out of range.
 *
 * @example
 * ```ts
 * const { days } = dailyTotals(entries, { timeZone: "Europe/Berlin", dayStartHour: 6 })
 * ```
 *
 * @since 0.1.0
 * @category projections
 */
export const dailyTotals = (entries: Iterable<LogEntry>, options: DailyTotalsOptions): DailyTotals =>
  fold(DailyTotalsReducer, entries, options)
