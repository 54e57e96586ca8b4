// The laws every projection obeys, as property tests over generated logs: the input is a set, so
// order, duplicates and when a retraction arrives do not matter; incremental equals batch; unknown
// entries never change a total. A naive model of dailyTotals checks the numbers themselves.
import fc from "fast-check"
import { runs } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import {
  type DailyTotalsOptions,
  DailyTotalsReducer,
  dailyTotals,
  type Event,
  isEvent,
  type LogEntry,
  type Reducer,
  RelactationProgressReducer,
  relactationProgress,
  WeightTrendReducer,
  weightTrend
} from "@relactation/core"
import { offsetFromIntl } from "../src/internal/LocalTime.js"
import { logArbitrary, printSeed, shuffledWithDuplicates, unknownEntry } from "./arbitraries.js"

const seed = printSeed()
const numRuns = runs(60)

const dayOptions = fc.record(
  {
    timeZone: fc.constantFrom(
      "Europe/Berlin",
      "America/New_York",
      "Asia/Kathmandu",
      "Australia/Lord_Howe",
      "UTC"
    ),
    dayStartHour: fc.constantFrom(0, 3, 6),
    night: fc.constantFrom({ start: 22, end: 6 }, { start: 0, end: 5 }, { start: 21.5, end: 4 }),
    child: fc.constant("baby")
  },
  { requiredKeys: ["timeZone"] }
) as fc.Arbitrary<DailyTotalsOptions>

interface Projection {
  readonly name: string
  readonly options: fc.Arbitrary<unknown>
  readonly batch: (entries: Iterable<LogEntry>, options: never) => { readonly skipped: unknown }
  readonly reducer: Reducer<never, unknown, unknown>
  /** The result without the skipped counts, to compare totals. */
  readonly totals: (result: never) => unknown
}

const projections: ReadonlyArray<Projection> = [
  {
    name: "dailyTotals",
    options: dayOptions,
    batch: dailyTotals as Projection["batch"],
    reducer: DailyTotalsReducer as unknown as Projection["reducer"],
    totals: ((r: ReturnType<typeof dailyTotals>) => r.days) as Projection["totals"]
  },
  {
    name: "weightTrend",
    // The logs hold two children, so a trend needs `child` (without it, it throws; see WeightTrend.test.ts).
    options: fc.record({ child: fc.constantFrom("baby", "twin") }),
    batch: weightTrend as Projection["batch"],
    reducer: WeightTrendReducer as unknown as Projection["reducer"],
    totals: ((r: ReturnType<typeof weightTrend>) => ({ ...r, skipped: undefined })) as Projection["totals"]
  },
  {
    name: "relactationProgress",
    options: dayOptions,
    batch: relactationProgress as Projection["batch"],
    reducer: RelactationProgressReducer as unknown as Projection["reducer"],
    totals: ((r: ReturnType<typeof relactationProgress>) => ({
      ...r,
      skipped: undefined
    })) as Projection["totals"]
  }
]

const isRetraction = (e: LogEntry) => isEvent(e) && e.type === "retract"

for (const p of projections) {
  describe(`laws: ${p.name}`, () => {
    it("any permutation and duplication of the entries gives the same result", () => {
      fc.assert(
        fc.property(
          logArbitrary().chain((log) => fc.tuple(fc.constant(log), shuffledWithDuplicates(log))),
          p.options,
          ([log, shuffled], options) => {
            expect(p.batch(shuffled, options as never)).toEqual(p.batch(log, options as never))
          }
        ),
        { seed, numRuns }
      )
    })

    it("incremental equals batch, reading the result after every entry", () => {
      fc.assert(
        fc.property(
          logArbitrary().chain((log) => fc.tuple(fc.constant(log), shuffledWithDuplicates(log))),
          p.options,
          ([log, shuffled], options) => {
            const state = p.reducer.initial(options as never)
            const applied = new Set<LogEntry>()
            for (const entry of shuffled) {
              const before = p.reducer.result(state)
              p.reducer.apply(state, entry)
              // A duplicate changes nothing, so the result keeps its identity.
              if (applied.has(entry)) expect(p.reducer.result(state)).toBe(before)
              applied.add(entry)
            }
            expect(p.reducer.result(state)).toEqual(p.batch(log, options as never))
          }
        ),
        { seed, numRuns }
      )
    })

    it("after every single apply, the result equals the batch result of the entries so far", () => {
      // Long runs of random steps: days added out of order, emptied by retractions, duplicates and
      // skipped entries, with the result read after every step (so the incremental paths run).
      fc.assert(
        fc.property(
          logArbitrary(300, 150).chain((log) => shuffledWithDuplicates(log)),
          p.options,
          fc.array(fc.boolean(), { minLength: 1, maxLength: 400 }),
          (shuffled, options, reads) => {
            const state = p.reducer.initial(options as never)
            for (let i = 0; i < shuffled.length; i++) {
              p.reducer.apply(state, shuffled[i]!)
              // Now and then two entries go in between reads.
              if (reads[i % reads.length] === false && i + 1 < shuffled.length) continue
              expect(p.reducer.result(state)).toEqual(p.batch(shuffled.slice(0, i + 1), options as never))
            }
          }
        ),
        { seed, numRuns: Math.max(5, Math.ceil(numRuns / 4)) }
      )
    })

    it("a retraction before or after its target gives the same result", () => {
      fc.assert(
        fc.property(logArbitrary(), p.options, (log, options) => {
          const retractions = log.filter(isRetraction)
          const rest = log.filter((e) => !isRetraction(e))
          const first = p.batch([...retractions, ...rest], options as never)
          const last = p.batch([...rest, ...retractions], options as never)
          const reversed = p.batch([...rest].reverse().concat([...retractions].reverse()), options as never)
          expect(first).toEqual(last)
          expect(reversed).toEqual(last)
        }),
        { seed, numRuns }
      )
    })

    it("unknown entries never change a total; they are counted", () => {
      fc.assert(
        fc.property(logArbitrary(), p.options, fc.integer({ min: 1, max: 5 }), (log, options, extra) => {
          const unknowns = Array.from({ length: extra }, (_, i) => unknownEntry(100_000 + i))
          const without = p.batch(log, options as never) as { skipped: { unknown: number } }
          const withUnknown = p.batch([...unknowns, ...log, ...unknowns], options as never) as {
            skipped: { unknown: number }
          }
          expect(p.totals(withUnknown as never)).toEqual(p.totals(without as never))
          expect(withUnknown.skipped.unknown).toBe(without.skipped.unknown + extra)
        }),
        { seed, numRuns }
      )
    })
  })
}

// A direct, slow statement of what dailyTotals means: filter the set, then group by local day
// using Intl for every event.
const model = (log: ReadonlyArray<LogEntry>, options: DailyTotalsOptions) => {
  const byId = new Map<string, Event>()
  for (const e of log) if (isEvent(e) && !byId.has(e.id)) byId.set(e.id, e)
  const retracted = new Set<string>()
  for (const e of byId.values()) {
    if (e.type === "retract" && byId.get(e.target)?.type !== "retract") retracted.add(e.target)
  }
  const days = new Map<
    string,
    { latches: number; seconds: number; night: number; centiMl: number; events: number }
  >()
  const start = options.dayStartHour ?? 0
  const night = options.night ?? { start: 22, end: 6 }
  for (const e of byId.values()) {
    if (e.type === "retract" || e.type === "child" || e.type === "caregiver") continue
    if (retracted.has(e.id) || (options.child !== undefined && e.child !== options.child)) continue
    const ms = Date.parse(e.at)
    const local = ms + offsetFromIntl(options.timeZone, ms)
    const date = new Date(local - start * 3_600_000).toISOString().slice(0, 10)
    const hour = new Date(local).getUTCHours() + new Date(local).getUTCMinutes() / 60
    const d = days.get(date) ?? { latches: 0, seconds: 0, night: 0, centiMl: 0, events: 0 }
    d.events++
    if (e.type === "latch") {
      d.latches++
      d.seconds += e.durationSec
      const inNight =
        night.start < night.end
          ? hour >= night.start && hour < night.end
          : hour >= night.start || hour < night.end
      if (inNight) d.night++
    }
    if (e.type === "supplement") d.centiMl += Math.round(e.ml * 100)
    days.set(date, d)
  }
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, d]) => ({
      date,
      latches: d.latches,
      latchMinutes: Math.round(d.seconds / 6) / 10,
      nightLatches: d.night,
      supplementMl: d.centiMl / 100,
      events: d.events
    }))
}

describe("laws: dailyTotals against a naive model", () => {
  it("gives the model's numbers on every generated log", () => {
    fc.assert(
      fc.property(logArbitrary(80), dayOptions, (log, options) => {
        const actual = dailyTotals(log, options).days.map((d) => ({
          date: d.date,
          latches: d.latches,
          latchMinutes: d.latchMinutes,
          nightLatches: d.nightLatches,
          supplementMl: d.supplementMl,
          events: d.events
        }))
        expect(actual).toEqual(model(log, options))
      }),
      { seed, numRuns: numRuns * 2 }
    )
  })
})
