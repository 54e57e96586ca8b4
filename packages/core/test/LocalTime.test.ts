import { describe, expect, it } from "vitest"
import {
  localDate,
  localDayHours,
  localDayNumber,
  localHourOfDay,
  offsetAt,
  offsetFromIntl,
  startOfLocalDay
} from "../src/internal/LocalTime.js"

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
})
