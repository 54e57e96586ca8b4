/**
 * Local days and times of day with real time-zone rules, fast enough for projections over 100k
 * events. `Intl.DateTimeFormat` is the only source of zone rules in every runtime, but it costs a
 * microsecond or two per call, so the UTC offset is memoized per 15-minute UTC bucket: zone
 * transitions in modern tz data fall on such boundaries, so every instant in a bucket shares the
 * offset of the bucket's start.
 *
 * @since 0.1.0
 */

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
const BUCKET = 15 * MINUTE
// A year is 1460 chunks of 6 hours per zone. Past this many the cache is dropped and refilled, so
// memory stays bounded whatever the log spans.
const MAX_CHUNKS = 100_000

const formatters = new Map<string, Intl.DateTimeFormat>()
const offsetCaches = new Map<string, Map<number, number | Array<number | undefined>>>()

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

const chunksFor = (timeZone: string): Map<number, Chunk> => {
  let cache = offsetCaches.get(timeZone)
  if (cache === undefined) {
    cache = new Map()
    offsetCaches.set(timeZone, cache)
  }
  return cache
}

/**
 * The zone's UTC offset in milliseconds at an instant, memoized per 15-minute UTC bucket (and per
 * 6-hour chunk when the offset does not change within it).
 *
 * @since 0.1.0
 * @category time
 */
export const offsetAt = (timeZone: string, ms: number): number => {
  const cache = chunksFor(timeZone)
  const chunkNo = Math.floor(ms / CHUNK)
  let chunk = cache.get(chunkNo)
  if (chunk === undefined) {
    if (cache.size >= MAX_CHUNKS) cache.clear()
    const first = offsetFromIntl(timeZone, chunkNo * CHUNK)
    const next = offsetFromIntl(timeZone, (chunkNo + 1) * CHUNK)
    chunk = first === next ? first : [first]
    cache.set(chunkNo, chunk)
  }
  if (typeof chunk === "number") return chunk
  const bucket = Math.floor(ms / BUCKET)
  const index = bucket - chunkNo * CHUNK_BUCKETS
  let offset = chunk[index]
  if (offset === undefined) {
    offset = offsetFromIntl(timeZone, bucket * BUCKET)
    chunk[index] = offset
  }
  return offset
}

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
 * The calendar date `YYYY-MM-DD` of a day number.
 *
 * @since 0.1.0
 * @category time
 */
export const dateOfDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10)

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
