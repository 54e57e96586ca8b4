import { describe, expect, it } from "vitest"
import {
  InvalidOptions,
  WeightTrendReducer,
  WHO_WEIGHT_VELOCITY,
  weightTrend,
  whoBand
} from "@relactation/core"
import { ev, unknownEntry } from "./arbitraries.js"

const weigh = (at: string, grams: number, child = "baby") => ev({ type: "weigh-in", at, grams, child })

describe("weightTrend: a series with a loss", () => {
  // Born 2027-05-01; loses 250 g in the first three days, then regains and gains.
  const series = [
    weigh("2027-05-01T10:00:00Z", 3500),
    weigh("2027-05-04T10:00:00Z", 3250),
    weigh("2027-05-08T10:00:00Z", 3300),
    weigh("2027-05-08T18:00:00Z", 3320), // a second weighing the same day is kept
    weigh("2027-05-12T10:00:00Z", 3450),
    weigh("2027-05-15T10:00:00Z", 3560),
    weigh("2027-05-22T10:00:00Z", 3800),
    weigh("2027-05-29T10:00:00Z", 4080)
  ]
  const trend = weightTrend(series, { birthDate: "2027-05-01", sex: "female" })

  it("keeps every weigh-in in time order with its time and age", () => {
    expect(trend.points.map((p) => [p.at.slice(0, 16), p.grams, p.ageDays])).toEqual([
      ["2027-05-01T10:00", 3500, 0.4],
      ["2027-05-04T10:00", 3250, 3.4],
      ["2027-05-08T10:00", 3300, 7.4],
      ["2027-05-08T18:00", 3320, 7.8],
      ["2027-05-12T10:00", 3450, 11.4],
      ["2027-05-15T10:00", 3560, 14.4],
      ["2027-05-22T10:00", 3800, 21.4],
      ["2027-05-29T10:00", 4080, 28.4]
    ])
  })

  it("velocities between weigh-ins at least 3 days apart", () => {
    expect(
      trend.velocities.map((v) => [
        v.from.slice(5, 10),
        v.to.slice(5, 10),
        v.days,
        v.gainGrams,
        v.gramsPerDay
      ])
    ).toEqual([
      ["05-01", "05-04", 3, -250, -83.3],
      ["05-04", "05-08", 4, 50, 12.5], // the 10:00 weighing; 18:00 is less than 3 days after it
      ["05-08", "05-12", 4, 150, 37.5],
      ["05-12", "05-15", 3, 110, 36.7],
      ["05-15", "05-22", 7, 240, 34.3],
      ["05-22", "05-29", 7, 280, 40]
    ])
    expect(trend.change).toEqual({ grams: 580, percent: 16.6 })
  })

  it("least-squares slopes over the last 7 and 14 days", () => {
    expect(trend.last7Days).toMatchObject({ gramsPerDay: 40, points: 2 })
    // x = 0, 7, 14; y = 3560, 3800, 4080: slope = 7 * 520 / 98 = 37.14
    expect(trend.last14Days).toMatchObject({ gramsPerDay: 37.1, points: 3, from: "2027-05-15T10:00:00Z" })
    const early = weightTrend(series.slice(0, 2))
    expect(early.last7Days).toMatchObject({ gramsPerDay: -83.3, points: 2 })
    expect(weightTrend(series.slice(2, 4)).last7Days).toBeUndefined() // 8 hours apart
  })

  it("places the 0-4 week gain against the WHO reference", () => {
    // Birth weight 3500 (age 0.4 d), 4 weeks 4080 (age 28.4 d): 580 g; girls P5 446, P15 602.
    expect(trend.who).toEqual([
      {
        interval: "0-4wk",
        fromAgeDays: 0,
        toAgeDays: 28,
        gainGrams: 580,
        reference: { p5: 446, p15: 602, median: 879, p85: 1171 },
        band: "p5-p15"
      }
    ])
    expect(weightTrend(series).who).toEqual([]) // no birth date or sex
  })
})

describe("weightTrend: profiles and options", () => {
  const born = ev({
    type: "child",
    at: "2027-01-02T09:00:00Z",
    name: "Ada",
    birthDate: "2027-01-01",
    sex: "female"
  })
  const corrected = ev({
    type: "child",
    at: "2027-01-03T09:00:00Z",
    name: "Ada",
    birthDate: "2027-01-01",
    sex: "male"
  })
  // Boy, interpolated 4-week weight: 4000 + 700 * 8 / 14 = 4400 -> gain 1000 (P15 681, P85 1336).
  const weights = [
    weigh("2027-01-01T12:00:00Z", 3400),
    weigh("2027-01-21T00:00:00Z", 4000),
    weigh("2027-02-04T00:00:00Z", 4700),
    ev({ type: "weigh-in", at: "2027-02-04T00:00:00Z", lb: 7, oz: 11, child: "twin" }) // 3487 g
  ]

  it("the latest profile wins; a retracted one falls back to the one before", () => {
    const latest = weightTrend([...weights, born, corrected], { child: "baby" })
    expect(latest.sex).toBe("male")
    expect(latest.who).toEqual([
      expect.objectContaining({
        interval: "0-4wk",
        gainGrams: 1000,
        band: "p15-p85",
        reference: expect.objectContaining({ p5: 460 })
      })
    ])
    const retract = ev({ type: "retract", at: "2027-01-04T00:00:00Z", target: corrected.id })
    for (const order of [
      [...weights, born, corrected, retract],
      [retract, corrected, ...weights, born]
    ]) {
      const back = weightTrend(order, { child: "baby" })
      expect(back.sex).toBe("female")
      expect(back.who[0]!.reference.p5).toBe(446)
    }
  })

  it("options override the profile; other children are left out; lb input is in grams", () => {
    const result = weightTrend([...weights, born], { child: "baby", sex: "male", birthDate: "2027-01-01" })
    expect(result.sex).toBe("male")
    expect(result.points).toHaveLength(3)
    const twin = weightTrend(weights, { child: "twin" })
    expect(twin.points.map((p) => p.grams)).toEqual([3487])
    expect(twin.who).toEqual([])
  })

  it("duplicates, retractions and skipped entries", () => {
    const retract = ev({ type: "retract", at: "2027-02-05T00:00:00Z", target: weights[1]!.id })
    const result = weightTrend(
      [weights[0]!, weights[0]!, weights[1]!, weights[2]!, retract, unknownEntry(9)],
      {
        child: "baby"
      }
    )
    expect(result.points.map((p) => p.grams)).toEqual([3400, 4700])
    expect(result.skipped).toEqual({ unknown: 1, invalid: 0 })
  })

  it("the reducer caches its result until something changes", () => {
    const state = WeightTrendReducer.initial({})
    WeightTrendReducer.apply(state, weights[0]!)
    const a = WeightTrendReducer.result(state)
    WeightTrendReducer.apply(state, weights[0]!)
    expect(WeightTrendReducer.result(state)).toBe(a)
    WeightTrendReducer.apply(state, weights[1]!)
    expect(WeightTrendReducer.result(state)).not.toBe(a)
  })

  it("rejects malformed options", () => {
    expect(() => weightTrend([], { birthDate: "2027-02-30" })).toThrow(InvalidOptions)
    expect(() => weightTrend([], { sex: "x" as never })).toThrow(/weightTrend: option sex/)
    expect(() => weightTrend([], { child: "a b" })).toThrow(/option child/)
  })
})

describe("WHO weight-velocity reference", () => {
  it("has 12 contiguous 1-month intervals with ordered percentiles", () => {
    expect(WHO_WEIGHT_VELOCITY).toHaveLength(12)
    WHO_WEIGHT_VELOCITY.forEach((interval, i) => {
      if (i > 0) expect(interval.fromAgeDays).toBe(WHO_WEIGHT_VELOCITY[i - 1]!.toAgeDays)
      for (const p of [interval.male, interval.female]) {
        expect(p.p5).toBeLessThan(p.p15)
        expect(p.p15).toBeLessThan(p.median)
        expect(p.median).toBeLessThan(p.p85)
      }
    })
    expect(WHO_WEIGHT_VELOCITY[11]!.toAgeDays).toBe(365.25)
  })

  it("bands: [P5, P15) and [P15, P85] boundaries", () => {
    const p = { p5: 100, p15: 200, median: 300, p85: 400 }
    expect([99, 100, 199, 200, 400, 401].map((g) => whoBand(g, p))).toEqual([
      "below-p5",
      "p5-p15",
      "p5-p15",
      "p15-p85",
      "p15-p85",
      "above-p85"
    ])
  })
})

describe("weightTrend: several children never pool", () => {
  const baby = [weigh("2027-02-01T08:00:00Z", 3400), weigh("2027-02-08T08:00:00Z", 3600)]
  const twin = [weigh("2027-02-01T09:00:00Z", 2900, "twin"), weigh("2027-02-08T09:00:00Z", 2950, "twin")]

  it("without `child`, two children's weigh-ins throw InvalidOptions naming child", () => {
    expect(() => weightTrend([...baby, ...twin])).toThrow(InvalidOptions)
    expect(() => weightTrend([...baby, ...twin])).toThrow(
      "weightTrend: option child must be given when the entries hold weigh-ins or profiles of several children (2); call weightTrend once per child (got undefined)"
    )
    // A profile of the second child is enough: its birth date would band the first child's weights.
    const twinProfile = ev({
      type: "child",
      child: "twin",
      at: "2027-02-01T00:00:00Z",
      name: "Bo",
      birthDate: "2027-01-20"
    })
    expect(() => weightTrend([...baby, twinProfile])).toThrow(/option child must be given/)
  })

  it("with `child`, each child gets its own trend from its own weigh-ins", () => {
    const entries = [...baby, ...twin]
    expect(weightTrend(entries, { child: "baby" }).velocities.map((v) => v.gainGrams)).toEqual([200])
    expect(weightTrend(entries, { child: "twin" }).velocities.map((v) => v.gainGrams)).toEqual([50])
  })

  it("one child needs no `child` option; retracting the other child's entries makes it one child again", () => {
    expect(weightTrend(baby).velocities.map((v) => v.gainGrams)).toEqual([200])
    const undo = twin.map((w) => ev({ type: "retract", target: w.id, at: "2027-02-09T00:00:00Z" }))
    expect(weightTrend([...undo, ...baby, ...twin]).velocities.map((v) => v.gainGrams)).toEqual([200])
    // Incrementally: it throws while the twin's weigh-in is in force, and recovers after its retraction.
    let state = WeightTrendReducer.initial({})
    for (const e of baby) state = WeightTrendReducer.apply(state, e)
    expect(WeightTrendReducer.result(state).points).toHaveLength(2)
    state = WeightTrendReducer.apply(state, twin[0]!)
    expect(() => WeightTrendReducer.result(state)).toThrow(InvalidOptions)
    state = WeightTrendReducer.apply(state, undo[0]!)
    expect(WeightTrendReducer.result(state).points).toHaveLength(2)
  })
})
