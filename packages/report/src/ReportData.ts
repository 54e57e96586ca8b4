/**
 * What a hand-off shows, computed once from the log with core's projections: the child, every
 * local day of the period with its `dailyTotals` (or "not logged"), and the weigh-ins of the
 * period from `weightTrend`. The PDF and the FHIR export both draw on it; an app can show it as a
 * preview. Nothing here re-counts an event: totals, retractions and days are core's.
 *
 * @since 0.1.0
 */
import {
  current,
  dailyTotals,
  type DayTotals,
  isEvent,
  localDateOf,
  type LogEntry,
  type PlanDay,
  type Sex,
  type Skipped,
  type VolumeUnit,
  type WeightPoint,
  type WeightUnit,
  weightTrend
} from "@relactation/core"
import { datesBetween, daysBetween } from "./internal/Dates.js"
import { plansOf, type ReportPlan } from "./internal/Plans.js"
import { type CheckedOptions, checkOptions, fail, type ReportOptions } from "./ReportOptions.js"

/**
 * The child a report is about, from the latest child profile.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportChild {
  /** The child id used in the log. */
  readonly id: string
  readonly name: string | undefined
  readonly birthDate: string | undefined
  readonly sex: Sex | undefined
  /** Whole days from the birth date to the last day of the period, when the birth date is known. */
  readonly ageDaysAtEnd: number | undefined
}

/**
 * One local day of the period.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportDay {
  /** Local date `YYYY-MM-DD` the day starts on. */
  readonly date: string
  /** Core's totals of the day; undefined when nothing was logged that day (not the same as zero). */
  readonly totals: DayTotals | undefined
  /** The weigh-ins of the day, in time order. */
  readonly weights: ReadonlyArray<WeightPoint>
  /** Core's `planProgress` day: the targets and supplement ceiling in force; undefined before any plan. */
  readonly plan: PlanDay | undefined
}

/**
 * One medication as logged in the period (same name, dose and unit), and how often it was taken.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportMedication {
  readonly name: string
  readonly dose: number | undefined
  readonly unit: string | undefined
  readonly times: number
}

/**
 * The result of {@link reportData}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportData {
  readonly child: ReportChild
  /** First and last local day of the period (both included). */
  readonly from: string
  readonly to: string
  /** Every day of the period, in date order. */
  readonly days: ReadonlyArray<ReportDay>
  /** Days of the period with at least one entry. */
  readonly loggedDays: number
  /** The weigh-ins of the period, in time order. */
  readonly weights: ReadonlyArray<WeightPoint>
  /** The plan in force on the first day and each change within the period, in order. */
  readonly plans: ReadonlyArray<ReportPlan>
  /** The medications taken in the period, most often first (then by name). */
  readonly medications: ReadonlyArray<ReportMedication>
  readonly timeZone: string
  readonly dayStartHour: number
  readonly night: { readonly start: number; readonly end: number }
  readonly units: { readonly volume: VolumeUnit; readonly weight: WeightUnit }
  /** ISO instant the report was made (the `generatedAt` option). */
  readonly generatedAt: string
  /** Entries of the whole log skipped by the projections (unknown types, invalid). */
  readonly skipped: Skipped
}

const onlyChild = (fn: string, entries: ReadonlyArray<LogEntry>): string => {
  const children = new Set<string>()
  for (const e of entries) if (isEvent(e) && e.type !== "retract") children.add(e.child)
  if (children.size === 1) return [...children][0]!
  return children.size === 0
    ? fail(fn, "from", "and to must span at least one logged day (the log holds no events)")
    : fail(fn, "child", `must name the child: the log holds ${children.size} children`)
}

const medicationsOf = (
  entries: ReturnType<typeof current>["entries"],
  child: string,
  o: CheckedOptions,
  from: string,
  to: string
): Array<ReportMedication> => {
  const byKind = new Map<string, ReportMedication>()
  for (const e of entries) {
    if (e.type !== "medication" || e.child !== child) continue
    const date = localDateOf(e.at, { timeZone: o.timeZone, dayStartHour: o.dayStartHour })
    if (date < from || date > to) continue
    const key = JSON.stringify([e.name, e.dose, e.unit])
    const held = byKind.get(key)
    byKind.set(key, { name: e.name, dose: e.dose, unit: e.unit, times: (held?.times ?? 0) + 1 })
  }
  return [...byKind.values()].sort(
    (a, b) => b.times - a.times || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  )
}

/** @internal */
export const buildReportData = (entries: ReadonlyArray<LogEntry>, o: CheckedOptions): ReportData => {
  const child = o.child ?? onlyChild(o.fn, entries)
  const projection = { timeZone: o.timeZone, dayStartHour: o.dayStartHour, night: o.night, child }
  const totals = dailyTotals(entries, projection)
  const trend = weightTrend(entries, { child })
  const logged = totals.days
  const from = o.from ?? logged[0]?.date
  const to = o.to ?? logged.at(-1)?.date
  if (from === undefined || to === undefined) {
    return fail(o.fn, "from", `and to must span at least one logged day (the log holds none for ${child})`)
  }
  if (to < from) fail(o.fn, "to", `must not be before from (got ${to}, from is ${from})`)
  // Weigh-ins are in time order and days in date order, and a later instant never falls on an
  // earlier local day, so each day's `weighIns` count takes the next points of the trend.
  const weightsByDay = new Map<string, ReadonlyArray<WeightPoint>>()
  let next = 0
  for (const day of logged) {
    if (day.weighIns === 0) continue
    weightsByDay.set(day.date, trend.points.slice(next, next + day.weighIns))
    next += day.weighIns
  }
  if (next !== trend.points.length)
    throw new Error("report: dailyTotals and weightTrend disagree on weigh-ins")
  const byDate = new Map(logged.map((d) => [d.date, d]))
  const inForce = current(entries)
  const plans = plansOf(entries, projection, from, to, inForce.caregivers)
  const days = datesBetween(from, to).map((date) => ({
    date,
    totals: byDate.get(date),
    weights: weightsByDay.get(date) ?? [],
    plan: plans.days.get(date)
  }))
  const loggedDays = days.filter((d) => d.totals !== undefined).length
  if (loggedDays === 0) {
    fail(o.fn, "from", `and to must span at least one logged day (none from ${from} to ${to} for ${child})`)
  }
  const profile = inForce.children.get(child)
  const birthDate = profile?.birthDate
  return {
    child: {
      id: child,
      name: profile?.name,
      birthDate,
      sex: profile?.sex,
      ageDaysAtEnd: birthDate === undefined ? undefined : daysBetween(birthDate, to)
    },
    from,
    to,
    days,
    loggedDays,
    weights: days.flatMap((d) => d.weights),
    plans: plans.plans,
    medications: medicationsOf(inForce.entries, child, o, from, to),
    timeZone: o.timeZone,
    dayStartHour: o.dayStartHour,
    night: o.night,
    units: { volume: o.volume, weight: o.weight },
    generatedAt: o.generatedAt,
    skipped: totals.skipped
  }
}

/**
 * The data of a hand-off: the child, each day of the period with core's `dailyTotals`, and the
 * period's weigh-ins. Throws {@link InvalidReportOptions} for bad options and for a period with
 * no logged day.
 *
 * @example
 * ```ts
 * const data = reportData(events, { timeZone: "Europe/Berlin", from: "2027-03-01", to: "2027-03-14", generatedAt: Date.now() })
 * ```
 *
 * @since 0.1.0
 * @category data
 */
export const reportData = (entries: Iterable<LogEntry>, options: ReportOptions): ReportData =>
  buildReportData([...entries], checkOptions("reportData", options))
