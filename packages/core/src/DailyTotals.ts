/**
 * Daily totals: per local day, how often the baby latched, how much was pumped, how much
 * supplement was given and how, weigh-ins and medications. Days follow real time-zone rules (a DST
 * day has 23 or 25 hours) and may start at another hour than midnight. A session counts on the day,
 * and in the night window, of its start.
 *
 * @since 0.1.0
 */
import type { LogEntry } from "./Codec.js"
import type { Milk, Side, Via } from "./Event.js"
import { admit, type EventSet, type Fact, makeEventSet, type Sink, skippedOf } from "./internal/EventSet.js"
import { checkDayOptions, type DayOptions } from "./internal/InvalidOptions.js"
import { dateOfDay, localDayNumber, localHourOfDay } from "./internal/LocalTime.js"
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

// Millilitres are summed as whole hundredths so that adding and later subtracting an event gives
// back exactly the same number: floating-point sums would depend on the order of arrival.
const centi = (ml: number): number => Math.round(ml * 100)

interface DayAcc {
  readonly day: number
  events: number
  latches: number
  latchSec: number
  nightLatches: number
  readonly bySide: Record<Side, number>
  pumps: number
  pumpSec: number
  pumpedCenti: number
  supplements: number
  supplementCenti: number
  readonly byMilk: Record<Milk, number>
  readonly byVia: Record<Via, number>
  duringLatch: number
  weighIns: number
  medications: number
  /** The day's result, kept until the day changes, so unchanged days keep their identity. */
  cached: DayTotals | undefined
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
  readonly options: DayOptions
  /** @internal */
  readonly set: EventSet
  /** @internal */
  readonly days: Map<number, DayAcc>
  /** @internal sorted day numbers, or undefined when a day was added out of order or removed */
  order: Array<number> | undefined
  /** @internal */
  result: DailyTotals | undefined
}

const newDay = (day: number): DayAcc => ({
  day,
  events: 0,
  latches: 0,
  latchSec: 0,
  nightLatches: 0,
  bySide: { left: 0, right: 0, both: 0 },
  pumps: 0,
  pumpSec: 0,
  pumpedCenti: 0,
  supplements: 0,
  supplementCenti: 0,
  byMilk: { formula: 0, expressed: 0, donor: 0 },
  byVia: { bottle: 0, cup: 0, syringe: 0, spoon: 0, finger: 0, sns: 0 },
  duringLatch: 0,
  weighIns: 0,
  medications: 0,
  cached: undefined
})

const isNight = (options: DayOptions, hour: number): boolean =>
  options.nightStart < options.nightEnd
    ? hour >= options.nightStart && hour < options.nightEnd
    : hour >= options.nightStart || hour < options.nightEnd

const contribute = (state: DailyTotalsState, fact: Fact, sign: 1 | -1): void => {
  switch (fact.type) {
    case "child":
    case "caregiver":
      // Profiles are facts about people, not about a day.
      return
    case "latch":
    case "pump":
    case "supplement":
    case "weigh-in":
    case "medication":
      break
    default:
      fact satisfies never
      return
  }
  const { options, days } = state
  const ms = Date.parse(fact.at)
  const dayNumber = localDayNumber(options.timeZone, ms, options.dayStartHour)
  let day = days.get(dayNumber)
  if (day === undefined) {
    day = newDay(dayNumber)
    days.set(dayNumber, day)
    const order = state.order
    // Logs mostly grow forward in time: appending keeps the order without a sort.
    if (order !== undefined) {
      const last = order[order.length - 1]
      if (last === undefined || last < dayNumber) order.push(dayNumber)
      else state.order = undefined
    }
  }
  day.cached = undefined
  day.events += sign
  switch (fact.type) {
    case "latch":
      day.latches += sign
      day.latchSec += sign * fact.durationSec
      day.bySide[fact.side] += sign
      if (isNight(options, localHourOfDay(options.timeZone, ms))) day.nightLatches += sign
      break
    case "pump":
      day.pumps += sign
      day.pumpSec += sign * fact.durationSec
      day.pumpedCenti += sign * centi(fact.totalMl)
      break
    case "supplement": {
      const c = sign * centi(fact.ml)
      day.supplements += sign
      day.supplementCenti += c
      day.byMilk[fact.milk] += c
      day.byVia[fact.via] += c
      if (fact.latch !== undefined) day.duringLatch += sign
      break
    }
    case "weigh-in":
      day.weighIns += sign
      break
    case "medication":
      day.medications += sign
      break
  }
  if (day.events === 0) {
    days.delete(dayNumber)
    state.order = undefined
  }
}

const sink: Sink<DailyTotalsState> = {
  add: (state, fact) => contribute(state, fact, 1),
  remove: (state, fact) => contribute(state, fact, -1)
}

const minutes = (sec: number): number => Math.round(sec / 6) / 10
const ml = (c: number): number => c / 100

const totalsOf = (acc: DayAcc): DayTotals => {
  if (acc.cached !== undefined) return acc.cached
  const { byMilk, byVia } = acc
  const totals: DayTotals = {
    date: dateOfDay(acc.day),
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

/**
 * The incremental form of {@link dailyTotals}: `apply` updates only the day an event falls on;
 * `result` rebuilds the list of days only after a change, reusing the objects of unchanged days.
 * `initial` throws {@link InvalidOptions} for options out of range.
 *
 * @since 0.1.0
 * @category reducers
 */
export const DailyTotalsReducer: Reducer<DailyTotalsOptions, DailyTotalsState, DailyTotals> = {
  initial: (options) => {
    const checked = checkDayOptions("dailyTotals", options)
    return {
      options: checked,
      set: makeEventSet(checked.child),
      days: new Map(),
      order: [],
      result: undefined
    }
  },
  apply: (state, entry) => {
    if (admit(state.set, entry, sink, state)) state.result = undefined
    return state
  },
  result: (state) => {
    if (state.result !== undefined) return state.result
    let order = state.order
    if (order === undefined) {
      order = [...state.days.keys()].sort((a, b) => a - b)
      state.order = order
    }
    const days: Array<DayTotals> = []
    for (const day of order) days.push(totalsOf(state.days.get(day)!))
    const result: DailyTotals = { days, skipped: skippedOf(state.set) }
    state.result = result
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
