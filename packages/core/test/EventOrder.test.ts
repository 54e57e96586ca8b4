// The one event order: compareInstants agrees with the exact instant (sub-millisecond fractions
// included, whatever the number of digits), compareEvents is a strict total order of (at, id), and
// every place in core that orders events (the weigh-ins of a trend, the latest profile) agrees.
import fc from "fast-check"
import { runs } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import {
  compareEvents,
  compareInstants,
  decodeEntry,
  type Event,
  isLaterEvent,
  lowerBound,
  uuidv7From,
  weightTrend
} from "@relactation/core"
import { printSeed } from "./arbitraries.js"

const seed = printSeed()
const numRuns = runs(100)

// An instant as exact nanoseconds since a base second, and one of the ways of writing it.
const BASE = Date.parse("2027-03-28T01:30:00Z")
interface Written {
  readonly ns: bigint
  readonly at: string
}
const written: fc.Arbitrary<Written> = fc
  .record({
    second: fc.integer({ min: 0, max: 3 }),
    // Few distinct values so that equal instants and equal milliseconds come up often.
    ns: fc.oneof(
      fc.constantFrom(0, 100_000, 900_000, 500_000_000, 500_100_000, 999_999_999),
      fc.integer({ min: 0, max: 999_999_999 })
    ),
    extra: fc.integer({ min: 0, max: 9 })
  })
  .map(({ second, ns, extra }) => {
    const digits = String(ns).padStart(9, "0").replace(/0+$/, "")
    const width = Math.min(9, digits.length + extra)
    const fraction = width === 0 ? "" : `.${digits.padEnd(width, "0")}`
    const whole = new Date(BASE + second * 1000).toISOString().slice(0, 19)
    return { ns: BigInt(second) * 1_000_000_000n + BigInt(ns), at: `${whole}${fraction}Z` }
  })

const exact = (a: Written, b: Written): number => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0)

describe("compareInstants", () => {
  it("orders sub-millisecond fractions that Date.parse cannot tell apart", () => {
    expect(Date.parse("2027-03-28T01:30:00.0009Z")).toBe(Date.parse("2027-03-28T01:30:00.0001Z"))
    expect(compareInstants("2027-03-28T01:30:00.0009Z", "2027-03-28T01:30:00.0001Z")).toBe(1)
    expect(compareInstants("2027-03-28T01:30:00.0001Z", "2027-03-28T01:30:00.000Z")).toBe(1)
    expect(compareInstants("2027-03-28T01:30:00.000Z", "2027-03-28T01:30:00.0001Z")).toBe(-1)
    expect(compareInstants("2027-03-28T01:30:00.5Z", "2027-03-28T01:30:00.500Z")).toBe(0)
    expect(compareInstants("2027-03-28T01:30:00Z", "2027-03-28T01:30:00.000Z")).toBe(0)
    expect(compareInstants("2027-03-28T01:30:01Z", "2027-03-28T01:30:00.999999999Z")).toBe(1)
  })

  it(`agrees with the exact instant, however many digits (seed ${seed})`, () => {
    fc.assert(
      fc.property(written, written, (a, b) => {
        expect(compareInstants(a.at, b.at)).toBe(exact(a, b))
      }),
      { seed, numRuns: numRuns * 10 }
    )
  })
})

// A weigh-in at a written instant, with a UUIDv7 id from a small pool so that ties on `at` are
// broken by id and ties on both come up.
const weighIn = (w: Written, n: number, grams: number): Event => {
  const raw = {
    id: uuidv7From(BASE, () => n / 41),
    type: "weigh-in",
    v: 1,
    child: "baby",
    by: "parent-a",
    at: w.at,
    recordedAt: w.at,
    grams
  }
  const entry = decodeEntry(raw)
  if ("_tag" in entry) throw new Error(`invalid test event ${JSON.stringify(raw)}`)
  return entry
}

const events = fc
  .array(fc.tuple(written, fc.nat({ max: 40 }), fc.integer({ min: 2500, max: 6000 })), {
    minLength: 1,
    maxLength: 30
  })
  .map((list) => {
    // Ids are unique in a log: keep the first event of each id.
    const byId = new Map<string, Event & { ns: bigint }>()
    for (const [w, n, grams] of list) {
      const e = weighIn(w, n, grams)
      if (!byId.has(e.id)) byId.set(e.id, Object.assign(e, { ns: w.ns }))
    }
    return [...byId.values()]
  })

const key = (e: { ns: bigint; id: string }) => [e.ns, e.id] as const
const exactEvents = (a: { ns: bigint; id: string }, b: { ns: bigint; id: string }): number => {
  const [na, ia] = key(a)
  const [nb, ib] = key(b)
  return na < nb ? -1 : na > nb ? 1 : ia < ib ? -1 : ia > ib ? 1 : 0
}

describe("compareEvents", () => {
  it(`is a strict total order by exact instant, then id (seed ${seed})`, () => {
    fc.assert(
      fc.property(events, fc.nat(), (list, salt) => {
        for (const a of list) {
          expect(compareEvents(a, a)).toBe(0)
          for (const b of list) {
            const c = compareEvents(a, b)
            // Consistent with the exact instant, then the id; distinct events never tie.
            expect(c).toBe(exactEvents(a, b))
            expect(compareEvents(b, a)).toBe(c === 0 ? 0 : -c)
            expect(isLaterEvent(a, b)).toBe(c > 0)
          }
        }
        // Sorting any permutation gives the same list.
        const rotated = [...list.slice(salt % list.length), ...list.slice(0, salt % list.length)]
        const sorted = list.slice().sort(compareEvents)
        expect(rotated.reverse().sort(compareEvents)).toEqual(sorted)
        expect(sorted).toEqual(list.slice().sort(exactEvents))
      }),
      { seed, numRuns }
    )
  })

  it(`lowerBound finds where an event goes in a sorted list (seed ${seed})`, () => {
    fc.assert(
      fc.property(events, (list) => {
        const [probe, ...rest] = list
        const sorted = rest.sort(compareEvents)
        const i = lowerBound(sorted, probe!, compareEvents)
        expect(sorted.slice(0, i).every((e) => compareEvents(e, probe!) < 0)).toBe(true)
        expect(sorted.slice(i).every((e) => compareEvents(e, probe!) > 0)).toBe(true)
      }),
      { seed, numRuns }
    )
  })

  it(`every projection that orders events agrees with it (seed ${seed})`, () => {
    fc.assert(
      fc.property(events, (list) => {
        const sorted = list.slice().sort(compareEvents)
        // The weigh-ins of a trend are listed in this order, whatever order they arrive in.
        const trend = weightTrend(list.slice().reverse())
        expect(trend.points.map((p) => p.id)).toEqual(sorted.map((e) => e.id))
        expect(weightTrend(list).points.map((p) => p.id)).toEqual(sorted.map((e) => e.id))
        // The latest child profile is the last by compareEvents.
        const profiles = list.map(({ id, at }, i) => {
          const entry = decodeEntry({
            id,
            at,
            recordedAt: at,
            v: 1,
            child: "baby",
            by: "parent-a",
            type: "child",
            name: "Ada",
            birthDate: `2027-02-${String((i % 28) + 1).padStart(2, "0")}`
          })
          if ("_tag" in entry) throw new Error("invalid test profile")
          return entry
        })
        const latest = profiles.slice().sort(compareEvents).at(-1)!
        expect(weightTrend(profiles).birthDate).toBe((latest as { birthDate: string }).birthDate)
        expect(weightTrend(profiles.slice().reverse()).birthDate).toBe(
          (latest as { birthDate: string }).birthDate
        )
      }),
      { seed, numRuns }
    )
  })
})
