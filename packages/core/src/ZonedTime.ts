/**
 * The local-time rules of the projections, for an app's own screens: the local date an instant
 * counts on, whether it falls in the night window, and the wall-clock time in the family's zone
 * (not the phone's). The same code the projections use, so "today" on a screen is the day
 * `dailyTotals` counts an entry on.
 *
 * @since 0.1.0
 */
import { checkDayOptions, fail } from "./internal/InvalidOptions.js"
import { inNightWindow, instantMs, localDate, localHourOfDay, offsetAt } from "./internal/LocalTime.js"

const DAY = 86_400_000

/**
 * An instant: an ISO-8601 UTC string such as an event's `at`, or milliseconds since the epoch.
 *
 * @since 0.1.0
 * @category models
 */
export type InstantInput = string | number

const msOf = (fn: string, at: InstantInput): number => {
  const ms = typeof at === "number" ? at : typeof at === "string" ? instantMs(at) : Number.NaN
  if (!Number.isFinite(ms)) fail(fn, "at", "must be an ISO-8601 UTC instant or milliseconds since 1970", at)
  return ms
}

/**
 * The local date `YYYY-MM-DD` an instant counts on: the day `dailyTotals` with the same options
 * puts an event with this `at` on. Throws {@link InvalidOptions} for an unknown `timeZone` or a
 * `dayStartHour` outside 0–23, as the projections do.
 *
 * @example
 * ```ts
 * import { localDateOf } from "@relactation/core"
 *
 * localDateOf("2027-03-28T03:30:00Z", { timeZone: "Europe/Berlin", dayStartHour: 6 }) // "2027-03-27"
 * ```
 *
 * @since 0.1.0
 * @category local time
 */
export const localDateOf = (
  at: InstantInput,
  options: { readonly timeZone: string; readonly dayStartHour?: number }
): string => {
  const { timeZone, dayStartHour } = checkDayOptions("localDateOf", options)
  return localDate(timeZone, msOf("localDateOf", at), dayStartHour)
}

/**
 * Whether an instant's local wall-clock time falls in the night window `[start, end)` (wrapping
 * midnight when `start > end`; default `{ start: 22, end: 6 }`): the test `dailyTotals` uses for
 * `nightLatches`. Throws {@link InvalidOptions} for options out of range.
 *
 * @since 0.1.0
 * @category local time
 */
export const isNightAt = (
  at: InstantInput,
  options: { readonly timeZone: string; readonly night?: { readonly start: number; readonly end: number } }
): boolean => {
  const { timeZone, nightStart, nightEnd } = checkDayOptions("isNightAt", options)
  return inNightWindow(localHourOfDay(timeZone, msOf("isNightAt", at)), nightStart, nightEnd)
}

/**
 * The local wall-clock date and time of an instant, `YYYY-MM-DDTHH:MM:SS` (no zone suffix): the
 * value an `<input type="datetime-local">` shows, and `HH:MM` with `.slice(11, 16)`.
 *
 * @since 0.1.0
 * @category local time
 */
export const localDateTimeOf = (at: InstantInput, timeZone: string): string => {
  const { timeZone: zone } = checkDayOptions("localDateTimeOf", { timeZone })
  const ms = Math.floor(msOf("localDateTimeOf", at) / 1000) * 1000
  return new Date(ms + offsetAt(zone, ms)).toISOString().slice(0, 19)
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/**
 * The instant (milliseconds) a local wall-clock time `YYYY-MM-DDTHH:MM[:SS]` means in a zone.
 * A time that happens twice (the hour repeated when clocks go back) is the earlier one; a time that
 * does not happen (skipped when clocks go forward) moves forward by the gap, so 02:30 on the
 * spring-forward day in Europe/Berlin is 03:30 CEST. `undefined` when the text is not such a time.
 *
 * @since 0.1.0
 * @category local time
 */
export const instantOfLocalDateTime = (wall: string, timeZone: string): number | undefined => {
  const { timeZone: zone } = checkDayOptions("instantOfLocalDateTime", { timeZone })
  const m = typeof wall === "string" ? WALL.exec(wall) : null
  if (m === null) return undefined
  const [, y, mo, d, h, mi, s] = m
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0))
  if (new Date(local).toISOString().slice(0, 16) !== wall.slice(0, 16) || Number(s ?? 0) > 59)
    return undefined
  // The offsets a day before and after bracket any transition near this time.
  const before = local - offsetAt(zone, local - DAY)
  const after = local - offsetAt(zone, local + DAY)
  const means = (t: number) => t + offsetAt(zone, t) === local
  const [first, second] = before <= after ? [before, after] : [after, before]
  if (means(first)) return first
  if (means(second)) return second
  // In a gap: the earlier offset carried across it lands as far past the gap as the time was into it.
  return before
}
