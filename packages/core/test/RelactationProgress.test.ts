import { describe, expect, it } from "vitest"
import {
  type Event,
  InvalidOptions,
  RelactationProgressReducer,
  relactationProgress
} from "@relactation/core"
import { ev } from "./arbitraries.js"

// Two weeks in Berlin (UTC+2): 300 ml of supplement a day in the first week, 240 ml in the second;
// on day d, d latches in the daytime plus one at 03:00 on even days, and 10 * d ml pumped. Nothing
// at all is logged on June 10.
const log: Array<Event> = []
for (let d = 1; d <= 14; d++) {
  if (d === 10) continue
  const date = `2027-06-${String(d).padStart(2, "0")}`
  const ml = d <= 7 ? 150 : 120
  log.push(ev({ type: "supplement", at: `${date}T08:00:00Z`, ml, milk: "formula", via: "sns" }))
  log.push(ev({ type: "supplement", at: `${date}T16:00:00Z`, ml, milk: "expressed", via: "bottle" }))
  for (let i = 0; i < d - (d % 2 === 0 ? 1 : 0); i++) {
    log.push(
      ev({
        type: "latch",
        at: `${date}T${String(6 + i).padStart(2, "0")}:00:00Z`,
        durationSec: 900,
        side: "both"
      })
    )
  }
  if (d % 2 === 0) log.push(ev({ type: "latch", at: `${date}T01:00:00Z`, durationSec: 900, side: "left" }))
  log.push(
    ev({ type: "pump", at: `${date}T12:00:00Z`, durationSec: 900, method: "electric", totalMl: 10 * d })
  )
}

describe("relactationProgress: two weeks of reducing supplement", () => {
  const progress = relactationProgress(log, { timeZone: "Europe/Berlin" })
  const on = (date: string) => progress.days.find((d) => d.date === date)!

  it("one entry per logged day with the day's measures", () => {
    expect(progress.days).toHaveLength(13)
    expect(on("2027-06-01")).toMatchObject({ supplementMl: 300, latches: 1, nightLatches: 0, pumpedMl: 10 })
    expect(on("2027-06-14")).toMatchObject({ supplementMl: 240, latches: 14, nightLatches: 1, pumpedMl: 140 })
  })

  it("7-day moving averages over the logged days", () => {
    expect(on("2027-06-01").average7).toEqual({
      supplementMl: 300,
      latches: 1,
      nightLatches: 0,
      pumpedMl: 10,
      days: 1
    })
    // June 1-7: latches 1..7 = 28 / 7; night latches on the 2nd, 4th, 6th = 3 / 7.
    expect(on("2027-06-07").average7).toEqual({
      supplementMl: 300,
      latches: 4,
      nightLatches: 0.43,
      pumpedMl: 40,
      days: 7
    })
    // June 2-8: supplement (6 * 300 + 240) / 7 = 291.43.
    expect(on("2027-06-08").average7).toMatchObject({ supplementMl: 291.43, latches: 5, days: 7 })
    // June 8-14 without the 10th: latches 8+9+11+12+13+14 = 67 over 6 days.
    expect(on("2027-06-14").average7).toEqual({
      supplementMl: 240,
      latches: 11.17,
      nightLatches: 0.5,
      pumpedMl: 111.67,
      days: 6
    })
  })

  it("the supplement trend: last 7 days against the 7 before", () => {
    expect(progress.trend).toEqual({
      from: "2027-06-08",
      to: "2027-06-14",
      lastWeekMlPerDay: 240,
      previousWeekMlPerDay: 300,
      changeMlPerDay: -60,
      lastWeekDays: 6,
      previousWeekDays: 7
    })
    expect(relactationProgress(log.slice(0, 20), { timeZone: "Europe/Berlin" }).trend).toBeUndefined()
  })

  it("the reducer gives the batch result and caches it", () => {
    const r = RelactationProgressReducer
    const state = r.initial({ timeZone: "Europe/Berlin" })
    for (const e of [...log].reverse()) r.apply(state, e)
    const result = r.result(state)
    expect(result).toEqual(progress)
    r.apply(state, log[0]!)
    expect(r.result(state)).toBe(result)
  })

  it("rejects options out of range, naming relactationProgress", () => {
    expect(() => relactationProgress([], { timeZone: "Nowhere/City" })).toThrow(InvalidOptions)
    expect(() => relactationProgress([], { timeZone: "UTC", dayStartHour: 30 })).toThrow(
      /^relactationProgress: option dayStartHour must be a whole number from 0 to 23 \(got 30\)$/
    )
  })
})
