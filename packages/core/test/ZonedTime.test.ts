// The local-time helpers an app uses on its screens agree with the projections: the date an
// instant counts on, the night window, and wall-clock times both ways across DST.
import fc from "fast-check"
import { runs } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import {
  dailyTotals,
  InvalidOptions,
  instantOfLocalDateTime,
  isNightAt,
  localDateOf,
  localDateTimeOf
} from "@relactation/core"
import { ev, printSeed } from "./arbitraries.js"

const seed = printSeed()
const numRuns = runs(60)
const berlin = "Europe/Berlin"

describe("ZonedTime", () => {
  it("localDateOf: the zone's date, shifted by the day's start hour", () => {
    expect(localDateOf("2027-06-10T22:10:00Z", { timeZone: berlin })).toBe("2027-06-11")
    expect(localDateOf("2027-06-10T22:10:00Z", { timeZone: "UTC" })).toBe("2027-06-10")
    expect(localDateOf("2027-06-11T03:59:00Z", { timeZone: berlin, dayStartHour: 6 })).toBe("2027-06-10")
    expect(localDateOf(Date.parse("2027-06-11T04:00:00Z"), { timeZone: berlin, dayStartHour: 6 })).toBe(
      "2027-06-11"
    )
  })

  it("isNightAt: [start, end) in wall-clock time, default 22-06, wrapping midnight or not", () => {
    expect(isNightAt("2027-06-10T19:59:00Z", { timeZone: berlin })).toBe(false) // 21:59
    expect(isNightAt("2027-06-10T20:00:00Z", { timeZone: berlin })).toBe(true) // 22:00
    expect(isNightAt("2027-06-11T03:59:00Z", { timeZone: berlin })).toBe(true) // 05:59
    expect(isNightAt("2027-06-11T04:00:00Z", { timeZone: berlin })).toBe(false) // 06:00
    expect(isNightAt("2027-06-10T22:30:00Z", { timeZone: berlin, night: { start: 0, end: 5 } })).toBe(true)
    expect(isNightAt("2027-06-10T21:30:00Z", { timeZone: berlin, night: { start: 0, end: 5 } })).toBe(false)
  })

  it("localDateTimeOf and instantOfLocalDateTime: both ways, across DST", () => {
    expect(localDateTimeOf("2027-03-28T00:59:59Z", berlin)).toBe("2027-03-28T01:59:59")
    expect(localDateTimeOf("2027-03-28T01:00:00Z", berlin)).toBe("2027-03-28T03:00:00")
    expect(instantOfLocalDateTime("2027-06-10T14:05", berlin)).toBe(Date.parse("2027-06-10T12:05:00Z"))
    // 02:30 does not happen on 2027-03-28 in Berlin: it moves forward by the gap, to 03:30 CEST.
    expect(instantOfLocalDateTime("2027-03-28T02:30", berlin)).toBe(Date.parse("2027-03-28T01:30:00Z"))
    // 02:30 happens twice on 2027-10-31: the earlier one (CEST).
    expect(instantOfLocalDateTime("2027-10-31T02:30", berlin)).toBe(Date.parse("2027-10-31T00:30:00Z"))
    expect(instantOfLocalDateTime("2027-02-30T10:00", berlin)).toBeUndefined()
    expect(instantOfLocalDateTime("yesterday", berlin)).toBeUndefined()
  })

  it("bad options throw InvalidOptions naming the option", () => {
    expect(() => localDateOf("2027-06-10T10:00:00Z", { timeZone: "Mars/Base" })).toThrow(InvalidOptions)
    expect(() => localDateOf("2027-06-10T10:00:00Z", { timeZone: berlin, dayStartHour: 24 })).toThrow(
      /localDateOf: option dayStartHour/
    )
    expect(() => isNightAt("not a time", { timeZone: berlin })).toThrow(/isNightAt: option at/)
  })

  it(`agree with dailyTotals on the day and the night, and round-trip wall-clock times (seed ${seed})`, () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse("2027-01-01T00:00:00Z") / 60_000,
          max: Date.parse("2028-01-01T00:00:00Z") / 60_000
        }),
        fc.constantFrom(berlin, "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"),
        fc.constantFrom(0, 3, 6),
        fc.constantFrom({ start: 22, end: 6 }, { start: 21.5, end: 4 }, { start: 0, end: 5 }),
        (minute, timeZone, dayStartHour, night) => {
          const at = new Date(minute * 60_000).toISOString()
          const latch = ev({ type: "latch", at, durationSec: 60, side: "left" })
          const [day] = dailyTotals([latch], { timeZone, dayStartHour, night }).days
          expect(localDateOf(at, { timeZone, dayStartHour })).toBe(day!.date)
          expect(isNightAt(at, { timeZone, night })).toBe(day!.nightLatches === 1)
          const wall = localDateTimeOf(at, timeZone)
          const back = instantOfLocalDateTime(wall, timeZone)!
          // Unique wall-clock times map back; a repeated hour maps to its first occurrence.
          expect(localDateTimeOf(back, timeZone)).toBe(wall)
          expect(back).toBeLessThanOrEqual(minute * 60_000)
        }
      ),
      { seed, numRuns: numRuns * 5 }
    )
  })
})
