import { describe, expect, it } from "vitest"
import {
  type DailyTotals,
  DailyTotalsReducer,
  type DayTotals,
  dailyTotals,
  InvalidOptions,
  type LogEntry
} from "@relactation/core"
import { ev, invalidEntry, unknownEntry } from "./arbitraries.js"

const berlin = { timeZone: "Europe/Berlin" } as const
const day = (result: DailyTotals, date: string): DayTotals => {
  const found = result.days.find((d) => d.date === date)
  if (found === undefined) throw new Error(`no day ${date} in ${result.days.map((d) => d.date).join(", ")}`)
  return found
}
const latch = (at: string, durationSec = 600, side: "left" | "right" | "both" = "left") =>
  ev({ type: "latch", at, durationSec, side })

describe("dailyTotals: worked examples", () => {
  it("latches across midnight count on the day they start (Berlin summer, UTC+2)", () => {
    const result = dailyTotals(
      [
        latch("2027-06-10T12:00:00Z", 600, "left"), // 14:00 local
        latch("2027-06-10T21:50:00Z", 1200, "both"), // 23:50 local, runs past midnight
        latch("2027-06-10T22:10:00Z", 900, "right") // 00:10 local on the 11th
      ],
      berlin
    )
    expect(result.days.map((d) => d.date)).toEqual(["2027-06-10", "2027-06-11"])
    const first = day(result, "2027-06-10")
    expect(first.latches).toBe(2)
    expect(first.latchMinutes).toBe(30) // 10 + 20
    expect(first.nightLatches).toBe(1) // 23:50
    expect(first.latchesBySide).toEqual({ left: 1, right: 0, both: 1 })
    const second = day(result, "2027-06-11")
    expect(second).toMatchObject({ latches: 1, latchMinutes: 15, nightLatches: 1 })
    expect(second.latchesBySide).toEqual({ left: 0, right: 1, both: 0 })
  })

  it("latchMinutes keeps 0.1 minute", () => {
    const result = dailyTotals(
      [latch("2027-06-10T10:00:00Z", 100), latch("2027-06-10T11:00:00Z", 20)],
      berlin
    )
    expect(result.days[0]!.latchMinutes).toBe(2) // 120 s
    expect(dailyTotals([latch("2027-06-10T10:00:00Z", 100)], berlin).days[0]!.latchMinutes).toBe(1.7) // 1.666..
  })

  it("a night window: [start, end) in local wall-clock time, wrapping midnight or not", () => {
    const events = [
      latch("2027-06-10T18:59:00Z"), // 20:59 local
      latch("2027-06-10T19:00:00Z"), // 21:00
      latch("2027-06-11T02:59:00Z"), // 04:59 on the 11th
      latch("2027-06-11T03:00:00Z") // 05:00 on the 11th
    ]
    const wide = dailyTotals(events, { ...berlin, night: { start: 21, end: 5 } })
    expect(day(wide, "2027-06-10").nightLatches).toBe(1) // 21:00, not 20:59
    expect(day(wide, "2027-06-11").nightLatches).toBe(1) // 04:59, not 05:00
    const byDefault = dailyTotals(events, berlin) // 22-6
    expect(day(byDefault, "2027-06-10").nightLatches).toBe(0)
    expect(day(byDefault, "2027-06-11").nightLatches).toBe(2)
    const early = dailyTotals(events, { ...berlin, night: { start: 0, end: 4.5 } }) // 00:00-04:30
    expect(day(early, "2027-06-11").nightLatches).toBe(0)
    const halfHours = dailyTotals(events, { ...berlin, night: { start: 20.5, end: 4.99 } })
    expect(day(halfHours, "2027-06-10").nightLatches).toBe(2) // 20:59 and 21:00
  })

  it("an SNS latch with a supplement given during it", () => {
    const session = latch("2027-06-10T08:00:00Z", 1200, "both")
    const result = dailyTotals(
      [
        session,
        ev({
          type: "supplement",
          at: "2027-06-10T08:02:00Z",
          ml: 30,
          milk: "formula",
          via: "sns",
          latch: session.id
        }),
        ev({ type: "supplement", at: "2027-06-10T15:00:00Z", ml: 60, milk: "expressed", via: "bottle" })
      ],
      berlin
    )
    expect(result.days).toHaveLength(1)
    const d = result.days[0]!
    expect(d).toMatchObject({
      latches: 1,
      latchMinutes: 20,
      supplements: 2,
      supplementMl: 90,
      supplementsDuringLatch: 1
    })
    expect(d.supplementByMilk).toEqual({ formula: 30, expressed: 60, donor: 0 })
    expect(d.supplementByVia).toEqual({ bottle: 60, cup: 0, syringe: 0, spoon: 0, finger: 0, sns: 30 })
  })

  it("Europe/Berlin 2027-03-28: a 23-hour day", () => {
    const result = dailyTotals(
      [
        latch("2027-03-27T22:59:00Z"), // 23:59 on the 27th (UTC+1)
        latch("2027-03-27T23:00:00Z"), // 00:00 on the 28th
        latch("2027-03-28T00:59:00Z"), // 01:59, just before the gap
        latch("2027-03-28T01:00:00Z"), // 03:00 (02:00-03:00 does not exist)
        latch("2027-03-28T21:59:00Z"), // 23:59 (UTC+2)
        latch("2027-03-28T22:00:00Z") // 00:00 on the 29th
      ],
      berlin
    )
    expect(result.days.map((d) => [d.date, d.latches, d.nightLatches])).toEqual([
      ["2027-03-27", 1, 1],
      ["2027-03-28", 4, 4],
      ["2027-03-29", 1, 1]
    ])
  })

  it("Europe/Berlin 2027-10-31: a 25-hour day, 02:30 happens twice", () => {
    const result = dailyTotals(
      [
        latch("2027-10-30T21:59:00Z"), // 23:59 on the 30th (UTC+2)
        latch("2027-10-30T22:00:00Z"), // 00:00 on the 31st
        latch("2027-10-31T00:30:00Z"), // 02:30 CEST
        latch("2027-10-31T01:30:00Z"), // 02:30 CET
        latch("2027-10-31T12:00:00Z"), // 13:00
        latch("2027-10-31T22:59:00Z"), // 23:59 (UTC+1)
        latch("2027-10-31T23:00:00Z") // 00:00 on 1 November
      ],
      berlin
    )
    expect(result.days.map((d) => [d.date, d.latches, d.nightLatches])).toEqual([
      ["2027-10-30", 1, 1],
      ["2027-10-31", 5, 4],
      ["2027-11-01", 1, 1]
    ])
  })

  it("a family travelling from Berlin to New York: the app's zone decides the days", () => {
    const events = [
      ev({ type: "latch", at: "2027-07-01T18:00:00Z", durationSec: 600, side: "left", tz: "Europe/Berlin" }), // 20:00 Berlin, 14:00 NY
      ev({ type: "supplement", at: "2027-07-01T20:00:00Z", ml: 40, milk: "formula", via: "bottle" }), // on the plane
      ev({
        type: "latch",
        at: "2027-07-02T00:00:00Z",
        durationSec: 900,
        side: "right",
        tz: "America/New_York"
      }), // 20:00 NY, 02:00 Berlin
      ev({
        type: "latch",
        at: "2027-07-02T11:00:00Z",
        durationSec: 900,
        side: "both",
        tz: "America/New_York"
      }) // 07:00 NY
    ]
    const home = dailyTotals(events, berlin)
    expect(home.days.map((d) => [d.date, d.latches, d.nightLatches, d.supplementMl])).toEqual([
      ["2027-07-01", 1, 0, 40], // 20:00 latch; the bottle at 22:00 Berlin
      ["2027-07-02", 2, 1, 0] // 02:00 (night) and 13:00
    ])
    const away = dailyTotals(events, { timeZone: "America/New_York" })
    expect(away.days.map((d) => [d.date, d.latches, d.nightLatches, d.supplementMl])).toEqual([
      ["2027-07-01", 2, 0, 40], // 14:00, 16:00 bottle, 20:00
      ["2027-07-02", 1, 0, 0] // 07:00
    ])
    const sum = (r: DailyTotals) => r.days.reduce((n, d) => n + d.latchMinutes, 0)
    expect(sum(home)).toBe(40)
    expect(sum(away)).toBe(40)
  })

  it("dayStartHour = 6: the night belongs to the evening before", () => {
    const events = [
      latch("2027-06-10T04:00:00Z"), // 06:00 on the 10th
      latch("2027-06-10T20:30:00Z"), // 22:30
      latch("2027-06-11T01:00:00Z"), // 03:00 on the 11th
      latch("2027-06-11T03:59:00Z"), // 05:59 on the 11th
      latch("2027-06-11T04:00:00Z") // 06:00 on the 11th
    ]
    const result = dailyTotals(events, { ...berlin, dayStartHour: 6 })
    expect(result.days.map((d) => [d.date, d.latches, d.nightLatches])).toEqual([
      ["2027-06-10", 4, 3],
      ["2027-06-11", 1, 0]
    ])
    expect(dailyTotals(events, berlin).days.map((d) => [d.date, d.latches])).toEqual([
      ["2027-06-10", 2],
      ["2027-06-11", 3]
    ])
  })

  it("oz and lb input are counted in ml and grams", () => {
    const result = dailyTotals(
      [
        ev({ type: "supplement", at: "2027-06-10T10:00:00Z", flOz: 2, milk: "donor", via: "cup" }), // 59.147 -> 59.1
        ev({ type: "supplement", at: "2027-06-10T14:00:00Z", ml: 30, milk: "donor", via: "cup" }),
        ev({
          type: "pump",
          at: "2027-06-10T11:00:00Z",
          durationSec: 900,
          method: "electric",
          totalFlOz: 1.5
        }), // 44.36 -> 44.4
        ev({ type: "pump", at: "2027-06-10T18:00:00Z", durationSec: 300, method: "hand", totalMl: 0 }),
        ev({ type: "weigh-in", at: "2027-06-10T09:00:00Z", lb: 7, oz: 8 })
      ],
      berlin
    )
    expect(result.days[0]).toMatchObject({
      supplements: 2,
      supplementMl: 89.1,
      pumps: 2,
      pumpMinutes: 20,
      pumpedMl: 44.4,
      weighIns: 1
    })
    expect(result.days[0]!.supplementByMilk.donor).toBe(89.1)
  })

  it("medications and weigh-ins are counted; profiles belong to no day", () => {
    const result = dailyTotals(
      [
        ev({ type: "medication", at: "2027-06-10T07:00:00Z", name: "domperidone", dose: 10, unit: "mg" }),
        ev({ type: "medication", at: "2027-06-10T19:00:00Z", name: "domperidone", dose: 10, unit: "mg" }),
        ev({ type: "weigh-in", at: "2027-06-10T09:00:00Z", grams: 3400 }),
        ev({ type: "child", at: "2027-06-12T09:00:00Z", name: "Ada", birthDate: "2027-05-01" }),
        ev({ type: "caregiver", at: "2027-06-12T09:00:00Z", name: "Sam" })
      ],
      berlin
    )
    expect(result.days.map((d) => [d.date, d.medications, d.weighIns, d.events])).toEqual([
      ["2027-06-10", 2, 1, 3]
    ])
  })
})

describe("dailyTotals: set semantics", () => {
  const a = latch("2027-06-10T10:00:00Z", 600)
  const b = latch("2027-06-10T11:00:00Z", 300)
  const c = latch("2027-06-11T11:00:00Z", 300)
  const retractB = ev({ type: "retract", at: "2027-06-10T12:00:00Z", target: b.id })
  const retractRetract = ev({ type: "retract", at: "2027-06-10T13:00:00Z", target: retractB.id })

  it("duplicates count once", () => {
    expect(dailyTotals([a, a, b, a, b], berlin).days[0]!.latches).toBe(2)
  })

  it("a retraction removes its target whether it comes before or after it", () => {
    const after = dailyTotals([a, b, retractB], berlin)
    const before = dailyTotals([retractB, a, b], berlin)
    expect(after).toEqual(before)
    expect(after.days[0]).toMatchObject({ latches: 1, latchMinutes: 10 })
  })

  it("a day whose only events are retracted disappears", () => {
    const retractC = ev({ type: "retract", at: "2027-06-12T12:00:00Z", target: c.id })
    expect(dailyTotals([a, c, retractC], berlin).days.map((d) => d.date)).toEqual(["2027-06-10"])
    expect(dailyTotals([retractC, a, c], berlin).days.map((d) => d.date)).toEqual(["2027-06-10"])
  })

  it("a retraction of a retraction is ignored", () => {
    for (const order of [
      [a, b, retractB, retractRetract],
      [retractRetract, retractB, a, b],
      [b, retractRetract, a, retractB]
    ]) {
      expect(dailyTotals(order, berlin).days[0]!.latches).toBe(1)
    }
  })

  it("unknown and invalid entries are skipped and counted once by id", () => {
    const unknown = unknownEntry(1, "2027-06-10T10:30:00.000Z")
    const invalid = invalidEntry(2, "2027-06-10T10:40:00.000Z")
    expect(unknown).toMatchObject({ _tag: "UnknownEntry" })
    expect(invalid).toMatchObject({ _tag: "InvalidEntry" })
    const result = dailyTotals([a, unknown, invalid, unknown, invalid, b], berlin)
    expect(result.skipped).toEqual({ unknown: 1, invalid: 1 })
    expect(result.days[0]!.latches).toBe(2)
  })

  it("events of another child are left out when child is set", () => {
    const twin = ev({
      type: "latch",
      at: "2027-06-10T10:00:00Z",
      durationSec: 60,
      side: "left",
      child: "twin"
    })
    expect(dailyTotals([a, twin], berlin).days[0]!.latches).toBe(2)
    expect(dailyTotals([a, twin], { ...berlin, child: "baby" }).days[0]!.latches).toBe(1)
    expect(dailyTotals([a, twin], { ...berlin, child: "twin" }).days[0]!.latchMinutes).toBe(1)
  })
})

describe("DailyTotalsReducer", () => {
  it("returns the same result object until something changes, and reuses unchanged days", () => {
    const r = DailyTotalsReducer
    const state = r.initial(berlin)
    r.apply(state, latch("2027-06-10T10:00:00Z"))
    r.apply(state, latch("2027-06-11T10:00:00Z"))
    const first = r.result(state)
    expect(r.result(state)).toBe(first)
    const dup = first.days[0]
    r.apply(state, unknownEntry(5))
    const second = r.result(state)
    expect(second).not.toBe(first)
    expect(second.skipped.unknown).toBe(1)
    expect(second.days[0]).toBe(dup)
    r.apply(state, latch("2027-06-11T12:00:00Z"))
    const third = r.result(state)
    expect(third.days[0]).toBe(first.days[0])
    expect(third.days[1]).not.toBe(first.days[1])
    expect(third.days[1]!.latches).toBe(2)
  })

  it("days added out of order come out sorted", () => {
    const entries: Array<LogEntry> = [
      latch("2027-06-12T10:00:00Z"),
      latch("2027-06-10T10:00:00Z"),
      latch("2027-06-14T10:00:00Z"),
      latch("2027-06-11T10:00:00Z")
    ]
    expect(dailyTotals(entries, berlin).days.map((d) => d.date)).toEqual([
      "2027-06-10",
      "2027-06-11",
      "2027-06-12",
      "2027-06-14"
    ])
  })
})

describe("dailyTotals: options", () => {
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ timeZone: "Mars/Olympus" }, "timeZone"],
    [{ timeZone: "" }, "timeZone"],
    [{ timeZone: "Europe/Berlin", dayStartHour: 24 }, "dayStartHour"],
    [{ timeZone: "Europe/Berlin", dayStartHour: 5.5 }, "dayStartHour"],
    [{ timeZone: "Europe/Berlin", dayStartHour: -1 }, "dayStartHour"],
    [{ timeZone: "Europe/Berlin", night: { start: 25, end: 6 } }, "night.start"],
    [{ timeZone: "Europe/Berlin", night: { start: 22, end: Number.NaN } }, "night.end"],
    [{ timeZone: "Europe/Berlin", night: { start: 6, end: 6 } }, "night.end"],
    [{ timeZone: "Europe/Berlin", child: "" }, "child"]
  ]
  for (const [options, option] of bad) {
    it(`rejects ${JSON.stringify(options)} naming ${option}`, () => {
      let error: unknown
      try {
        dailyTotals([], options as never)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(InvalidOptions)
      expect(error).toMatchObject({ _tag: "InvalidOptions", option })
      expect((error as Error).message).toContain(`dailyTotals: option ${option} `)
    })
  }

  it("accepts the edges", () => {
    expect(
      dailyTotals([], { timeZone: "UTC", dayStartHour: 23, night: { start: 0, end: 23.99 } }).days
    ).toEqual([])
  })
})
