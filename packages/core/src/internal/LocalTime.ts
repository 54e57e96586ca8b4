/**
 * Local days and times of day with real time-zone rules, fast enough for projections over 100k
 * events. `Intl.DateTimeFormat` is the only source of zone rules in every runtime, but it costs a
 * microsecond or two per call, so the UTC offset is memoized per 15-minute UTC bucket: zone
 * transitions in modern tz data fall on such boundaries, so every instant in a bucket shares the
 * offset of the bucket's start.
 *
 * @since 0.1.0
 */
import { digit, isoSecondPrefix, two } from "./InstantText.js"

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
const BUCKET = 15 * MINUTE
// A year is 1460 chunks of 6 hours per zone. Past this many the cache is dropped and refilled, so
// memory stays bounded whatever the log spans.
const MAX_CHUNKS = 100_000

const formatters = new Map<string, Intl.DateTimeFormat>()
const offsetCaches = new Map<string, ZoneOffsets>()

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric"
    })
    formatters.set(timeZone, f)
  }
  return f
}

/**
 * Whether `Intl` knows the zone. Unlike the event schema's check, this one throws nothing and
 * caches nothing: it runs once per projection, on its options.
 *
 * @since 0.1.0
 * @category time
 */
export const isKnownTimeZone = (timeZone: string): boolean => {
  if (typeof timeZone !== "string" || timeZone.length === 0) return false
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

/**
 * The zone's UTC offset in milliseconds at an instant, straight from `Intl` (no cache).
 *
 * @since 0.1.0
 * @category time
 */
export const offsetFromIntl = (timeZone: string, ms: number): number => {
  const whole = Math.floor(ms / 1000) * 1000
  const parts = formatterFor(timeZone).formatToParts(new Date(whole))
  let era = "AD"
  let y = 0
  let mo = 1
  let d = 1
  let h = 0
  let mi = 0
  let s = 0
  for (const p of parts) {
    switch (p.type) {
      case "era":
        era = p.value
        break
      case "year":
        y = Number(p.value)
        break
      case "month":
        mo = Number(p.value)
        break
      case "day":
        d = Number(p.value)
        break
      case "hour":
        h = Number(p.value)
        break
      case "minute":
        mi = Number(p.value)
        break
      case "second":
        s = Number(p.value)
        break
    }
  }
  // `Date.UTC` maps years 0-99 to 1900-1999, so the year is set separately.
  const local = new Date(0)
  local.setUTCFullYear(era === "BC" || era === "B" ? 1 - y : y, mo - 1, d)
  local.setUTCHours(h, mi, s, 0)
  return local.getTime() - whole
}

// Offsets of each zone, memoized in two levels. A chunk of 6 hours whose start and end share an
// offset holds no transition (no zone changes its offset twice within 6 hours), so it is stored
// as one number; only the few chunks around a transition keep an offset per 15-minute bucket.
// This keeps Intl calls to a couple per 6 hours of log instead of one per bucket.
const CHUNK_BUCKETS = 24
const CHUNK = CHUNK_BUCKETS * BUCKET
type Chunk = number | Array<number | undefined>

/**
 * The memoized offsets of one zone. Projections hold on to it (see {@link zoneOffsets}) so the
 * per-event path skips the lookup by zone name, and the chunk used last is kept aside: a log read
 * in time order hits it for every event of the same 6 hours without a Map lookup.
 *
 * @internal
 */
export interface ZoneOffsets {
  readonly timeZone: string
  readonly chunks: Map<number, Chunk>
  lastNo: number
  lastOffset: number
}

/**
 * The offset cache of a zone, shared by every projection in the process.
 *
 * @internal
 */
export const zoneOffsets = (timeZone: string): ZoneOffsets => {
  let cache = offsetCaches.get(timeZone)
  if (cache === undefined) {
    cache = { timeZone, chunks: new Map(), lastNo: Number.NaN, lastOffset: 0 }
    offsetCaches.set(timeZone, cache)
  }
  return cache
}

/**
 * {@link offsetAt} on a zone's cache.
 *
 * @internal
 */
export const offsetIn = (zone: ZoneOffsets, ms: number): number => {
  const chunkNo = Math.floor(ms / CHUNK)
  if (chunkNo === zone.lastNo) return zone.lastOffset
  const cache = zone.chunks
  let chunk = cache.get(chunkNo)
  if (chunk === undefined) {
    if (cache.size >= MAX_CHUNKS) cache.clear()
    const first = offsetFromIntl(zone.timeZone, chunkNo * CHUNK)
    const next = offsetFromIntl(zone.timeZone, (chunkNo + 1) * CHUNK)
    chunk = first === next ? first : [first]
    cache.set(chunkNo, chunk)
  }
  if (typeof chunk === "number") {
    // Only a chunk without a transition has one offset for all of it.
    zone.lastNo = chunkNo
    zone.lastOffset = chunk
    return chunk
  }
  const bucket = Math.floor(ms / BUCKET)
  const index = bucket - chunkNo * CHUNK_BUCKETS
  let offset = chunk[index]
  if (offset === undefined) {
    offset = offsetFromIntl(zone.timeZone, bucket * BUCKET)
    chunk[index] = offset
  }
  return offset
}

/**
 * The zone's one offset over `[fromMs, toMs)` when no 6-hour chunk touching it holds a
 * transition and every chunk has the same offset; `undefined` otherwise (a DST day). Lets a
 * caller that knows an instant lies in the range skip {@link offsetIn} for it.
 *
 * @internal
 */
export const steadyOffset = (zone: ZoneOffsets, fromMs: number, toMs: number): number | undefined => {
  const offset = offsetIn(zone, fromMs)
  const last = Math.floor((toMs - 1) / CHUNK)
  for (let no = Math.floor(fromMs / CHUNK); no <= last; no++) {
    if (offsetIn(zone, Math.max(fromMs, no * CHUNK)) !== offset) return undefined
    if (typeof zone.chunks.get(no) !== "number") return undefined
  }
  return offset
}

/**
 * The zone's UTC offset in milliseconds at an instant, memoized per 15-minute UTC bucket (and per
 * 6-hour chunk when the offset does not change within it).
 *
 * @since 0.1.0
 * @category time
 */
export const offsetAt = (timeZone: string, ms: number): number => offsetIn(zoneOffsets(timeZone), ms)

/**
 * The number of the local day an instant falls on, counted from 1970-01-01, for a day that starts
 * at `dayStartHour`: with 6, 05:59 local belongs to the day before. A day is named by the calendar
 * date it starts on, so day numbers and {@link dateOfDay} agree.
 *
 * @since 0.1.0
 * @category time
 */
export const localDayNumber = (timeZone: string, ms: number, dayStartHour: number): number =>
  Math.floor((ms + offsetAt(timeZone, ms) - dayStartHour * HOUR) / DAY)

/**
 * The local wall-clock time of day of an instant, in hours (`22.5` is 22:30). Independent of
 * `dayStartHour`: the night window is a wall-clock window.
 *
 * @since 0.1.0
 * @category time
 */
export const localHourOfDay = (timeZone: string, ms: number): number => {
  const local = ms + offsetAt(timeZone, ms)
  return (((local % DAY) + DAY) % DAY) / HOUR
}

/**
 * Whether a local hour of day (fractional, see {@link localHourOfDay}) is in the night window
 * `[start, end)`, which wraps midnight when `start > end`.
 *
 * @internal
 */
export const inNightWindow = (hour: number, start: number, end: number): boolean =>
  start < end ? hour >= start && hour < end : hour >= start || hour < end

/**
 * The calendar date `YYYY-MM-DD` of a day number.
 *
 * @since 0.1.0
 * @category time
 */
export const dateOfDay = (day: number): string =>
  isoSecondPrefix(day * DAY)?.slice(0, 10) ?? new Date(day * DAY).toISOString().slice(0, 10)

/**
 * The day number of a calendar date `YYYY-MM-DD`.
 *
 * @since 0.1.0
 * @category time
 */
export const dayOfDate = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY)

/**
 * The local date (`YYYY-MM-DD`) an instant falls on, for a day starting at `dayStartHour`.
 *
 * @since 0.1.0
 * @category time
 */
export const localDate = (timeZone: string, ms: number, dayStartHour = 0): string =>
  dateOfDay(localDayNumber(timeZone, ms, dayStartHour))

/**
 * The first instant (to the second) of a local day: the day's start hour, or the first instant
 * after it when a DST gap skips that hour. Used to measure day lengths; projections never need it.
 *
 * @since 0.1.0
 * @category time
 */
export const startOfLocalDay = (timeZone: string, date: string, dayStartHour = 0): number => {
  const day = dayOfDate(date)
  const guess = day * DAY + dayStartHour * HOUR
  // Offsets stay within ±26 h, so the start lies in this window; the day number grows with time
  // except across a fall-back transition at the very start of a day, which no zone has today.
  let lo = Math.floor((guess - 27 * HOUR) / 1000)
  let hi = Math.ceil((guess + 27 * HOUR) / 1000)
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (localDayNumber(timeZone, mid * 1000, dayStartHour) >= day) hi = mid
    else lo = mid + 1
  }
  return lo * 1000
}

/**
 * How many hours a local day lasts: 24, or 23 / 25 on DST days (23.5 / 24.5 on Lord Howe Island).
 *
 * @since 0.1.0
 * @category time
 */
export const localDayHours = (timeZone: string, date: string, dayStartHour = 0): number => {
  const next = dateOfDay(dayOfDate(date) + 1)
  return (
    (startOfLocalDay(timeZone, next, dayStartHour) - startOfLocalDay(timeZone, date, dayStartHour)) / HOUR
  )
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * `Date.parse` of an ISO UTC instant, without its cost for the two shapes events use
 * (`2027-03-28T01:30:00Z` and `2027-03-28T01:30:00.000Z`). Anything else, including dates
 * `Date.parse` would roll over (February 30) or reject, goes to `Date.parse` itself, so the result
 * is always the same.
 *
 * @internal
 */
export const instantMs = (s: string): number => {
  const n = s.length
  if (
    (n !== 20 && (n !== 24 || s.charCodeAt(19) !== 46)) ||
    s.charCodeAt(n - 1) !== 90 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  ) {
    return Date.parse(s)
  }
  const y = two(s, 0) * 100 + two(s, 2)
  const m = two(s, 5)
  const d = two(s, 8)
  const h = two(s, 11)
  const mi = two(s, 14)
  const se = two(s, 17)
  const frac = n === 24 ? digit(s, 20) * 100 + two(s, 21) : 0
  // NaN fails every comparison, so a non-digit anywhere falls back too.
  if (!(m >= 1 && m <= 12 && d >= 1 && h <= 23 && mi <= 59 && se <= 59 && frac >= 0)) return Date.parse(s)
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!)) return Date.parse(s)
  // Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  const days = era * 146097 + doe - 719468
  return days * DAY + h * HOUR + mi * MINUTE + se * 1000 + frac
}
