/**
 * The per-local-day accumulation behind `dailyTotals` and `relactationProgress`: each admitted fact
 * adds to (or a retraction subtracts from) the accumulator of its local day. The days are kept
 * sorted and the ones changed since the last read are listed, so a result can be brought up to
 * date by touching only those days.
 *
 * @since 0.1.0
 */
import type { Milk, Side, Via } from "../EventFields.js"
import { lowerBound } from "../EventOrder.js"
import type { Fact, Sink } from "./EventSet.js"
import { type Bounds, boundsOf } from "./DayBounds.js"
import type { DayOptions } from "./InvalidOptions.js"
import { utcTimeOfDayMs } from "./InstantText.js"
import { dateOfDay, inNightWindow, instantMs, offsetIn, type ZoneOffsets, zoneOffsets } from "./LocalTime.js"

const HOUR = 3_600_000
const DAY = 86_400_000

// Millilitres are summed as whole hundredths so that adding and later subtracting an event gives
// back exactly the same number: floating-point sums would depend on the order of arrival.
const centi = (ml: number): number => Math.round(ml * 100)

/**
 * The running sums of one local day.
 *
 * @internal
 */
export interface DayAcc {
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
  /** The day's date `YYYY-MM-DD`, made once: formatting a date costs more than the day's sums. */
  date: string | undefined
  /**
   * The day's UTC span as instant prefixes, when the zone's offset is the same all day (`null`
   * on a DST day; `undefined` until the day's first fact).
   */
  bounds: Bounds | null | undefined
  /** The readers whose `Days.dirty` list holds this day (a bit per reader). */
  dirty: number
  /** Whatever a projection derives from the day, kept until the day changes. */
  cached: unknown
}

/**
 * The days of a log.
 *
 * @internal
 */
export interface Days {
  readonly options: DayOptions
  readonly zone: ZoneOffsets
  readonly dayStartMs: number
  readonly map: Map<number, DayAcc>
  /** The days sorted by number; undefined when they must be sorted on the next read. */
  order: Array<DayAcc> | undefined
  /**
   * Keep `order` sorted on every change (binary insertion) rather than sorting on read. Set by the
   * first read: a batch fold, which reads once at the end, sorts once instead.
   */
  live: boolean
  /**
   * Per reader (one per projection reading these days: `dailyTotals` and `relactationProgress`
   * may share them), the days changed (or added) since that reader's last {@link readDays}.
   */
  readonly dirty: Array<Array<DayAcc>>
  /** Every reader's bit. */
  readonly all: number
  /** Per reader (a bit each): a day was added before the last one or removed since its last read. */
  reshaped: number
  /** The day touched last: a log in time order hits it without a Map lookup. */
  last: DayAcc | undefined
}

/** @internal */
export const makeDays = (options: DayOptions, readers: 1 | 2 = 1): Days => ({
  options,
  zone: zoneOffsets(options.timeZone),
  dayStartMs: options.dayStartHour * HOUR,
  map: new Map(),
  order: [],
  live: false,
  dirty: readers === 1 ? [[]] : [[], []],
  all: readers === 1 ? 1 : 3,
  reshaped: 0,
  last: undefined
})

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
  date: undefined,
  bounds: undefined,
  dirty: 0,
  cached: undefined
})

/**
 * The index of the first day in `order` numbered `day` or later.
 *
 * @internal
 */
export const dayIndex = (order: ReadonlyArray<DayAcc>, day: number): number => lowerBound(order, day, byDay)

const byDay = (acc: DayAcc, day: number): number => acc.day - day

/**
 * Whether a fact belongs to a day: profiles are facts about people, not about a day.
 *
 * @internal
 */
export const isDayFact = (fact: Fact): boolean =>
  fact.type !== "child" && fact.type !== "caregiver" && fact.type !== "plan"

const dayOf = (days: Days, dayNumber: number): DayAcc => {
  const last = days.last
  if (last !== undefined && last.day === dayNumber) return last
  let acc = days.map.get(dayNumber)
  if (acc === undefined) {
    acc = newDay(dayNumber)
    days.map.set(dayNumber, acc)
    const order = days.order
    if (order !== undefined) {
      const n = order.length
      // Logs mostly grow forward in time: appending keeps the order without a sort.
      if (n === 0 || order[n - 1]!.day < dayNumber) order.push(acc)
      else if (days.live) order.splice(dayIndex(order, dayNumber), 0, acc)
      else days.order = undefined
      if (days.order !== order || order[order.length - 1] !== acc) days.reshaped = days.all
    }
  }
  days.last = acc
  return acc
}

// Property by property rather than `record[key] += n`: a store by a computed key is a
// dictionary-style lookup on every fact.
const addSide = (r: Record<Side, number>, side: Side, n: number): void => {
  if (side === "left") r.left += n
  else if (side === "right") r.right += n
  else r.both += n
}
const addMilk = (r: Record<Milk, number>, milk: Milk, n: number): void => {
  if (milk === "formula") r.formula += n
  else if (milk === "expressed") r.expressed += n
  else r.donor += n
}
const addVia = (r: Record<Via, number>, via: Via, n: number): void => {
  switch (via) {
    case "bottle":
      r.bottle += n
      break
    case "cup":
      r.cup += n
      break
    case "syringe":
      r.syringe += n
      break
    case "spoon":
      r.spoon += n
      break
    case "finger":
      r.finger += n
      break
    default:
      r.sns += n
  }
}

/**
 * Adds (`sign` 1) or subtracts (-1) a fact of the day it starts on. Only called with day facts.
 *
 * @internal
 */
export const contribute = (days: Days, fact: Fact, sign: 1 | -1): void => {
  const at = fact.at
  let acc = days.last
  const bounds = acc?.bounds
  // The local time of the instant, read only when a latch needs its hour.
  let local = Number.NaN
  if (acc === undefined || bounds == null || !(at >= bounds.lo && at < bounds.hi)) {
    const ms = instantMs(at)
    local = ms + offsetIn(days.zone, ms)
    acc = dayOf(days, Math.floor((local - days.dayStartMs) / DAY))
    if (acc.bounds === undefined) acc.bounds = boundsOf(days.zone, days.dayStartMs, acc.day)
  }
  acc.cached = undefined
  const all = days.all
  if (acc.dirty !== all) {
    const lists = days.dirty
    for (let r = 0; r < lists.length; r++) if ((acc.dirty & (1 << r)) === 0) lists[r]!.push(acc)
    acc.dirty = all
  }
  acc.events += sign
  switch (fact.type) {
    case "latch": {
      acc.latches += sign
      acc.latchSec += sign * fact.durationSec
      addSide(acc.bySide, fact.side, sign)
      // The night window is a wall-clock window, independent of the day's start hour. Inside
      // bounds the offset is the day's, and the UTC time of day is read from the text.
      let time: number
      if (Number.isNaN(local)) {
        // |offset| < a day, so one correction brings the time of day back into [0, DAY).
        const utc = utcTimeOfDayMs(at)
        time = (Number.isNaN(utc) ? ((instantMs(at) % DAY) + DAY) % DAY : utc) + (acc.bounds as Bounds).offset
        time = time < 0 ? time + DAY : time >= DAY ? time - DAY : time
      } else time = ((local % DAY) + DAY) % DAY
      const hour = time / HOUR
      if (inNightWindow(hour, days.options.nightStart, days.options.nightEnd)) acc.nightLatches += sign
      break
    }
    case "pump":
      acc.pumps += sign
      acc.pumpSec += sign * fact.durationSec
      acc.pumpedCenti += sign * centi(fact.totalMl)
      break
    case "supplement": {
      const c = sign * centi(fact.ml)
      acc.supplements += sign
      acc.supplementCenti += c
      addMilk(acc.byMilk, fact.milk, c)
      addVia(acc.byVia, fact.via, c)
      if (fact.latch !== undefined) acc.duringLatch += sign
      break
    }
    case "weigh-in":
      acc.weighIns += sign
      break
    case "medication":
      acc.medications += sign
      break
    case "child":
    case "caregiver":
    case "plan":
      break
    default:
      fact satisfies never
  }
  if (acc.events === 0) {
    days.map.delete(acc.day)
    days.last = undefined
    days.reshaped = days.all
    const order = days.order
    if (order !== undefined) {
      if (days.live) order.splice(dayIndex(order, acc.day), 1)
      else days.order = undefined
    }
  }
}

/**
 * The days, sorted, and what changed since the last read: the days changed or added (all still
 * present unless `reshaped`), and whether a day was inserted before the last one or removed.
 * From the first read on, the order is kept up to date on every change.
 *
 * @internal
 */
export const readDays = (
  days: Days,
  reader: 0 | 1 = 0
): {
  readonly order: ReadonlyArray<DayAcc>
  readonly dirty: ReadonlyArray<DayAcc>
  readonly reshaped: boolean
} => {
  days.live = true
  let order = days.order
  const bit = 1 << reader
  const reshaped = (days.reshaped & bit) !== 0 || order === undefined
  if (order === undefined) {
    order = [...days.map.values()].sort((a, b) => a.day - b.day)
    days.order = order
  }
  const dirty = days.dirty[reader]!
  for (const acc of dirty) acc.dirty &= ~bit
  days.dirty[reader] = []
  days.reshaped &= ~bit
  return { order, dirty, reshaped }
}

/**
 * The date `YYYY-MM-DD` of a day.
 *
 * @internal
 */
export const dateOf = (acc: DayAcc): string => {
  let date = acc.date
  if (date === undefined) {
    date = dateOfDay(acc.day)
    acc.date = date
  }
  return date
}

/**
 * How a projection built on per-day sums folds facts in and out: the sink `dailyTotals` and
 * `relactationProgress` share.
 */
export const daySink: Sink<{ readonly days: Days }> = {
  relevant: isDayFact,
  add: (state, fact) => contribute(state.days, fact, 1),
  remove: (state, fact) => contribute(state.days, fact, -1)
}

/**
 * The sums of one day as plain numbers, in this order: day, events, latches, latchSec,
 * nightLatches, bySide (left, right, both), pumps, pumpSec, pumpedCenti, supplements,
 * supplementCenti, byMilk (formula, expressed, donor), byVia (bottle, cup, syringe, spoon, finger,
 * sns), duringLatch, weighIns, medications.
 *
 * @internal
 */
export type DayRow = ReadonlyArray<number>

const ROW_LENGTH = 25

/**
 * The days' sums as rows, sorted by day.
 *
 * @internal
 */
export const dayRows = (days: Days): Array<DayRow> =>
  [...days.map.values()]
    .sort((a, b) => a.day - b.day)
    .map((d) => [
      d.day,
      d.events,
      d.latches,
      d.latchSec,
      d.nightLatches,
      d.bySide.left,
      d.bySide.right,
      d.bySide.both,
      d.pumps,
      d.pumpSec,
      d.pumpedCenti,
      d.supplements,
      d.supplementCenti,
      d.byMilk.formula,
      d.byMilk.expressed,
      d.byMilk.donor,
      d.byVia.bottle,
      d.byVia.cup,
      d.byVia.syringe,
      d.byVia.spoon,
      d.byVia.finger,
      d.byVia.sns,
      d.duringLatch,
      d.weighIns,
      d.medications
    ])

/**
 * Puts rows (from {@link dayRows}) into empty days; `false` when they are malformed (then the
 * days are left partly filled: the caller starts over).
 *
 * @internal
 */
export const restoreDays = (days: Days, rows: unknown): boolean => {
  if (!Array.isArray(rows)) return false
  let previous = Number.NEGATIVE_INFINITY
  for (const row of rows as ReadonlyArray<unknown>) {
    if (!Array.isArray(row) || row.length !== ROW_LENGTH || !row.every(Number.isFinite)) return false
    const r = row as ReadonlyArray<number>
    const day = r[0]!
    if (!Number.isInteger(day) || day <= previous || r[1]! <= 0) return false
    previous = day
    const acc = newDay(day)
    acc.events = r[1]!
    acc.latches = r[2]!
    acc.latchSec = r[3]!
    acc.nightLatches = r[4]!
    acc.bySide.left = r[5]!
    acc.bySide.right = r[6]!
    acc.bySide.both = r[7]!
    acc.pumps = r[8]!
    acc.pumpSec = r[9]!
    acc.pumpedCenti = r[10]!
    acc.supplements = r[11]!
    acc.supplementCenti = r[12]!
    acc.byMilk.formula = r[13]!
    acc.byMilk.expressed = r[14]!
    acc.byMilk.donor = r[15]!
    acc.byVia.bottle = r[16]!
    acc.byVia.cup = r[17]!
    acc.byVia.syringe = r[18]!
    acc.byVia.spoon = r[19]!
    acc.byVia.finger = r[20]!
    acc.byVia.sns = r[21]!
    acc.duringLatch = r[22]!
    acc.weighIns = r[23]!
    acc.medications = r[24]!
    days.map.set(day, acc)
    days.order?.push(acc)
  }
  days.reshaped = days.all
  return true
}
