// Generators and helpers for the projection tests: hand-written events for worked examples, and
// fast-check logs (with duplicates, retractions in any order, unknown and invalid entries) for laws.
import fc from "fast-check"
import { type Draft, decodeEntry, type Event, type LogEntry, makeSync, uuidv7From } from "@relactation/core"
import { seedFor } from "@relactation/testkit"

let printed: number | undefined
/** The run's seed (`FC_SEED`), printed once per file so a failure can be replayed. */
export const printSeed = (): number => {
  printed ??= seedFor("fast-check")
  return printed
}

let counter = 0
/**
 * A valid event from a draft, with a fresh id that sorts after the previous one. `at` is required
 * so that worked examples state their times.
 */
type Loose<D> = D extends Draft
  ? Omit<D, "child" | "by" | "at"> & { readonly child?: string; readonly by?: string; readonly at: string }
  : never
export const ev = (draft: Loose<Draft>): Event => {
  counter++
  const n = counter
  return makeSync({ child: "baby", by: "parent-a", ...draft } as Draft, {
    now: () => Date.parse("2027-01-01T00:00:00Z") + n,
    random: () => (n % 997) / 997
  })
}

/** An entry of a type this version does not know, as a newer app would write it. */
export const unknownEntry = (n: number, at = "2027-06-01T12:00:00.000Z"): LogEntry =>
  decodeEntry({
    id: uuidv7From(Date.parse(at), () => ((n * 7919 + 1) % 10007) / 10007),
    type: "diaper",
    v: 1,
    child: "baby",
    by: "parent-a",
    at,
    recordedAt: at,
    wet: true
  })

/** An entry that breaks the rules of a known type. */
export const invalidEntry = (n: number, at = "2027-06-01T12:00:01.000Z"): LogEntry =>
  decodeEntry({
    id: uuidv7From(Date.parse(at), () => ((n * 104729 + 1) % 10009) / 10009),
    type: "latch",
    v: 1,
    child: "baby",
    by: "parent-a",
    at,
    recordedAt: at,
    durationSec: 0,
    side: "left"
  })

const START = Date.parse("2027-03-20T00:00:00Z")
const SPAN = 45 * 86_400_000

const instant = fc
  .integer({ min: 0, max: SPAN / 60_000 })
  .map((minute) => new Date(START + minute * 60_000).toISOString())

const children = fc.constantFrom("baby", "baby", "baby", "twin")

const fact: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    type: fc.constant("latch"),
    durationSec: fc.integer({ min: 1, max: 3600 }),
    side: fc.constantFrom("left", "right", "both")
  }),
  fc.record({
    type: fc.constant("pump"),
    durationSec: fc.integer({ min: 1, max: 3600 }),
    method: fc.constantFrom("electric", "manual", "hand"),
    totalMl: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 300, noNaN: true }))
  }),
  fc.record({
    type: fc.constant("supplement"),
    ml: fc.double({ min: 0.1, max: 200, noNaN: true }),
    milk: fc.constantFrom("formula", "expressed", "donor"),
    via: fc.constantFrom("bottle", "cup", "syringe", "spoon", "finger", "sns")
  }),
  fc.record({
    type: fc.constant("weigh-in"),
    grams: fc.integer({ min: 2500, max: 6000 })
  }),
  fc.record({ type: fc.constant("medication"), name: fc.constantFrom("domperidone", "fenugreek") }),
  fc.record({
    type: fc.constant("child"),
    name: fc.constant("Ada"),
    birthDate: fc.constantFrom("2027-02-01", "2027-02-10"),
    sex: fc.constantFrom("female", "male")
  }),
  fc.record({ type: fc.constant("caregiver"), name: fc.constant("Sam") })
)

/**
 * A log of valid facts and retractions (of facts, of retractions, of ids never seen), plus unknown
 * and invalid entries. Ids are distinct; the order is the order of creation.
 */
export const logArbitrary = (maxFacts = 60, minFacts = 1): fc.Arbitrary<ReadonlyArray<LogEntry>> =>
  fc
    .record({
      facts: fc.array(fc.tuple(fact, instant, children), { minLength: minFacts, maxLength: maxFacts }),
      retractions: fc.array(fc.tuple(fc.nat(), fc.constantFrom("fact", "retraction", "ghost")), {
        minLength: Math.floor(minFacts / 8),
        maxLength: Math.ceil(maxFacts / 4)
      }),
      unknown: fc.nat({ max: 3 }),
      invalid: fc.nat({ max: 3 }),
      salt: fc.nat({ max: 10_000 })
    })
    .map(({ facts, retractions, unknown, invalid, salt }) => {
      let n = salt
      const next = () => {
        n = (n * 48271 + 11) % 2147483647
        return (n % 1e6) / 1e6
      }
      const id = (at: string) => uuidv7From(Date.parse(at), next)
      const events: Array<Event> = facts.map(([f, at, child]) => {
        const raw = { id: id(at), v: 1, child, by: "parent-a", at, recordedAt: at, ...f }
        const entry = decodeEntry(raw)
        if ("_tag" in entry) throw new Error(`generator made an invalid event: ${JSON.stringify(raw)}`)
        return entry
      })
      const retracts: Array<Event> = []
      for (const [i, kind] of retractions) {
        const pool = kind === "retraction" && retracts.length > 0 ? retracts : events
        const target = kind === "ghost" ? id("2027-01-01T00:00:00.000Z") : pool[i % pool.length]!.id
        const at = new Date(START + SPAN + i).toISOString()
        const entry = decodeEntry({
          id: id(at),
          type: "retract",
          v: 1,
          child: "baby",
          by: "parent-b",
          at,
          recordedAt: at,
          target
        })
        if ("_tag" in entry) throw new Error("generator made an invalid retraction")
        retracts.push(entry)
      }
      const skipped: Array<LogEntry> = []
      for (let i = 0; i < unknown; i++) skipped.push(unknownEntry(salt + i))
      for (let i = 0; i < invalid; i++) skipped.push(invalidEntry(salt + i))
      return [...events, ...retracts, ...skipped]
    })

/** A permutation of a log with some entries repeated. */
export const shuffledWithDuplicates = <A>(log: ReadonlyArray<A>): fc.Arbitrary<ReadonlyArray<A>> =>
  fc
    .tuple(
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: log.length, maxLength: log.length }),
      fc.array(fc.nat(), { maxLength: Math.max(1, Math.floor(log.length / 3)) })
    )
    .map(([keys, dupes]) => {
      const withDupes = [...log.map((e, i) => [keys[i]!, e] as const)]
      for (const d of dupes) {
        if (log.length > 0) withDupes.push([((d * 2654435761) % 1000) / 1000, log[d % log.length]!] as const)
      }
      return withDupes.sort((a, b) => a[0] - b[0]).map(([, e]) => e)
    })
