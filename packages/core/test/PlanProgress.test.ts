// planProgress: worked examples checked by hand (a plan changed mid-day, a DST day, a held
// reduction, a retracted plan) and the laws of every projection (any order, duplicates,
// incremental equals batch, retractions before or after their target).
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  dailyTotals,
  decodeEntry,
  type Event,
  InvalidOptions,
  type LogEntry,
  type PlanDay,
  type PlanProgress,
  PlanProgressReducer,
  planProgress,
  uuidv7From
} from "@relactation/core"
import { ev, logArbitrary, printSeed, shuffledWithDuplicates, unknownEntry } from "./arbitraries.js"

const seed = printSeed()
const numRuns = Number(process.env.FC_RUNS ?? 40)
const berlin = { timeZone: "Europe/Berlin" } as const

const latch = (at: string) => ev({ type: "latch", at, durationSec: 900, side: "left" })
const pump = (at: string) => ev({ type: "pump", at, durationSec: 600, method: "electric", totalMl: 20 })
const bottle = (at: string, ml: number) => ev({ type: "supplement", at, ml, milk: "formula", via: "bottle" })
const weigh = (at: string, grams: number) => ev({ type: "weigh-in", at, grams })
const day = (p: PlanProgress, date: string): PlanDay => {
  const found = p.days.find((d) => d.date === date)
  if (found === undefined) throw new Error(`no day ${date}`)
  return found
}

describe("planProgress: worked examples", () => {
  // Plan A on 1 June (08:00 local): 8 latches, 3 pumps, supplement from 300 ml, 30 ml less every 3
  // days. Plan B at 14:00 on 2 June: 10 latches, from 250 ml on 2 June, 25 ml less every 2 days.
  const a = ev({
    type: "plan",
    at: "2027-06-01T06:00:00Z",
    targets: { latches: 8, pumps: 3 },
    supplement: { startMl: 300, stepMl: 30, everyDays: 3 }
  })
  const b = ev({
    type: "plan",
    at: "2027-06-02T12:00:00Z",
    targets: { latches: 10 },
    supplement: { startMl: 250, stepMl: 25, everyDays: 2, from: "2027-06-02" },
    note: "consultant call"
  })
  const june1 = [
    ...Array.from({ length: 8 }, (_, i) => latch(`2027-06-01T${String(5 + i * 2).padStart(2, "0")}:00:00Z`)),
    pump("2027-06-01T07:00:00Z"),
    pump("2027-06-01T15:00:00Z"),
    bottle("2027-06-01T10:00:00Z", 280)
  ]
  // 9 latches on 2 June, every 2 hours from 01:00 to 17:00 local (3 in the night window), 7 of
  // them before plan B was set at 14:00.
  const june2 = [
    ...Array.from({ length: 9 }, (_, i) =>
      latch(new Date(Date.parse("2027-06-01T23:00:00Z") + i * 2 * 3_600_000).toISOString())
    ),
    bottle("2027-06-02T09:00:00Z", 260)
  ]
  const june4 = [bottle("2027-06-04T09:00:00Z", 200)]
  const log = [a, b, ...june1, ...june2, ...june4]

  it("a plan changed mid-day judges the whole day; a day with nothing logged is not 'not met'", () => {
    const p = planProgress(log, berlin)
    expect(p.plan).toBe(b)
    expect(p.days.map((d) => d.date)).toEqual(["2027-06-01", "2027-06-02", "2027-06-03", "2027-06-04"])
    expect(day(p, "2027-06-01")).toEqual({
      date: "2027-06-01",
      logged: true,
      plan: a.id,
      targets: {
        latches: { target: 8, actual: 8, met: true },
        pumps: { target: 3, actual: 2, met: false }
      },
      supplement: { ceilingMl: 300, reductions: 0, held: false, givenMl: 280, withinCeiling: true }
    })
    // B was set at 14:00 on 2 June: the whole day is judged by B (10 latches; no pump target).
    expect(day(p, "2027-06-02")).toEqual({
      date: "2027-06-02",
      logged: true,
      plan: b.id,
      targets: { latches: { target: 10, actual: 9, met: false } },
      supplement: { ceilingMl: 250, reductions: 0, held: false, givenMl: 260, withinCeiling: false }
    })
    expect(day(p, "2027-06-03")).toMatchObject({
      logged: false,
      targets: { latches: { target: 10, actual: undefined, met: undefined } },
      supplement: { ceilingMl: 250, givenMl: undefined, withinCeiling: undefined }
    })
    // B's first step is 2 days after 2 June.
    expect(day(p, "2027-06-04").supplement).toEqual({
      ceilingMl: 225,
      reductions: 1,
      held: false,
      givenMl: 200,
      withinCeiling: true
    })
    expect(p.course).toMatchObject({
      startDate: "2027-06-01",
      firstPlanDate: "2027-06-01",
      days: 4,
      plans: [
        { id: a.id, date: "2027-06-01" },
        { id: b.id, date: "2027-06-02" }
      ]
    })
    // One week (1-7 June) with 3 logged days: (8 + 9 + 0) / 3 latches, (280 + 260 + 200) / 3 ml.
    expect(p.course!.weeks).toEqual([
      {
        from: "2027-06-01",
        to: "2027-06-07",
        loggedDays: 3,
        latches: 5.7,
        nightLatches: 1,
        latchMinutes: 85,
        pumps: 0.7,
        pumpedMl: 13.3,
        supplementMl: 246.7
      }
    ])
  })

  it("retracting plan B brings plan A back for 2 June onwards, whichever arrives first", () => {
    const undo = ev({ type: "retract", at: "2027-06-05T08:00:00Z", target: b.id })
    for (const entries of [
      [...log, undo],
      [undo, ...log]
    ]) {
      const p = planProgress(entries, berlin)
      expect(p.plan).toBe(a)
      expect(day(p, "2027-06-02")).toMatchObject({
        plan: a.id,
        targets: {
          latches: { target: 8, actual: 9, met: true },
          pumps: { target: 3, actual: 0, met: false }
        },
        supplement: { ceilingMl: 300, givenMl: 260, withinCeiling: true }
      })
      // A's first step is 3 days after 1 June.
      expect(day(p, "2027-06-04").supplement).toMatchObject({ ceilingMl: 270, reductions: 1 })
    }
  })

  it("a DST day (23 hours in Berlin on 2027-03-28) counts latches on their local day", () => {
    const plan = ev({
      type: "plan",
      at: "2027-03-27T10:00:00Z",
      targets: { latches: 2 },
      supplement: { startMl: 100, stepMl: 10, everyDays: 1 }
    })
    const entries = [
      plan,
      latch("2027-03-27T22:30:00Z"), // 23:30 CET, 27 March
      latch("2027-03-28T00:30:00Z"), // 01:30 CET, 28 March
      latch("2027-03-28T21:30:00Z"), // 23:30 CEST, 28 March
      latch("2027-03-28T22:30:00Z") // 00:30 CEST, 29 March
    ]
    const p = planProgress(entries, berlin)
    expect(
      p.days.map((d) => [d.date, d.targets.latches?.actual, d.targets.latches?.met, d.supplement.ceilingMl])
    ).toEqual([
      ["2027-03-27", 1, false, 100],
      ["2027-03-28", 2, true, 90],
      ["2027-03-29", 1, false, 80]
    ])
    // In UTC the same instants fall on other days.
    expect(planProgress(entries, { timeZone: "UTC" }).days.map((d) => d.targets.latches?.actual)).toEqual([
      1, 3
    ])
  })

  it("a reduction is held while the latest weight velocity is below the plan's threshold", () => {
    const plan = ev({
      type: "plan",
      at: "2027-06-01T06:00:00Z",
      supplement: { startMl: 200, stepMl: 20, everyDays: 3, holdBelowGramsPerDay: 20, minimumMl: 150 }
    })
    const entries = [
      plan,
      weigh("2027-06-01T06:00:00Z", 3000),
      weigh("2027-06-05T06:00:00Z", 3040), // 10 g a day since 1 June: below 20
      weigh("2027-06-09T06:00:00Z", 3200), // 40 g a day since 5 June
      bottle("2027-06-13T09:00:00Z", 150)
    ]
    const p = planProgress(entries, berlin)
    const ceilings = p.days.map((d) => [d.date.slice(8), d.supplement.ceilingMl, d.supplement.held])
    expect(ceilings).toEqual([
      ["01", 200, false],
      ["02", 200, false],
      ["03", 200, false],
      ["04", 180, false], // no velocity before 4 June (one weigh-in): no hold
      ["05", 180, false],
      ["06", 180, false],
      ["07", 180, true], // 10 g/day < 20: held
      ["08", 180, true],
      ["09", 180, true],
      ["10", 160, false], // 40 g/day
      ["11", 160, false],
      ["12", 160, false],
      ["13", 150, false] // 140 would be below the floor of 150
    ])
  })

  it("several children need `child`; bad options throw InvalidOptions", () => {
    const twin = ev({
      type: "latch",
      child: "twin",
      at: "2027-06-01T08:00:00Z",
      durationSec: 60,
      side: "left"
    })
    expect(() => planProgress([...log, twin], berlin)).toThrow(/planProgress: option child must be given/)
    expect(planProgress([...log, twin], { ...berlin, child: "baby" }).days).toHaveLength(4)
    expect(() => planProgress(log, { timeZone: "Mars/Base" })).toThrow(InvalidOptions)
  })

  it("`through` runs the days to a later date (today), with its ceiling and targets not logged", () => {
    // Plan A alone (set 1 June, 300 ml, 30 ml less every 3 days) and one bottle on 1 June.
    const entries = [a, bottle("2027-06-01T10:00:00Z", 280)]
    expect(planProgress(entries, berlin).days.map((d) => d.date)).toEqual(["2027-06-01"])
    const p = planProgress(entries, { ...berlin, through: "2027-06-07" })
    expect(p.days.map((d) => d.date)).toEqual([
      "2027-06-01",
      "2027-06-02",
      "2027-06-03",
      "2027-06-04",
      "2027-06-05",
      "2027-06-06",
      "2027-06-07"
    ])
    // Steps on 4 and 7 June: 300 − 2 × 30.
    expect(day(p, "2027-06-07")).toEqual({
      date: "2027-06-07",
      logged: false,
      plan: a.id,
      targets: {
        latches: { target: 8, actual: undefined, met: undefined },
        pumps: { target: 3, actual: undefined, met: undefined }
      },
      supplement: { ceilingMl: 240, reductions: 2, held: false, givenMl: undefined, withinCeiling: undefined }
    })
    expect(p.course?.days).toBe(7)
    // A date before the course changes nothing; an empty log stays empty.
    expect(planProgress(entries, { ...berlin, through: "2027-05-01" }).days).toHaveLength(1)
    expect(planProgress([], { ...berlin, through: "2027-06-07" }).days).toEqual([])
    expect(() => planProgress(entries, { ...berlin, through: "2027-02-30" })).toThrow(
      /planProgress: option through must be a real date written YYYY-MM-DD/
    )
  })

  it("an empty log has no days and no course; unknown entries are counted", () => {
    expect(planProgress([unknownEntry(1)], berlin)).toEqual({
      plan: undefined,
      days: [],
      course: undefined,
      skipped: { unknown: 1, invalid: 0 }
    })
  })
})

// Plans at random instants of the generated logs' span, and retractions of some of them.
const START = Date.parse("2027-03-20T00:00:00Z")
const plans = fc
  .array(
    fc.record({
      minute: fc.integer({ min: 0, max: 45 * 24 * 60 }),
      latches: fc.integer({ min: 0, max: 12 }),
      startMl: fc.integer({ min: 0, max: 400 }),
      stepMl: fc.integer({ min: 1, max: 60 }),
      everyDays: fc.integer({ min: 1, max: 5 }),
      hold: fc.option(fc.integer({ min: -10, max: 60 }), { nil: undefined }),
      retracted: fc.boolean()
    }),
    { maxLength: 5 }
  )
  .map((list) =>
    list.flatMap((p, i) => {
      const at = new Date(START + p.minute * 60_000).toISOString()
      const raw = {
        id: uuidv7From(Date.parse(at), () => ((i * 7919 + p.minute) % 10007) / 10007),
        type: "plan",
        v: 1,
        child: "baby",
        by: "parent-a",
        at,
        recordedAt: at,
        targets: { latches: p.latches },
        supplement: {
          startMl: p.startMl,
          stepMl: p.stepMl,
          everyDays: p.everyDays,
          ...(p.hold === undefined ? {} : { holdBelowGramsPerDay: p.hold })
        }
      }
      const plan = decodeEntry(raw) as Event
      if ("_tag" in plan) throw new Error("generator made an invalid plan")
      if (!p.retracted) return [plan]
      const undoAt = new Date(START + 46 * 86_400_000 + i).toISOString()
      const undo = decodeEntry({
        id: uuidv7From(Date.parse(undoAt), () => (i + 1) / 11),
        type: "retract",
        v: 1,
        child: "baby",
        by: "parent-b",
        at: undoAt,
        recordedAt: undoAt,
        target: plan.id
      }) as Event
      return [plan, undo]
    })
  )

const logs = fc
  .tuple(logArbitrary(50), plans)
  .map(([log, p]) => [...log, ...p] as ReadonlyArray<LogEntry>)
  .chain((log) => fc.tuple(fc.constant(log), shuffledWithDuplicates(log)))
const options = fc.record({
  timeZone: fc.constantFrom("Europe/Berlin", "America/New_York", "UTC"),
  dayStartHour: fc.constantFrom(0, 6),
  child: fc.constant("baby")
})

describe("planProgress: laws", () => {
  it(`any order and duplicates give the same result; incremental equals batch (seed ${seed})`, () => {
    fc.assert(
      fc.property(logs, options, ([log, shuffled], opts) => {
        const batch = planProgress(log, opts)
        expect(planProgress(shuffled, opts)).toEqual(batch)
        let state = PlanProgressReducer.initial(opts)
        for (const entry of shuffled) {
          state = PlanProgressReducer.apply(state, entry)
          PlanProgressReducer.result(state)
        }
        expect(PlanProgressReducer.result(state)).toEqual(batch)
        // The actual values are dailyTotals' for the same days.
        const totals = new Map(dailyTotals(log, opts).days.map((d) => [d.date, d]))
        for (const d of batch.days) {
          const t = totals.get(d.date)
          expect(d.logged).toBe(t !== undefined)
          if (d.targets.latches !== undefined) expect(d.targets.latches.actual).toBe(t?.latches)
          expect(d.supplement.givenMl).toBe(t?.supplementMl)
          // The ceiling never goes below 0 nor above the plan's start.
          if (d.supplement.ceilingMl !== undefined) expect(d.supplement.ceilingMl).toBeGreaterThanOrEqual(0)
        }
      }),
      { seed, numRuns }
    )
  })
})
