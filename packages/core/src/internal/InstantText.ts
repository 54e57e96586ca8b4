/**
 * Instants as text, for the per-fact path of the day projections: the time of day read from an
 * instant's characters, and the 19-character prefix of a whole second, so a fact can be placed by
 * comparing strings instead of parsing it (see `Days.ts`).
 *
 * @since 0.1.0
 */

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000

/**
 * The digit at `s[i]`, or `NaN` for any other character (so a sum or comparison built from it
 * fails too). The one digit reader of the fast instant paths (`utcTimeOfDayMs`, `instantMs`).
 *
 * @internal
 */
export const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : Number.NaN
}

/** The two-digit number at `s[i]`, `s[i + 1]`; `NaN` unless both are digits. @internal */
export const two = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1)

/**
 * The milliseconds since UTC midnight of an instant of one of the two shapes `instantMs`
 * reads fast (`…THH:MM:SSZ`, `…THH:MM:SS.mmmZ`): `instantMs(s)` modulo a day, reading only the time.
 * `NaN` for any other shape (the caller falls back to `instantMs`).
 *
 * @internal
 */
export const utcTimeOfDayMs = (s: string): number => {
  const n = s.length
  if ((n !== 20 && (n !== 24 || s.charCodeAt(19) !== 46)) || s.charCodeAt(n - 1) !== 90) return Number.NaN
  const h = two(s, 11)
  const mi = two(s, 14)
  const se = two(s, 17)
  const frac = n === 24 ? digit(s, 20) * 100 + two(s, 21) : 0
  // NaN fails every comparison: a non-digit gives NaN too.
  if (!(h <= 23 && mi <= 59 && se <= 59 && frac >= 0)) return Number.NaN
  return h * HOUR + mi * MINUTE + se * 1000 + frac
}

// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z.
const YEAR_0 = -62_167_219_200_000
const YEAR_10000 = 253_402_300_800_000

/**
 * The first 19 characters of `new Date(ms).toISOString()` (`YYYY-MM-DDTHH:MM:SS`) for a whole
 * second in the years 0000-9999, as a flat string (built from character codes: comparing with a
 * slice of a longer string takes V8's slow path); `undefined` outside those years.
 *
 * @internal
 */
export const isoSecondPrefix = (ms: number): string | undefined => {
  if (!(ms >= YEAR_0 && ms < YEAR_10000) || ms % 1000 !== 0) return undefined
  const days = Math.floor(ms / DAY)
  let rest = ms - days * DAY
  const h = Math.floor(rest / HOUR)
  rest -= h * HOUR
  const mi = Math.floor(rest / MINUTE)
  const se = (rest - mi * MINUTE) / 1000
  // A proleptic Gregorian date from days since 1970-01-01 (H. Hinnant's civil_from_days).
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  const c = (n: number): number => 48 + n
  return String.fromCharCode(
    c(Math.floor(y / 1000)),
    c(Math.floor(y / 100) % 10),
    c(Math.floor(y / 10) % 10),
    c(y % 10),
    45,
    c(Math.floor(m / 10)),
    c(m % 10),
    45,
    c(Math.floor(d / 10)),
    c(d % 10),
    84,
    c(Math.floor(h / 10)),
    c(h % 10),
    58,
    c(Math.floor(mi / 10)),
    c(mi % 10),
    58,
    c(Math.floor(se / 10)),
    c(se % 10)
  )
}
