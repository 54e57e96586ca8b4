// Dates, times, numbers, durations and units for the chosen locale, all through Intl: the clock
// is 24- or 12-hour as the locale has it (de and en-GB 14:05, en-US 2:05 PM), decimals and
// grouping are the locale's (3.650 g in German, 3,650 g in English).
import { flOzFromMl, lbOzFromGrams, type VolumeUnit, type WeightUnit } from "@relactation/core"
import { current, t } from "./I18n.js"

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()
const numberFormat = (options: Intl.NumberFormatOptions): Intl.NumberFormat => {
  const key = `n|${current().locale}|${JSON.stringify(options)}`
  let f = cache.get(key) as Intl.NumberFormat | undefined
  if (f === undefined) {
    f = new Intl.NumberFormat(current().locale, options)
    cache.set(key, f)
  }
  return f
}
const dateFormat = (options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat => {
  const key = `d|${current().locale}|${JSON.stringify(options)}`
  let f = cache.get(key) as Intl.DateTimeFormat | undefined
  if (f === undefined) {
    f = new Intl.DateTimeFormat(current().locale, options)
    cache.set(key, f)
  }
  return f
}

/** A plain number with at most `digits` decimals: `1,5` in German. */
export const number = (n: number, digits = 1): string =>
  numberFormat({ maximumFractionDigits: digits }).format(n)

const unit = (n: number, u: string, digits: number): string =>
  numberFormat({ style: "unit", unit: u, unitDisplay: "short", maximumFractionDigits: digits }).format(n)

/** `30 ml` or `1.01 fl oz`, in the locale. */
export const volume = (ml: number, u: VolumeUnit): string =>
  u === "ml" ? unit(ml, "milliliter", 1) : unit(flOzFromMl(ml), "fluid-ounce", 2)

/** The unit's short name alone (for labels such as "Amount (ml)"). */
export const volumeUnit = (u: VolumeUnit): string =>
  (u === "ml"
    ? numberFormat({ style: "unit", unit: "milliliter" })
    : numberFormat({ style: "unit", unit: "fluid-ounce" })
  )
    .formatToParts(1)
    .find((p) => p.type === "unit")?.value ?? (u === "ml" ? "ml" : "fl oz")

/** `3,650 g` or `8 lb 1 oz`, in the locale. */
export const weight = (grams: number, u: WeightUnit): string => {
  if (u === "g") return unit(Math.round(grams), "gram", 0)
  const { lb, oz } = lbOzFromGrams(grams)
  return `${unit(lb, "pound", 0)} ${unit(oz, "ounce", 1)}`
}

/** Grams alone: `350 g`. */
export const grams = (g: number): string => unit(Math.round(g), "gram", 0)

/** `40 s` / `15 min` / `1 h 5 min` in the locale's short units. */
export const duration = (seconds: number): string => {
  if (seconds < 60) return unit(Math.round(seconds), "second", 0)
  const m = Math.round(seconds / 60)
  return m >= 60
    ? `${unit(Math.floor(m / 60), "hour", 0)} ${unit(m % 60, "minute", 0)}`
    : unit(m, "minute", 0)
}

/** The clock time of an instant in the family's zone, 24- or 12-hour as the locale has it. */
export const time = (at: string | number, timeZone: string): string =>
  dateFormat({ hour: "numeric", minute: "2-digit", timeZone }).format(
    typeof at === "number" ? at : Date.parse(at)
  )

/** A local date (YYYY-MM-DD) as day and month, for chart labels: `13/03`, `13.3.`, `3/13`. */
export const dayMonth = (date: string): string =>
  dateFormat({ day: "numeric", month: "numeric", timeZone: "UTC" }).format(Date.parse(`${date}T12:00:00Z`))

/** The language's own name in the current language (`German`, `Deutsch`). */
export const languageName = (code: string): string => {
  try {
    return new Intl.DisplayNames([current().locale], { type: "language" }).of(code) ?? code
  } catch {
    return code
  }
}

/** A WHO interval such as `4wk-2mo` as `4 wk–2 mo` / `4 Wo.–2 Mon.`. */
export const whoInterval = (interval: string): string => {
  const m = /^(\d+)(wk|mo)?-(\d+)(wk|mo)$/.exec(interval)
  if (m === null) return interval
  const [, a, ua, b, ub] = m
  const part = (n: string, u: string | undefined) =>
    t(u === "wk" ? "history.weeks" : "history.months", { n: number(Number(n), 0) })
  return ua === undefined || ua === ub
    ? `${number(Number(a), 0)}–${part(b ?? "", ub)}`
    : `${part(a ?? "", ua)}–${part(b ?? "", ub)}`
}
