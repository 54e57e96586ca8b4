// Local time in the family's time zone (not the phone's): core's rules, so a screen's "today" is the
// day the projections count an entry on.
import { instantOfLocalDateTime, isNightAt, localDateOf, localDateTimeOf } from "@relactation/core"

/** The local day (YYYY-MM-DD) an instant counts on, for a day that starts at `dayStartHour`. */
export const localDay = (at: string | number, timeZone: string, dayStartHour: number): string =>
  localDateOf(at, { timeZone, dayStartHour })

/** `HH:MM` in the zone. */
export const clock = (at: string | number, timeZone: string): string =>
  localDateTimeOf(at, timeZone).slice(11, 16)

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

/** `40 s` / `15 min` / `1 h 5 min`. */
export const minutes = (seconds: number): string => {
  if (seconds < 60) return `${Math.round(seconds)} s`
  const m = Math.round(seconds / 60)
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`
}

/** Whether the local time of `ms` is inside the night window (which may wrap midnight). */
export const isNight = (ms: number, timeZone: string, start: number, end: number): boolean =>
  isNightAt(ms, { timeZone, night: { start, end } })
