// `current`: the entries in force, the latest profiles with fall-back when the latest is
// retracted, and the retracted ids; by hand, then as laws (any order, duplicates, incremental).
import fc from "fast-check"
import { runs } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import {
  compareEvents,
  CurrentReducer,
  current,
  dailyTotals,
  type Event,
  isDayEvent,
  isEvent,
  weightTrend
} from "@relactation/core"
import {
  ev,
  invalidEntry,
  logArbitrary,
  printSeed,
  shuffledWithDuplicates,
  unknownEntry
} from "./arbitraries.js"

const seed = printSeed()
const numRuns = runs(60)

const retract = (target: Event, at = "2027-06-02T00:00:00Z") => ev({ type: "retract", target: target.id, at })
const profile = (at: string, name: string, birthDate = "2027-02-01") =>
  ev({ type: "child", at, name, birthDate })

describe("current: worked examples", () => {
  it("a retracted latest profile falls back to the one before (the web app kept the retracted one)", () => {
    const first = profile("2027-06-01T08:00:00Z", "Ada", "2027-02-01")
    const second = profile("2027-06-01T09:00:00Z", "Adah", "2027-02-03")
    const undo = retract(second)
    expect(current([first, second]).children.get("baby")).toBe(second)
    expect(current([first, second, undo]).children.get("baby")).toBe(first)
    // The retraction may arrive first; weightTrend reads the same profile.
    expect(current([undo, second, first]).children.get("baby")).toBe(first)
    expect(weightTrend([undo, second, first]).birthDate).toBe("2027-02-01")
    // With every profile retracted there is none.
    expect(current([first, second, undo, retract(first)]).children.has("baby")).toBe(false)
  })

  it("caregiver names: latest per `by`, with the same fall-back", () => {
    const a1 = ev({ type: "caregiver", by: "parent-a", name: "Sam", at: "2027-06-01T08:00:00Z" })
    const a2 = ev({ type: "caregiver", by: "parent-a", name: "Samuel", at: "2027-06-01T09:00:00Z" })
    const b = ev({ type: "caregiver", by: "parent-b", name: "Kim", at: "2027-06-01T07:00:00Z" })
    const names = (events: ReadonlyArray<Event>) =>
      [...current(events).caregivers].map(([by, p]) => [by, p.name]).sort()
    expect(names([a2, b, a1])).toEqual([
      ["parent-a", "Samuel"],
      ["parent-b", "Kim"]
    ])
    expect(names([a2, b, a1, retract(a2)])).toEqual([
      ["parent-a", "Sam"],
      ["parent-b", "Kim"]
    ])
  })

  it("entries: day events in force, oldest first; retracted ids; a retracted retraction is ignored", () => {
    const latch = ev({ type: "latch", at: "2027-06-01T10:00:00Z", durationSec: 600, side: "left" })
    const bottle = ev({ type: "supplement", at: "2027-06-01T09:00:00Z", ml: 30, milk: "formula", via: "cup" })
    const pump = ev({
      type: "pump",
      at: "2027-06-01T11:00:00Z",
      durationSec: 600,
      method: "hand",
      totalMl: 0
    })
    const undoPump = retract(pump)
    const undoUndo = retract(undoPump)
    const name = profile("2027-06-01T08:00:00Z", "Ada")
    const result = current([pump, latch, undoPump, bottle, undoUndo, name, unknownEntry(1), invalidEntry(2)])
    expect(result.entries).toEqual([bottle, latch])
    expect([...result.retracted]).toEqual([pump.id])
    expect(result.skipped).toEqual({ unknown: 1, invalid: 1 })
  })
})

describe("current: laws", () => {
  it(`any order, with duplicates, gives the same result; incremental equals batch (seed ${seed})`, () => {
    fc.assert(
      fc.property(
        logArbitrary(50).chain((log) => fc.tuple(fc.constant(log), shuffledWithDuplicates(log))),
        ([log, shuffled]) => {
          const a = current(log)
          const b = current(shuffled)
          expect(b.entries).toEqual(a.entries)
          expect(b.children).toEqual(a.children)
          expect(b.caregivers).toEqual(a.caregivers)
          expect(b.retracted).toEqual(a.retracted)
          expect(b.skipped).toEqual(a.skipped)
          let state = CurrentReducer.initial()
          for (const entry of shuffled) {
            state = CurrentReducer.apply(state, entry)
            CurrentReducer.result(state)
          }
          expect(CurrentReducer.result(state).entries).toEqual(a.entries)
          expect(CurrentReducer.result(state).children).toEqual(a.children)
          // The entries are what dailyTotals counts, in compareEvents order.
          const events = log.filter(isEvent)
          expect(a.entries).toEqual(a.entries.slice().sort(compareEvents))
          const days = dailyTotals(log, { timeZone: "UTC" }).days
          expect(a.entries.length).toBe(days.reduce((n, d) => n + d.events, 0))
          // The latest profile is weightTrend's, per child.
          for (const [child, p] of a.children) {
            expect(weightTrend(log, { child }).birthDate).toBe(p.birthDate)
          }
          // A retracted event is a valid one seen in the log, and not listed.
          for (const id of a.retracted) {
            expect(events.some((e) => e.id === id)).toBe(true)
            expect(a.entries.some((e) => e.id === id)).toBe(false)
          }
          expect(a.entries.every(isDayEvent)).toBe(true)
        }
      ),
      { seed, numRuns }
    )
  })
})
