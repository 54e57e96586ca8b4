// Local time in the family's time zone (not the phone's), with real zone rules from Intl.

const partsCache = new Map<string, Intl.DateTimeFormat>()
const formatter = (timeZone: string): Intl.DateTimeFormat => {
  let f = partsCache.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit"
    })
    partsCache.set(timeZone, f)
  }
  return f
}

/** Wall-clock fields of an instant in a zone, as a UTC-based epoch ("local epoch"). */
const localEpoch = (ms: number, timeZone: string): number => {
  const get: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") get[p.type] = Number(p.value)
  }
  return Date.UTC(
    get.year ?? 1970,
    (get.month ?? 1) - 1,
    get.day ?? 1,
    get.hour ?? 0,
    get.minute ?? 0,
    get.second ?? 0
  )
}

/** The local day (YYYY-MM-DD) an instant counts on, for a day that starts at `dayStartHour`. */
export const localDay = (at: string | number, timeZone: string, dayStartHour: number): string => {
  const ms = typeof at === "number" ? at : Date.parse(at)
  return new Date(localEpoch(ms, timeZone) - dayStartHour * 3_600_000).toISOString().slice(0, 10)
}

/** `HH:MM` in the zone. */
export const clock = (at: string | number, timeZone: string): string => {
  const ms = typeof at === "number" ? at : Date.parse(at)
  return new Date(localEpoch(ms, timeZone)).toISOString().slice(11, 16)
}

/** The value of an `<input type="datetime-local">` showing this instant in the zone. */
export const toInputValue = (ms: number, timeZone: string): string =>
  new Date(localEpoch(ms, timeZone)).toISOString().slice(0, 16)

/** The instant a wall-clock `YYYY-MM-DDTHH:MM` in the zone means (DST gaps resolve forward). */
export const fromInputValue = (value: string, timeZone: string): number | undefined => {
  const wall = Date.parse(`${value}:00Z`)
  if (!Number.isFinite(wall)) return undefined
  let guess = wall
  for (let i = 0; i < 3; i++) guess = wall - (localEpoch(guess, timeZone) - guess)
  return guess
}

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

/** Whether the local hour of `ms` is inside the night window (which may wrap midnight). */
export const isNight = (ms: number, timeZone: string, start: number, end: number): boolean => {
  const hour = new Date(localEpoch(ms, timeZone)).getUTCHours()
  return start > end ? hour >= start || hour < end : hour >= start && hour < end
}
