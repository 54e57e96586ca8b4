/**
 * The options every hand-off function takes (the PDF report, the FHIR export, file names), and
 * their rules. Bad options are a programming error in the app, so they throw at once with a
 * message naming the function, the option and the rule; no health data is ever in the message.
 *
 * @since 0.1.0
 */
import { isTimeZone, type VolumeUnit, type WeightUnit } from "@relactation/core"
import { Data } from "effect"

/**
 * An option of {@link ReportOptions} breaks a rule: `option` names it, `rule` says what it must
 * be, e.g. `pdfReport: option to must not be before from (got 2027-03-01, from is 2027-03-10)`.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidReportOptions extends Data.TaggedError("InvalidReportOptions")<{
  /** The function that was called, e.g. `pdfReport`. */
  readonly fn: string
  /** The option that broke a rule, e.g. `timeZone` or `from`. */
  readonly option: string
  /** The rule and the value that broke it. */
  readonly rule: string
}> {
  override get message(): string {
    return `${this.fn}: option ${this.option} ${this.rule}`
  }
}

/**
 * What the report covers and how it shows it. Days, night and units are the family's settings,
 * passed by the app exactly as it passes them to the projections.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportOptions {
  /** IANA time zone the days are counted in, such as `Europe/Berlin`. */
  readonly timeZone: string
  /** Local hour (0-23) at which a day starts; default 0. */
  readonly dayStartHour?: number
  /** Night window in local hours, `[start, end)`; default `{ start: 22, end: 6 }`. */
  readonly night?: { readonly start: number; readonly end: number }
  /** The child the report is about. Default: the only child in the log. */
  readonly child?: string
  /** First local day of the period, `YYYY-MM-DD`. Default: the first logged day. */
  readonly from?: string
  /** Last local day of the period (included), `YYYY-MM-DD`. Default: the last logged day. */
  readonly to?: string
  /** How volumes and weights are shown; default millilitres and grams. */
  readonly units?: { readonly volume?: VolumeUnit; readonly weight?: WeightUnit }
  /**
   * The instant the report is made (ISO string, `Date` or epoch ms). Required: the library has
   * no clock, so the same input always gives the same bytes.
   */
  readonly generatedAt: string | Date | number
}

/** @internal options once checked and defaulted (except the period, which needs the log) */
export interface CheckedOptions {
  readonly fn: string
  readonly timeZone: string
  readonly dayStartHour: number
  readonly night: { readonly start: number; readonly end: number }
  readonly child: string | undefined
  readonly from: string | undefined
  readonly to: string | undefined
  readonly volume: VolumeUnit
  readonly weight: WeightUnit
  readonly generatedAt: string
}

const shown = (value: unknown): string =>
  typeof value === "string" ? ` (got "${value.slice(0, 64)}")` : ` (got ${String(value)})`

/** @internal */
export const fail = (fn: string, option: string, rule: string): never => {
  throw new InvalidReportOptions({ fn, option, rule })
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** @internal whether a string is a real calendar date YYYY-MM-DD */
export const isDate = (s: unknown): s is string =>
  typeof s === "string" &&
  DATE.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s

const date = (fn: string, option: string, value: unknown): string | undefined => {
  if (value === undefined) return undefined
  if (!isDate(value)) fail(fn, option, "must be a real local date written YYYY-MM-DD" + shown(value))
  return value as string
}

const hour = (fn: string, option: string, value: unknown): number => {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value >= 24) {
    fail(fn, option, "must be an hour from 0 up to (not including) 24" + shown(value))
  }
  return value as number
}

const instant = (fn: string, value: unknown): string => {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === "number"
        ? value
        : typeof value === "string" && /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)
          ? Date.parse(value)
          : Number.NaN
  if (!Number.isFinite(ms)) {
    fail(fn, "generatedAt", "must be an ISO-8601 instant, a Date or epoch milliseconds" + shown(value))
  }
  return new Date(ms).toISOString()
}

/** @internal */
export const checkOptions = (fn: string, options: ReportOptions): CheckedOptions => {
  if (typeof options !== "object" || options === null) {
    fail(fn, "options", "must be an object with at least timeZone and generatedAt" + shown(options))
  }
  const { timeZone, dayStartHour = 0, night = { start: 22, end: 6 }, units = {} } = options
  if (typeof timeZone !== "string" || !isTimeZone(timeZone)) {
    fail(fn, "timeZone", "must be an IANA time zone name such as Europe/Berlin" + shown(timeZone))
  }
  if (!Number.isInteger(dayStartHour) || dayStartHour < 0 || dayStartHour > 23) {
    fail(fn, "dayStartHour", "must be a whole number from 0 to 23" + shown(dayStartHour))
  }
  if (typeof night !== "object" || night === null) fail(fn, "night", "must be an object { start, end }")
  const start = hour(fn, "night.start", night.start)
  const end = hour(fn, "night.end", night.end)
  if (start === end) fail(fn, "night.end", "must differ from night.start" + shown(end))
  const child = options.child
  if (child !== undefined && (typeof child !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(child))) {
    fail(fn, "child", "must be a child id of 1 to 64 characters of A-Z, a-z, 0-9, _ or -" + shown(child))
  }
  const from = date(fn, "from", options.from)
  const to = date(fn, "to", options.to)
  if (from !== undefined && to !== undefined && to < from) {
    fail(fn, "to", `must not be before from (got ${to}, from is ${from})`)
  }
  const { volume = "ml", weight = "g" } = units
  if (volume !== "ml" && volume !== "fl-oz")
    fail(fn, "units.volume", 'must be "ml" or "fl-oz"' + shown(volume))
  if (weight !== "g" && weight !== "lb-oz") fail(fn, "units.weight", 'must be "g" or "lb-oz"' + shown(weight))
  return {
    fn,
    timeZone,
    dayStartHour,
    night: { start, end },
    child,
    from,
    to,
    volume,
    weight,
    generatedAt: instant(fn, options.generatedAt)
  }
}
