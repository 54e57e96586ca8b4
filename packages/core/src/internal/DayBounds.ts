/**
 * The UTC span of a local day as text, so the day projections can place a fact on the day of the
 * fact before it with two string comparisons, without parsing its instant or looking up the zone's
 * offset. Only days with one offset all day have bounds; facts outside them take the full path.
 *
 * @since 0.1.0
 */
import { isoSecondPrefix } from "./InstantText.js"
import { offsetIn, steadyOffset, type ZoneOffsets } from "./LocalTime.js"

const DAY = 86_400_000

/**
 * A local day's span in UTC, `[lo, hi)`, as the first 19 characters of ISO instants
 * (`YYYY-MM-DDTHH:MM:SS`), and the zone's offset through it. A valid event instant is in the day
 * exactly when `lo <= at < hi` as text: its first 19 characters are its whole seconds, text order
 * is time order for them, and a longer string with the same prefix is later. Two string
 * comparisons instead of parsing the instant and looking up its offset, for every fact after the
 * first of its day.
 *
 * @internal
 */
export interface Bounds {
  readonly lo: string
  readonly hi: string
  readonly offset: number
}

/**
 * The bounds of local day `day` (days start `dayStartMs` after local midnight); `null` for a day
 * whose offset changes, or outside the years 0000-9999.
 *
 * @internal
 */
export const boundsOf = (zone: ZoneOffsets, dayStartMs: number, day: number): Bounds | null => {
  const start = day * DAY + dayStartMs
  const guess = offsetIn(zone, start)
  const from = start - guess
  const to = from + DAY
  if (steadyOffset(zone, from, to) !== guess) return null
  const lo = isoSecondPrefix(from)
  const hi = isoSecondPrefix(to)
  return lo === undefined || hi === undefined ? null : { lo, hi, offset: guess }
}
