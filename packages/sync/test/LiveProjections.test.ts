// Live projections: folding entries one at a time equals the batch projection of the same
// entries, rebuilding with new options equals the batch under those options, and options a
// reducer rejects leave the projection exactly as it was.
import {
  type DailyTotalsOptions,
  DailyTotalsReducer,
  dailyTotals,
  type LogEntry,
  makeSync,
  WeightTrendReducer,
  weightTrend
} from "@relactation/core"
import { describe, expect, it } from "vitest"
import * as LiveProjections from "../src/LiveProjections.js"
import { prng, runs, seedFor } from "./helpers.js"

const randomEntries = (random: () => number, n: number): Array<LogEntry> => {
  const int = (k: number) => Math.floor(random() * k)
  const start = Date.parse("2027-03-20T00:00:00.000Z")
  const out: Array<LogEntry> = []
  for (let i = 0; i < n; i++) {
    const at = new Date(start + int(10 * 24 * 60) * 60_000).toISOString()
    const common = { at, child: "baby-1", by: "parent-a" }
    const entropy = { now: () => start + i, random }
    const roll = int(5)
    const previous = out[int(out.length)]
    if (roll === 4 && previous !== undefined && "id" in previous && previous.id !== undefined) {
      out.push(makeSync({ type: "retract", ...common, target: previous.id }, entropy))
    } else if (roll === 3) {
      out.push(makeSync({ type: "weigh-in", ...common, grams: 3000 + int(900) }, entropy))
    } else if (roll === 2) {
      out.push(
        makeSync({ type: "supplement", ...common, ml: 5 + int(60), milk: "formula", via: "sns" }, entropy)
      )
    } else {
      out.push(makeSync({ type: "latch", ...common, durationSec: 60 + int(1500), side: "left" }, entropy))
    }
  }
  // A duplicate and an invalid entry: projections count each event once and skip the invalid one.
  out.push(out[0]!)
  out.push({ _tag: "InvalidEntry", id: undefined, type: "latch", problems: [], reason: "bad", raw: {} })
  return out
}

describe("LiveProjections", () => {
  it("apply, one entry at a time, equals the batch projection; rebuild equals the batch under new options", () => {
    const seed = seedFor("live projections")
    const random = prng(seed)
    for (let round = 0; round < runs(20); round++) {
      const entries = randomEntries(random, 20 + Math.floor(random() * 60))
      const options: DailyTotalsOptions = { timeZone: "Europe/Berlin" }
      const daily = LiveProjections.make(DailyTotalsReducer, options)
      const weight = LiveProjections.make(WeightTrendReducer, {}, entries.slice(0, 5))
      for (const entry of entries) daily.apply(entry)
      for (const entry of entries.slice(5)) weight.apply(entry)
      expect(daily.result).toEqual(dailyTotals(entries, options))
      expect(weight.result).toEqual(weightTrend(entries, {}))

      const next: DailyTotalsOptions = {
        timeZone: "America/New_York",
        dayStartHour: 1 + Math.floor(random() * 8)
      }
      daily.rebuild(next, entries)
      expect(daily.options).toEqual(next)
      expect(daily.result).toEqual(dailyTotals(entries, next))
    }
  })

  it("options the reducer rejects leave options, state and result as they were", () => {
    const entries = randomEntries(prng(7), 30)
    const options: DailyTotalsOptions = { timeZone: "Europe/Berlin" }
    const daily = LiveProjections.make(DailyTotalsReducer, options, entries)
    const before = daily.result
    expect(() => daily.rebuild({ timeZone: "Mars/Olympus_Mons" }, entries)).toThrow(
      expect.objectContaining({ _tag: "InvalidOptions" })
    )
    expect(daily.options).toBe(options)
    expect(daily.result).toEqual(before)
    // Still live: a new entry is folded into the old state.
    const extra = makeSync(
      {
        type: "latch",
        at: "2027-03-25T10:00:00.000Z",
        child: "baby-1",
        by: "parent-b",
        durationSec: 600,
        side: "right"
      },
      { now: () => Date.parse("2027-03-25T10:00:00.000Z"), random: prng(8) }
    )
    daily.apply(extra)
    expect(daily.result).toEqual(dailyTotals([...entries, extra], options))
  })
})
