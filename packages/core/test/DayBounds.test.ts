// The day projections place most facts by comparing their instant's text with the UTC bounds of
// the day the previous fact fell on (internal/Days.ts), instead of parsing the instant and looking
// up the zone's offset for every fact. These properties check that shortcut against the per-event
// rules it replaces, on dense logs (many facts a day, so the shortcut is taken) around DST
// transitions, in zones with whole-hour, 45-minute and 30-minute offsets and DST steps.
import fc from "fast-check"
import { runs } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import {
  type DailyTotalsOptions,
  type Draft,
  dailyTotals,
  type Event,
  makeSync,
  relactationProgress
} from "@relactation/core"
import { inNightWindow, instantMs, localDayNumber, localHourOfDay } from "../src/internal/LocalTime.js"
import { isoSecondPrefix, utcTimeOfDayMs } from "../src/internal/InstantText.js"
import { printSeed } from "./arbitraries.js"

const seed = printSeed()
const DAY = 86_400_000

describe("isoSecondPrefix", () => {
  it("is toISOString's first 19 characters for every whole second of the years 0000-9999", () => {
    const first = Date.parse("0000-01-01T00:00:00Z")
    const end = Date.parse("9999-12-31T23:59:59Z") + 1000
    fc.assert(
      fc.property(fc.integer({ min: first / 1000, max: end / 1000 - 1 }), (s) => {
        expect(isoSecondPrefix(s * 1000)).toBe(new Date(s * 1000).toISOString().slice(0, 19))
      }),
      { seed, numRuns: runs(2000) }
    )
    expect(isoSecondPrefix(first)).toBe("0000-01-01T00:00:00")
    expect(isoSecondPrefix(end - 1000)).toBe("9999-12-31T23:59:59")
    expect(isoSecondPrefix(first - 1000)).toBeUndefined()
    expect(isoSecondPrefix(end)).toBeUndefined()
    expect(isoSecondPrefix(1500)).toBeUndefined()
  })
})

describe("utcTimeOfDayMs", () => {
  it("is instantMs modulo a day for both fast shapes, NaN for others", () => {
    fc.assert(
      fc.property(fc.integer({ min: -2e12, max: 4e12 }), fc.boolean(), (ms, whole) => {
        const iso = new Date(whole ? Math.floor(ms / 1000) * 1000 : ms).toISOString()
        const s = whole ? `${iso.slice(0, 19)}Z` : iso
        expect(utcTimeOfDayMs(s)).toBe((((instantMs(s) % DAY) + DAY) % DAY) as number)
      }),
      { seed, numRuns: runs(1000) }
    )
    expect(utcTimeOfDayMs("2027-03-28T01:30:00.5Z")).toBeNaN()
    expect(utcTimeOfDayMs("2027-03-28T24:00:00Z")).toBeNaN()
  })
})

// Each zone with the transitions (or, without any, a plain day) the dense logs cluster around.
const transitions: ReadonlyArray<readonly [string, string]> = [
  ["Europe/Berlin", "2027-03-28T01:00:00Z"], // spring forward
  ["Europe/Berlin", "2027-10-31T01:00:00Z"], // fall back
  ["America/New_York", "2027-03-14T07:00:00Z"],
  ["America/New_York", "2027-11-07T06:00:00Z"],
  ["Australia/Lord_Howe", "2027-04-03T15:00:00Z"], // half an hour back
  ["Australia/Lord_Howe", "2027-10-02T15:30:00Z"], // half an hour forward
  ["Asia/Kathmandu", "2027-06-15T12:00:00Z"], // +05:45, no DST
  ["UTC", "2027-06-15T12:00:00Z"]
]

const optionsArb = (timeZone: string): fc.Arbitrary<DailyTotalsOptions> =>
  fc.record({
    timeZone: fc.constant(timeZone),
    dayStartHour: fc.constantFrom(0, 2, 3, 6, 23),
    night: fc.constantFrom({ start: 22, end: 6 }, { start: 1.75, end: 2.25 }, { start: 22.1, end: 2.9 }),
    child: fc.constant("baby")
  })

// A dense log: up to 200 facts within a day and a half either side of one transition, at whole seconds or with
// milliseconds, sorted (as logs mostly are) or not.
const denseLog = (center: number) =>
  fc
    .record({
      facts: fc.array(
        fc.record({
          offsetSec: fc.integer({ min: -36 * 3600, max: 36 * 3600 }),
          millis: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 999 })),
          kind: fc.constantFrom("latch", "pump", "supplement", "medication"),
          n: fc.integer({ min: 1, max: 3600 })
        }),
        { minLength: 1, maxLength: 200 }
      ),
      sorted: fc.boolean()
    })
    .map(({ facts, sorted }) => {
      const events: Array<Event> = facts.map((f, i) => {
        const ms = center + f.offsetSec * 1000 + Math.max(0, f.millis)
        const iso = new Date(ms).toISOString()
        const at = f.millis < 0 ? `${iso.slice(0, 19)}Z` : iso
        const base = { child: "baby", by: "parent-a", at }
        const draft =
          f.kind === "latch"
            ? {
                ...base,
                type: "latch",
                durationSec: f.n,
                side: (["left", "right", "both"] as const)[f.n % 3]
              }
            : f.kind === "pump"
              ? { ...base, type: "pump", durationSec: f.n, method: "electric", totalMl: f.n % 200 }
              : f.kind === "supplement"
                ? { ...base, type: "supplement", ml: 1 + (f.n % 150), milk: "formula", via: "bottle" }
                : { ...base, type: "medication", name: "domperidone" }
        return makeSync(draft as Draft, { now: () => ms + i, random: () => ((i * 7919) % 997) / 997 })
      })
      return sorted ? events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)) : events
    })

// The rules per event, as the projections applied them before the shortcut: parse the instant,
// look up the offset, take the day number and the wall-clock hour.
const perEvent = (events: ReadonlyArray<Event>, options: DailyTotalsOptions) => {
  const days = new Map<number, { events: number; latches: number; night: number; supplementMl: number }>()
  const night = options.night ?? { start: 22, end: 6 }
  for (const e of events) {
    const ms = instantMs(e.at)
    const day = localDayNumber(options.timeZone, ms, options.dayStartHour ?? 0)
    const d = days.get(day) ?? { events: 0, latches: 0, night: 0, supplementMl: 0 }
    d.events++
    if (e.type === "latch") {
      d.latches++
      if (inNightWindow(localHourOfDay(options.timeZone, ms), night.start, night.end)) d.night++
    }
    if (e.type === "supplement") d.supplementMl = Math.round(d.supplementMl * 100 + e.ml * 100) / 100
    days.set(day, d)
  }
  return [...days.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, d]) => ({ date: new Date(day * DAY).toISOString().slice(0, 10), ...d }))
}

describe("day bounds against the per-event rules", () => {
  it("dailyTotals and relactationProgress put every fact on the same day and night as the per-event rules", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...transitions)
          .chain(([zone, at]) => fc.tuple(denseLog(Date.parse(at)), optionsArb(zone))),
        ([events, options]) => {
          const expected = perEvent(events, options)
          const daily = dailyTotals(events, options).days.map((d) => ({
            date: d.date,
            events: d.events,
            latches: d.latches,
            night: d.nightLatches,
            supplementMl: d.supplementMl
          }))
          expect(daily).toEqual(expected)
          const progress = relactationProgress(events, options).days.map((d) => ({
            date: d.date,
            latches: d.latches,
            night: d.nightLatches,
            supplementMl: d.supplementMl
          }))
          expect(progress).toEqual(expected.map(({ events: _, ...rest }) => rest))
        }
      ),
      { seed, numRuns: runs(200) }
    )
  })
})
