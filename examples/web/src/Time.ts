// Local time in the family's time zone (not the phone's): core's rules, so a screen's "today" is the
// day the projections count an entry on.
import { instantOfLocalDateTime, isNightAt, localDateOf, localDateTimeOf } from "@relactation/core"
import { duration, time } from "./Format.js"

/** The local day (YYYY-MM-DD) an instant counts on, for a day that starts at `dayStartHour`. */
export const localDay = (at: string | number, timeZone: string, dayStartHour: number): string =>
  localDateOf(at, { timeZone, dayStartHour })

/** The clock time in the zone, 24- or 12-hour as the chosen locale has it (Intl). */
export const clock = (at: string | number, timeZone: string): string => time(at, timeZone)

/** The value of an `<input type="datetime-local">` showing this instant in the zone. */
export const toInputValue = (ms: number, timeZone: string): string =>
  localDateTimeOf(ms, timeZone).slice(0, 16)

/** The instant a wall-clock `YYYY-MM-DDTHH:MM` in the zone means (DST gaps resolve forward). */
export const fromInputValue = (value: string, timeZone: string): number | undefined =>
  instantOfLocalDateTime(value, timeZone)

/** `12:05` for a running timer, `1:02:05` past an hour. */
export const stopwatch = (seconds: number): string => {
  const s = Math.max(0, Math.floor(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, "0")
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`
}

/** `40 s` / `15 min` / `1 h 5 min`, in the chosen locale's short units. */
export const minutes = (seconds: number): string => duration(seconds)

/** Whether the local time of `ms` is inside the night window (which may wrap midnight). */
export const isNight = (ms: number, timeZone: string, start: number, end: number): boolean =>
  isNightAt(ms, { timeZone, night: { start, end } })
