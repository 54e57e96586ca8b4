/**
 * Calendar arithmetic on local dates `YYYY-MM-DD` (no zone: a date is a name for a local day,
 * which core has already found), and an instant in the family's zone for display.
 */
import { localDateTimeOf } from "@relactation/core"

const DAY = 86_400_000

const ms = (date: string): number => Date.parse(`${date}T00:00:00Z`)

/** @internal every date from `from` to `to`, both included */
export const datesBetween = (from: string, to: string): Array<string> => {
  const out: Array<string> = []
  for (let t = ms(from); t <= ms(to); t += DAY) out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

/** @internal whole days from `a` to `b` */
export const daysBetween = (a: string, b: string): number => Math.round((ms(b) - ms(a)) / DAY)

/** @internal an age in days as "8 weeks 4 days" */
export const formatAge = (days: number): string => {
  if (days < 0) return "not born yet at the end of the period"
  const weeks = Math.floor(days / 7)
  const rest = days % 7
  const w = weeks === 1 ? "1 week" : `${weeks} weeks`
  const d = rest === 1 ? "1 day" : `${rest} days`
  return weeks === 0 ? d : rest === 0 ? w : `${w} ${d}`
}

/** @internal an instant as local "YYYY-MM-DD HH:MM" in a zone, by core's zone rules */
export const localDateTime = (iso: string, timeZone: string): string =>
  localDateTimeOf(iso, timeZone).replace("T", " ").slice(0, 16)
