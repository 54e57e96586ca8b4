// What History draws from the plan, checked by hand: the dates of each range, the plan's lines
// and "met on" counts from core's planProgress, and the WHO P15–P85 band carried forward from the
// first weigh-in (the WHO 1-month increments, linear within each).
import { makeSync, planProgress, weightTrend } from "@relactation/core"
import { describe, expect, it } from "vitest"
import { datesBetween, metCounts, planDays, planLine, rangeDates, whoBandFrom } from "../src/HistoryPlan.js"

const who = { child: "baby-1", by: "parent-a" }

describe("History's range", () => {
  it("is 14 or 30 days ending today, or the whole course (at least 14 days)", () => {
    expect(rangeDates("14", "2027-06-10", undefined, undefined)).toEqual(
      datesBetween("2027-05-28", "2027-06-10")
    )
    expect(rangeDates("30", "2027-06-10", "2027-01-01", "2027-01-01")).toHaveLength(30)
    expect(rangeDates("30", "2027-06-10", undefined, undefined)[0]).toBe("2027-05-12")
    // The whole course: from the earlier of the course's start and the first logged day.
    const all = rangeDates("all", "2027-06-10", "2027-04-02", "2027-04-01")
    expect([all[0], all.at(-1), all.length]).toEqual(["2027-04-01", "2027-06-10", 71])
    // A course younger than 14 days still shows 14.
    expect(rangeDates("all", "2027-06-10", "2027-06-09", "2027-06-09")).toHaveLength(14)
    // Across the end of March (DST in Europe: the dates are calendar dates, not 24-hour steps).
    expect(datesBetween("2027-03-27", "2027-03-29")).toEqual(["2027-03-27", "2027-03-28", "2027-03-29"])
  })
})

describe("the plan on History's charts", () => {
  const plan = makeSync({
    ...who,
    type: "plan",
    at: "2027-06-03T06:00:00Z",
    targets: { latches: 8, pumpedMl: 100 },
    supplement: { startMl: 300, stepMl: 30, everyDays: 3 }
  })
  const entries = [
    makeSync({ ...who, type: "latch", at: "2027-06-01T08:00:00Z", durationSec: 600, side: "left" }),
    makeSync({
      ...who,
      type: "pump",
      at: "2027-06-03T08:00:00Z",
      durationSec: 600,
      method: "electric",
      totalMl: 120
    }),
    makeSync({
      ...who,
      type: "supplement",
      at: "2027-06-06T08:00:00Z",
      ml: 280,
      milk: "formula",
      via: "cup"
    }),
    plan
  ]
  const progress = planProgress(entries, { timeZone: "Europe/Berlin", through: "2027-06-07" })
  const dates = datesBetween("2027-05-31", "2027-06-07")
  const days = planDays(progress, dates)

  it("draws the ceiling and the targets from the day the plan was set, none before", () => {
    // 31 May is before the course; 1–2 June have no plan; 300 from 3 June, 270 from 6 June.
    expect(planLine(days, (d) => d.supplement.ceilingMl)).toEqual([null, null, null, 300, 300, 300, 270, 270])
    expect(planLine(days, (d) => d.targets.latches?.target)).toEqual([null, null, null, 8, 8, 8, 8, 8])
    // In fl oz (the chart's unit), through the scale given.
    expect(
      planLine(
        days,
        (d) => d.targets.pumpedMl?.target,
        (ml) => Math.round(ml / 29.5735)
      )?.[3]
    ).toBe(3)
    expect(planLine(days, (d) => d.targets.nightLatches?.target)).toBeUndefined()
  })

  it("counts the logged days that met each target and kept to the ceiling", () => {
    // Logged days under the plan: 3 June (the pump: 120 ml ≥ 100, no latch, no supplement) and 6 June
    // (280 ml given, over the 270 ml ceiling); 1 June had no plan yet.
    expect(metCounts(days)).toEqual([
      { key: "plan.field.latches", name: "latches", met: 0, logged: 2 },
      { key: "plan.field.pumpedMl", name: "pumpedMl", met: 1, logged: 2 },
      { key: "history.withinCeiling", name: "supplement", met: 1, logged: 2 }
    ])
  })
})

describe("the WHO band on the weight chart", () => {
  it("is the first weight plus the WHO P15 and P85 gains over the age between", () => {
    const events = [
      makeSync({ ...who, type: "child", name: "Mia", birthDate: "2027-03-01", sex: "female" }),
      makeSync({ ...who, type: "weigh-in", at: "2027-03-08T00:00:00Z", grams: 3400 }),
      makeSync({ ...who, type: "weigh-in", at: "2027-04-05T00:00:00Z", grams: 4400 })
    ]
    const { points, sex } = weightTrend(events, {})
    expect(points.map((p) => p.ageDays)).toEqual([7, 35])
    const band = whoBandFrom(points, sex)
    expect(band[0]).toEqual({ p15: 3400, p85: 3400 })
    // Girls: 0–4 wk P15 602 g, P85 1171 g over 28 days; 4 wk–2 mo P15 734 g, P85 1301 g over
    // 60.875 − 28 = 32.875 days. From day 7 to day 35: 21/28 of the first and 7/32.875 of the second.
    expect(band[1]?.p15).toBeCloseTo(3400 + (21 / 28) * 602 + (7 / 32.875) * 734, 6)
    expect(band[1]?.p85).toBeCloseTo(3400 + (21 / 28) * 1171 + (7 / 32.875) * 1301, 6)
    // Without the sex, or with one weigh-in, there is no band.
    expect(whoBandFrom(points, undefined)).toEqual([])
    expect(whoBandFrom(points.slice(0, 1), sex)).toEqual([])
  })
})
