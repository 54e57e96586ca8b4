/**
 * The error a projection throws when the app passes options it cannot honour (an unknown time
 * zone, a day start outside 0-23). It is a programming error in the app, not bad event data, so it
 * is thrown right away instead of being reported like skipped entries.
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import type { Sex } from "../EventFields.js"
import { isKnownTimeZone } from "./LocalTime.js"

/**
 * A projection was called with an option out of range. `message` names the projection, the
 * option and the rule, e.g. `dailyTotals: option dayStartHour must be a whole number from 0 to 23
 * (got 24)`.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidOptions extends Data.TaggedError("InvalidOptions")<{
  /** The projection that was called, e.g. `dailyTotals`. */
  readonly projection: string
  /** The option that broke a rule, e.g. `timeZone` or `night.start`. */
  readonly option: string
  /** The rule, e.g. `must be an IANA time zone name such as Europe/Berlin`. */
  readonly rule: string
}> {
  override get message(): string {
    return `${this.projection}: option ${this.option} ${this.rule}`
  }
}

const shown = (value: unknown): string =>
  typeof value === "string" ? ` (got "${value.slice(0, 64)}")` : ` (got ${String(value)})`

/** @internal */
export const fail = (projection: string, option: string, rule: string, value: unknown): never => {
  throw new InvalidOptions({ projection, option, rule: rule + shown(value) })
}

/**
 * Options shared by the day-based projections, once checked and defaulted.
 *
 * @internal
 */
export interface DayOptions {
  readonly timeZone: string
  readonly dayStartHour: number
  readonly nightStart: number
  readonly nightEnd: number
  readonly child: string | undefined
}

/** @internal */
export const checkChild = (projection: string, child: unknown): string | undefined => {
  if (child === undefined) return undefined
  if (typeof child !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(child)) {
    fail(projection, "child", "must be a child id of 1 to 64 characters of A-Z, a-z, 0-9, _ or -", child)
  }
  return child as string
}

const hour = (projection: string, option: string, value: unknown): number => {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value >= 24) {
    fail(projection, option, "must be an hour from 0 up to (not including) 24, such as 22 or 22.5", value)
  }
  return value as number
}

/** @internal */
export const checkDayOptions = (
  projection: string,
  options: {
    readonly timeZone: string
    readonly dayStartHour?: number | undefined
    readonly night?: { readonly start: number; readonly end: number } | undefined
    readonly child?: string | undefined
  }
): DayOptions => {
  if (typeof options !== "object" || options === null) {
    fail(projection, "options", "must be an object with at least timeZone", options)
  }
  const { timeZone, dayStartHour = 0, night = { start: 22, end: 6 } } = options
  if (typeof timeZone !== "string" || !isKnownTimeZone(timeZone)) {
    fail(projection, "timeZone", "must be an IANA time zone name such as Europe/Berlin", timeZone)
  }
  if (!Number.isInteger(dayStartHour) || dayStartHour < 0 || dayStartHour > 23) {
    fail(projection, "dayStartHour", "must be a whole number from 0 to 23", dayStartHour)
  }
  if (typeof night !== "object" || night === null) {
    fail(projection, "night", "must be an object { start, end } of local hours", night)
  }
  const nightStart = hour(projection, "night.start", night.start)
  const nightEnd = hour(projection, "night.end", night.end)
  if (nightStart === nightEnd) fail(projection, "night.end", "must differ from night.start", nightEnd)
  return { timeZone, dayStartHour, nightStart, nightEnd, child: checkChild(projection, options.child) }
}

/** @internal */
export const checkSex = (projection: string, sex: unknown): Sex | undefined => {
  if (sex === undefined) return undefined
  if (sex !== "female" && sex !== "male") fail(projection, "sex", 'must be "female" or "male"', sex)
  return sex as Sex
}

const isRealDate = (ms: number, date: string): boolean =>
  Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === date

/** @internal A local date option (`YYYY-MM-DD`, a real date), or undefined. */
export const checkDate = (projection: string, option: string, date: unknown): string | undefined => {
  if (date === undefined) return undefined
  const ok =
    typeof date === "string" &&
    /^\d{4}-\d{2}-\d{2}$/.test(date) &&
    isRealDate(Date.parse(`${date}T00:00:00Z`), date)
  if (!ok) fail(projection, option, "must be a real date written YYYY-MM-DD", date)
  return date as string
}

/** @internal */
export const checkBirthDate = (projection: string, date: unknown): string | undefined =>
  checkDate(projection, "birthDate", date)
