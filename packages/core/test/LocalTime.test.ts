import fc from "fast-check"
import { runs } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import {
  instantMs,
  localDate,
  localDayHours,
  localDayNumber,
  localHourOfDay,
  offsetAt,
  offsetFromIntl,
  startOfLocalDay
} from "../src/internal/LocalTime.js"
import { printSeed } from "./arbitraries.js"

const ms = (iso: string) => Date.parse(iso)
const H = 3_600_000

describe("LocalTime", () => {
  it("Europe/Berlin: 2027-03-28 has 23 hours and 2027-10-31 has 25", () => {
    expect(localDayHours("Europe/Berlin", "2027-03-27")).toBe(24)
    expect(localDayHours("Europe/Berlin", "2027-03-28")).toBe(23)
    expect(localDayHours("Europe/Berlin", "2027-10-31")).toBe(25)
    expect(localDayHours("Europe/Berlin", "2027-11-01")).toBe(24)
    expect(new Date(startOfLocalDay("Europe/Berlin", "2027-03-28")).toISOString()).toBe(
      "2027-03-27T23:00:00.000Z"
    )
    expect(new Date(startOfLocalDay("Europe/Berlin", "2027-03-29")).toISOString()).toBe(
      "2027-03-28T22:00:00.000Z"
    )
  })

  it("Europe/Berlin: offsets switch exactly at 01:00 UTC", () => {
    expect(offsetAt("Europe/Berlin", ms("2027-03-28T00:59:59.999Z"))).toBe(1 * H)
    expect(offsetAt("Europe/Berlin", ms("2027-03-28T01:00:00.000Z"))).toBe(2 * H)
    expect(offsetAt("Europe/Berlin", ms("2027-10-31T00:59:59.999Z"))).toBe(2 * H)
    expect(offsetAt("Europe/Berlin", ms("2027-10-31T01:00:00.000Z"))).toBe(1 * H)
    // 02:30 local happens twice on 2027-10-31; both are on the same day, at 2.5 h.
    expect(localHourOfDay("Europe/Berlin", ms("2027-10-31T00:30:00Z"))).toBe(2.5)
    expect(localHourOfDay("Europe/Berlin", ms("2027-10-31T01:30:00Z"))).toBe(2.5)
    expect(localDate("Europe/Berlin", ms("2027-10-31T22:59:59Z"))).toBe("2027-10-31")
    expect(localDate("Europe/Berlin", ms("2027-10-31T23:00:00Z"))).toBe("2027-11-01")
  })

  it("America/New_York: 2027-03-14 has 23 hours, 2027-11-07 has 25", () => {
    expect(localDayHours("America/New_York", "2027-03-14")).toBe(23)
    expect(localDayHours("America/New_York", "2027-11-07")).toBe(25)
    expect(localDate("America/New_York", ms("2027-01-01T04:59:00Z"))).toBe("2026-12-31")
    expect(localDate("America/New_York", ms("2027-01-01T05:00:00Z"))).toBe("2027-01-01")
  })

  it("Asia/Kathmandu: +05:45 all year", () => {
    expect(offsetAt("Asia/Kathmandu", ms("2027-06-01T00:00:00Z"))).toBe(5.75 * H)
    expect(localDate("Asia/Kathmandu", ms("2027-01-01T18:14:59Z"))).toBe("2027-01-01")
    expect(localDate("Asia/Kathmandu", ms("2027-01-01T18:15:00Z"))).toBe("2027-01-02")
    expect(localHourOfDay("Asia/Kathmandu", ms("2027-01-01T16:15:00Z"))).toBe(22)
    expect(localDayHours("Asia/Kathmandu", "2027-03-28")).toBe(24)
  })

  it("Australia/Lord_Howe: a 30-minute DST shift", () => {
    // DST ends on the first Sunday of April (02:00 -> 01:30) and starts on the first Sunday of
    // October (02:00 -> 02:30).
    expect(localDayHours("Australia/Lord_Howe", "2027-04-04")).toBe(24.5)
    expect(localDayHours("Australia/Lord_Howe", "2027-10-03")).toBe(23.5)
    expect(offsetAt("Australia/Lord_Howe", ms("2027-01-15T00:00:00Z"))).toBe(11 * H)
    expect(offsetAt("Australia/Lord_Howe", ms("2027-07-15T00:00:00Z"))).toBe(10.5 * H)
  })

  it("dayStartHour: the day runs from h:00 to h:00 and is named by its start date", () => {
    expect(localDate("Europe/Berlin", ms("2027-05-02T03:59:00Z"), 6)).toBe("2027-05-01") // 05:59 local
    expect(localDate("Europe/Berlin", ms("2027-05-02T04:00:00Z"), 6)).toBe("2027-05-02") // 06:00 local
    expect(localDayHours("Europe/Berlin", "2027-03-27", 6)).toBe(23) // 27th 06:00 -> 28th 06:00 spans the gap
    expect(localDayHours("Europe/Berlin", "2027-03-28", 6)).toBe(24)
    expect(localDayNumber("UTC", 0, 0)).toBe(0)
    expect(localDayNumber("UTC", -1, 0)).toBe(-1)
  })

  it("the 15-minute cache agrees with Intl over a year in several zones", () => {
    const zones = [
      "Europe/Berlin",
      "America/New_York",
      "Asia/Kathmandu",
      "Australia/Lord_Howe",
      "America/St_Johns"
    ]
    const start = ms("2027-01-01T00:00:00Z")
    for (const zone of zones) {
      for (let t = start; t < start + 366 * 24 * H; t += 97 * 60_000 + 13_000) {
        if (offsetAt(zone, t) !== offsetFromIntl(zone, t)) {
          expect.fail(`${zone} at ${new Date(t).toISOString()}`)
        }
      }
    }
  })

  it("instantMs is Date.parse, for every instant and near-instant", () => {
    const seed = printSeed()
    const pad = (n: number, w: number) => String(n).padStart(w, "0")
    // Fields in and just out of range, so rolled-over and rejected dates are covered too.
    const shaped = fc
      .record({
        y: fc.integer({ min: 0, max: 9999 }),
        mo: fc.integer({ min: 0, max: 13 }),
        d: fc.integer({ min: 0, max: 32 }),
        h: fc.integer({ min: 0, max: 25 }),
        mi: fc.integer({ min: 0, max: 60 }),
        s: fc.integer({ min: 0, max: 60 }),
        frac: fc.oneof(
          fc.constant(""),
          fc.integer({ min: 0, max: 999 }).map((f) => `.${pad(f, 3)}`),
          fc.constantFrom(".5", ".1234", ".", ".12a")
        )
      })
      .map(
        ({ y, mo, d, h, mi, s, frac }) =>
          `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac}Z`
      )
    const mangled = shaped.chain((s) =>
      fc
        .tuple(fc.nat({ max: s.length - 1 }), fc.constantFrom("x", "-", " ", "/", "9", ":", "Z", ""))
        .map(([i, c]) => s.slice(0, i) + c + s.slice(i + 1))
    )
    const real = fc
      .integer({ min: Date.parse("1900-01-01T00:00:00Z"), max: Date.parse("2200-01-01T00:00:00Z") })
      .map((t) => new Date(t).toISOString())
    fc.assert(
      fc.property(fc.oneof(real, shaped, mangled), (s) => {
        expect(Object.is(instantMs(s), Date.parse(s))).toBe(true)
      }),
      { seed, numRuns: runs(20_000) }
    )
    for (const s of [
      "2028-02-29T12:00:00Z",
      "2027-02-29T12:00:00Z",
      "2000-02-29T00:00:00.000Z",
      "1900-02-29T00:00:00Z"
    ]) {
      expect(instantMs(s)).toBe(Date.parse(s))
    }
  })
})
