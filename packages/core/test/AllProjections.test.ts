// projectAll and its reducers against the old path, the three batch functions: the same results
// for any order, duplicates and retractions; the unique-id form (no fact in the id map) folded in
// one batch, entry by entry, and restored from a JSON snapshot part way, all equal to the batch
// functions over the same set. The seed is printed (FC_SEED replays it).
import fc from "fast-check"
import { runs } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import {
  type AllProjections,
  type AllProjectionsOptions,
  AllProjectionsReducer,
  dailyTotals,
  decodeEntry,
  type Event,
  encodeEvent,
  isEvent,
  type LogEntry,
  projectAll,
  relactationProgress,
  UniqueIdProjections,
  weightTrend
} from "@relactation/core"
import { logArbitrary, printSeed, shuffledWithDuplicates } from "./arbitraries.js"

const seed = printSeed()
const numRuns = runs(60)

const options = fc.record(
  {
    timeZone: fc.constantFrom("Europe/Berlin", "America/New_York", "Asia/Kathmandu", "UTC"),
    dayStartHour: fc.constantFrom(0, 3, 6),
    night: fc.constantFrom({ start: 22, end: 6 }, { start: 21.5, end: 4 }),
    child: fc.constantFrom("baby", "twin"),
    birthDate: fc.constantFrom("2027-02-01", "2027-03-01"),
    sex: fc.constantFrom("female", "male")
  },
  { requiredKeys: ["timeZone"] }
) as fc.Arbitrary<AllProjectionsOptions>

/** A result or the error it throws (weightTrend without `child` over two children). */
const attempt = (read: () => unknown): unknown => {
  try {
    return read()
  } catch (error) {
    return { threw: String(error) }
  }
}

const view = (all: AllProjections) => ({
  dailyTotals: attempt(() => all.dailyTotals),
  weightTrend: attempt(() => all.weightTrend),
  relactationProgress: attempt(() => all.relactationProgress)
})

/** The old path: the three batch functions, each with its own set. */
const oldPath = (entries: ReadonlyArray<LogEntry>, o: AllProjectionsOptions) => ({
  dailyTotals: attempt(() => dailyTotals(entries, o)),
  weightTrend: attempt(() => weightTrend(entries, o)),
  relactationProgress: attempt(() => relactationProgress(entries, o))
})

/** A permutation (no duplicates: a unique-id source). */
const shuffled = <A>(log: ReadonlyArray<A>): fc.Arbitrary<ReadonlyArray<A>> =>
  fc
    .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: log.length, maxLength: log.length })
    .map((keys) =>
      log
        .map((e, i) => [keys[i]!, e] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, e]) => e)
    )

/** The source's index as `folded` sees it: the entries folded so far, by id. */
const index = () => {
  const byId = new Map<string, LogEntry>()
  return {
    add: (entry: LogEntry) => {
      if (isEvent(entry)) byId.set(entry.id, entry)
    },
    folded: (id: string) => byId.get(id)
  }
}

describe("projectAll", () => {
  it("equals the three batch functions, for any order with duplicates", () => {
    fc.assert(
      fc.property(
        logArbitrary().chain((log) => shuffledWithDuplicates(log)),
        options,
        (entries, o) => {
          expect(view(projectAll(entries, o))).toEqual(oldPath(entries, o))
        }
      ),
      { seed, numRuns }
    )
  })

  it("AllProjectionsReducer read after random steps equals the batch functions of the entries so far", () => {
    fc.assert(
      fc.property(
        logArbitrary(120, 20).chain((log) => shuffledWithDuplicates(log)),
        options,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }),
        (entries, o, reads) => {
          const state = AllProjectionsReducer.initial(o)
          for (let i = 0; i < entries.length; i++) {
            const before = AllProjectionsReducer.result(state)
            AllProjectionsReducer.apply(state, entries[i]!)
            // A duplicate changes nothing, so the result keeps its identity.
            if (entries.indexOf(entries[i]!) < i) expect(AllProjectionsReducer.result(state)).toBe(before)
            if (reads[i % reads.length] === false) continue
            expect(view(AllProjectionsReducer.result(state))).toEqual(oldPath(entries.slice(0, i + 1), o))
          }
        }
      ),
      { seed, numRuns: Math.max(5, Math.ceil(numRuns / 4)) }
    )
  })
})

describe("UniqueIdProjections (a source with one entry per id)", () => {
  it("one batch, entry by entry, and restored from a JSON snapshot part way all equal the batch functions", () => {
    fc.assert(
      fc.property(
        logArbitrary(120, 10).chain((log) => shuffled(log)),
        options,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (entries, o, cut, restOneByOne) => {
          const expected = oldPath(entries, o)

          const batchIndex = index()
          for (const e of entries) batchIndex.add(e)
          const batch = UniqueIdProjections.fold(UniqueIdProjections.initial(o, batchIndex.folded), entries)
          expect(view(AllProjectionsReducer.result(batch))).toEqual(expected)

          const live = index()
          const state = UniqueIdProjections.initial(o, live.folded)
          for (const e of entries) {
            live.add(e) // the sync log indexes an entry, then folds it
            AllProjectionsReducer.apply(state, e)
          }
          expect(view(AllProjectionsReducer.result(state))).toEqual(expected)

          // A checkpoint part way: fold the first part, store the snapshot as JSON, restore it
          // and fold only the rest (as one batch or entry by entry).
          const n = Math.floor(cut * entries.length)
          const src = index()
          const first = UniqueIdProjections.initial(o, src.folded)
          for (const e of entries.slice(0, n)) src.add(e)
          UniqueIdProjections.fold(first, entries.slice(0, n))
          const stored = JSON.parse(JSON.stringify(UniqueIdProjections.snapshot(first)))
          const restored = UniqueIdProjections.restore(o, stored, src.folded)
          expect(restored).toBeDefined()
          expect(view(AllProjectionsReducer.result(restored!))).toEqual(oldPath(entries.slice(0, n), o))
          const rest = entries.slice(n)
          if (restOneByOne) {
            for (const e of rest) {
              src.add(e)
              AllProjectionsReducer.apply(restored!, e)
            }
          } else {
            for (const e of rest) src.add(e)
            UniqueIdProjections.fold(restored!, rest)
          }
          expect(view(AllProjectionsReducer.result(restored!))).toEqual(expected)
        }
      ),
      { seed, numRuns }
    )
  })

  it("a skipped entry sharing a valid event's id wins whatever the order", () => {
    fc.assert(
      fc.property(
        logArbitrary(40, 5).chain((log) => {
          const facts = log.filter((e) => isEvent(e) && e.type !== "retract")
          return fc.tuple(fc.constant(log), fc.constantFrom(...facts))
        }),
        options,
        fc.nat(),
        ([log, victim], o, salt) => {
          // An invalid entry stored with the victim's id (as under another key of the sync map).
          const clash = decodeEntry({ ...encodeEvent(victim as Event), at: "not a time" })
          expect(isEvent(clash)).toBe(false)
          const entries = [...log, clash]
          const order = entries.map((e, i) => [((i + 1) * (salt + 7919)) % 104729, e] as const)
          const permuted = order.sort((a, b) => a[0] - b[0]).map(([, e]) => e)
          const a = index()
          const one = UniqueIdProjections.initial(o, a.folded)
          for (const e of permuted) {
            a.add(e)
            AllProjectionsReducer.apply(one, e)
          }
          const b = index()
          for (const e of entries) b.add(e)
          const batch = UniqueIdProjections.fold(UniqueIdProjections.initial(o, b.folded), entries)
          // The day projections: as if the event were not there.
          const without = entries.filter((e) => e !== victim)
          for (const state of [one, batch]) {
            const all = AllProjectionsReducer.result(state)
            expect(attempt(() => all.dailyTotals)).toEqual(attempt(() => dailyTotals(without, o)))
            expect(attempt(() => all.relactationProgress)).toEqual(
              attempt(() => relactationProgress(without, o))
            )
          }
        }
      ),
      { seed, numRuns }
    )
  })

  it("restore refuses a malformed snapshot or one naming an entry the source lacks", () => {
    const o: AllProjectionsOptions = { timeZone: "Europe/Berlin", child: "baby" }
    fc.assert(
      fc.property(logArbitrary(40, 10), (log) => {
        const src = index()
        for (const e of log) src.add(e)
        const state = UniqueIdProjections.fold(UniqueIdProjections.initial(o, src.folded), log)
        const snap = JSON.parse(JSON.stringify(UniqueIdProjections.snapshot(state)))
        expect(UniqueIdProjections.restore(o, snap, src.folded)).toBeDefined()
        expect(UniqueIdProjections.restore(o, { ...snap, v: 2 }, src.folded)).toBeUndefined()
        expect(UniqueIdProjections.restore(o, { ...snap, days: [[1, 2, 3]] }, src.folded)).toBeUndefined()
        expect(UniqueIdProjections.restore(o, null, src.folded)).toBeUndefined()
        if (snap.weight.facts.length > 0) {
          expect(UniqueIdProjections.restore(o, snap, () => undefined)).toBeUndefined()
        }
      }),
      { seed, numRuns: Math.max(5, Math.ceil(numRuns / 4)) }
    )
  })
})
