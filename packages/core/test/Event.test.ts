import { Effect, Exit, Random } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { runs } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import {
  decodeEntry,
  decodeEvents,
  type Event,
  encodeEvent,
  eventTypes,
  InvalidEvent,
  isEvent,
  latch as makeLatch,
  make,
  makeSync,
  uuidv7Time,
  validateEvent
} from "@relactation/core"
import { anyEvent, byType, seed } from "./eventArbitrary.js"

const NOW = Date.UTC(2027, 2, 28, 1, 30)
const entropy = { now: () => NOW, random: () => 0.5 }
const base = { child: "baby-1", by: "parent-a" }

const valid: Record<string, Event> = {
  latch: makeSync({ ...base, type: "latch", durationSec: 900, side: "left" }, entropy),
  pump: makeSync(
    { ...base, type: "pump", durationSec: 600, method: "electric", leftMl: 20, rightMl: 25 },
    entropy
  ),
  supplement: makeSync({ ...base, type: "supplement", ml: 30, milk: "formula", via: "sns" }, entropy),
  "weigh-in": makeSync({ ...base, type: "weigh-in", grams: 3400, place: "clinic" }, entropy),
  medication: makeSync({ ...base, type: "medication", name: "domperidone", dose: 10, unit: "mg" }, entropy),
  child: makeSync({ ...base, type: "child", name: "Ada", birthDate: "2027-02-01", sex: "female" }, entropy),
  caregiver: makeSync({ ...base, type: "caregiver", name: "Sam" }, entropy),
  plan: makeSync(
    {
      ...base,
      type: "plan",
      targets: { latches: 10 },
      supplement: { startMl: 300, stepMl: 30, everyDays: 3 }
    },
    entropy
  ),
  retract: makeSync(
    { ...base, type: "retract", target: "01900000-0000-7000-8000-000000000000", reason: "typo" },
    entropy
  )
}

describe("wire format v1 round trip", () => {
  it("covers every event type", () => {
    expect(Object.keys(byType).sort()).toEqual([...eventTypes].sort())
    expect(Object.keys(valid).sort()).toEqual([...eventTypes].sort())
  })

  for (const [type, arb] of Object.entries(byType)) {
    it(`${type}: generated events decode as themselves and encode back to the same JSON`, () => {
      fc.assert(
        fc.property(arb, (event) => {
          const wire = JSON.parse(JSON.stringify(encodeEvent(event)))
          const decoded = decodeEntry(wire)
          expect(isEvent(decoded)).toBe(true)
          expect(decoded).toEqual(event)
          expect(JSON.stringify(encodeEvent(decoded as Event))).toEqual(JSON.stringify(encodeEvent(event)))
        }),
        { seed: seed(`round trip ${type}`), numRuns: runs(150) }
      )
    })
  }

  it("encodes fields in the documented order", () => {
    expect(Object.keys(encodeEvent(valid.pump!))).toEqual([
      "id",
      "type",
      "v",
      "child",
      "by",
      "at",
      "recordedAt",
      "durationSec",
      "method",
      "totalMl",
      "leftMl",
      "rightMl"
    ])
  })
})

// [type, field path, bad value, expected message]
const badFields: ReadonlyArray<readonly [string, string, unknown, string]> = [
  ["latch", "id", "3b241101-e2bb-4255-8caf-4136c566a962", "latch.id: must be a UUIDv7 string"],
  ["latch", "child", "baby 1", "latch.child: must be 1 to 64 characters"],
  ["latch", "by", "", "latch.by: must be 1 to 64 characters"],
  ["latch", "at", "2027-03-28T01:30:00+01:00", "latch.at: must be an ISO-8601 UTC instant"],
  ["latch", "at", "2027-02-30T01:30:00.000Z", "latch.at: must be a real calendar instant"],
  ["latch", "recordedAt", 1234, "latch.recordedAt: must be a string (got 1234)"],
  ["latch", "tz", "Mars/Olympus", "latch.tz: must be an IANA time zone name"],
  ["latch", "durationSec", 0, "latch.durationSec: must be between 1 and 14400 (got 0)"],
  ["latch", "durationSec", 14_401, "latch.durationSec: must be between 1 and 14400 (got 14401)"],
  ["latch", "durationSec", 60.5, "latch.durationSec: must be a whole number (got 60.5)"],
  ["latch", "side", "top", 'latch.side: must be one of "left" | "right" | "both"'],
  ["pump", "method", "robot", 'pump.method: must be one of "electric" | "manual" | "hand"'],
  ["pump", "totalMl", -1, "pump.totalMl: must be between 0 and 2000 (got -1)"],
  ["pump", "totalMl", 50, "pump.totalMl: must equal leftMl + rightMl when both sides are given (got 50)"],
  ["pump", "leftMl", Number.NaN, "pump.leftMl: must be a finite number"],
  ["supplement", "ml", 0, "supplement.ml: must be more than 0 and at most 500 (got 0)"],
  ["supplement", "ml", 501, "supplement.ml: must be more than 0 and at most 500 (got 501)"],
  ["supplement", "milk", "cow", 'supplement.milk: must be one of "formula" | "expressed" | "donor"'],
  ["supplement", "via", "tube", "supplement.via: must be one of"],
  ["supplement", "latch", "not-an-id", "supplement.latch: must be a UUIDv7 string"],
  ["weigh-in", "grams", 3, "weigh-in.grams: must be between 300 and 30000 (got 3)"],
  ["weigh-in", "grams", 30_001, "weigh-in.grams: must be between 300 and 30000 (got 30001)"],
  ["weigh-in", "grams", 3400.5, "weigh-in.grams: must be a whole number (got 3400.5)"],
  ["weigh-in", "clothed", "yes", "weigh-in.clothed: must be a boolean"],
  ["weigh-in", "place", "pharmacy", 'weigh-in.place: must be one of "home" | "clinic"'],
  ["medication", "name", "", "medication.name: must not be empty"],
  ["medication", "name", "   ", "medication.name: must not be empty"],
  ["medication", "name", "x".repeat(101), "medication.name: must be at most 100 characters"],
  ["medication", "name", " fenugreek", "medication.name: must not start or end with spaces"],
  ["medication", "dose", 0, "medication.dose: must be more than 0"],
  ["medication", "unit", "", "medication.unit: must not be empty"],
  ["child", "birthDate", "2027-02-30", "child.birthDate: must be a real date written YYYY-MM-DD"],
  ["child", "birthDate", "01/02/2027", "child.birthDate: must be a real date written YYYY-MM-DD"],
  ["child", "sex", "x", 'child.sex: must be one of "female" | "male"'],
  ["caregiver", "name", undefined, "caregiver.name: is required"],
  ["retract", "target", "abc", "retract.target: must be a UUIDv7 string"],
  ["retract", "reason", "r".repeat(501), "retract.reason: must be at most 500 characters"]
]

describe("invalid fields are rejected with a message that names them", () => {
  for (const [type, field, bad, message] of badFields) {
    it(`${type}.${field} = ${JSON.stringify(bad)?.slice(0, 20)}`, () => {
      const raw: Record<string, unknown> = { ...valid[type] }
      if (bad === undefined) delete raw[field]
      else raw[field] = bad
      const entry = decodeEntry(raw)
      expect(isEvent(entry)).toBe(false)
      if (isEvent(entry) || entry._tag !== "InvalidEntry") throw new Error("expected an invalid entry")
      expect(entry.reason).toContain(message)
      expect(entry.problems.some((p) => p.path[0] === field)).toBe(true)
      expect(entry.raw).toBe(raw)
    })
  }

  it("reports every broken field at once", () => {
    const entry = decodeEntry({ ...valid.latch, durationSec: -5, side: "top" })
    if (isEvent(entry) || entry._tag !== "InvalidEntry") throw new Error("expected an invalid entry")
    expect(entry.problems.map((p) => p.path[0])).toEqual(["durationSec", "side"])
  })

  it("never echoes free text a caregiver typed", () => {
    const raw = { ...valid.medication, name: " secret-herbal-blend", dose: -1 }
    const entry = decodeEntry(raw)
    if (isEvent(entry) || entry._tag !== "InvalidEntry") throw new Error("expected an invalid entry")
    expect(entry.reason).not.toContain("secret-herbal-blend")
  })

  it("property: breaking any required field of any event is caught and named", () => {
    fc.assert(
      fc.property(
        anyEvent,
        fc.nat(),
        fc.constantFrom<unknown>(null, -1, "", {}, [], true),
        (event, pick, bad) => {
          const keys = Object.keys(event).filter((k) => k !== "type" && k !== "v")
          const field = keys[pick % keys.length]!
          const raw: Record<string, unknown> = { ...event, [field]: bad }
          const entry = decodeEntry(raw)
          // The only replacement that stays valid: `clothed: true`.
          if (field === "clothed" && bad === true) {
            expect(isEvent(entry)).toBe(true)
            return
          }
          if (isEvent(entry) || entry._tag !== "InvalidEntry")
            throw new Error(`${field} = ${String(bad)} accepted`)
          expect(entry.reason).toContain(`.${field}`)
        }
      ),
      { seed: seed("break a field"), numRuns: runs(300) }
    )
  })
})

describe("decodeEvents", () => {
  it("sorts entries into events, unknown (verbatim) and invalid, and never throws", () => {
    const future = { ...valid.latch, type: "sleep", minutes: 30 }
    const newer = { ...valid.latch, v: 2, extra: true }
    const broken = { ...valid.supplement, ml: -3 }
    const raw: Array<unknown> = [
      valid.latch,
      future,
      newer,
      broken,
      null,
      42,
      "x",
      [],
      { type: "latch" },
      valid.pump
    ]
    const { events, unknown, invalid } = decodeEvents(raw)
    expect(events).toEqual([valid.latch, valid.pump])
    expect(unknown.map((u) => [u.type, u.v])).toEqual([
      ["sleep", 1],
      ["latch", 2]
    ])
    expect(unknown[0]!.raw).toBe(future)
    expect(unknown[1]!.raw).toBe(newer)
    expect(invalid).toHaveLength(6)
    expect(invalid[0]!.reason).toBe("supplement.ml: must be more than 0 and at most 500 (got -3)")
    expect(invalid[1]!.reason).toBe("event: must be a JSON object")
    expect(invalid[5]!.reason).toContain("latch.v: must be a whole number of at least 1")
  })

  it("returns valid events as the same objects, without copying", () => {
    const raw = JSON.parse(JSON.stringify(valid.latch))
    expect(decodeEvents([raw]).events[0]).toBe(raw)
  })

  it("validateEvent refuses types this version does not know", () => {
    const result = validateEvent({ ...valid.latch, type: "sleep" })
    expect(result._tag).toBe("Failure")
  })
})

describe("constructors", () => {
  it("fill id, at and recordedAt from the injected clock and randomness", () => {
    const event = makeSync({ ...base, type: "latch", durationSec: 600, side: "both" }, entropy)
    expect(event.at).toBe(new Date(NOW).toISOString())
    expect(event.recordedAt).toBe(event.at)
    expect(uuidv7Time(event.id)).toBe(NOW)
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it("accept back-dated times as Date, epoch ms or ISO string", () => {
    const at = Date.UTC(2027, 2, 27, 22, 0)
    for (const input of [new Date(at), at, new Date(at).toISOString()]) {
      const event = makeSync({ ...base, type: "latch", durationSec: 600, side: "both", at: input }, entropy)
      expect(event.at).toBe("2027-03-27T22:00:00.000Z")
      expect(event.recordedAt).toBe(new Date(NOW).toISOString())
    }
  })

  it("convert fluid ounces and pounds/ounces", () => {
    const s = makeSync({ ...base, type: "supplement", flOz: 2, milk: "formula", via: "bottle" }, entropy)
    expect(s.ml).toBe(59.1) // 2 × 29.5735 = 59.147
    const p = makeSync(
      { ...base, type: "pump", durationSec: 900, method: "hand", leftFlOz: 1, rightFlOz: 0.5 },
      entropy
    )
    expect([p.leftMl, p.rightMl, p.totalMl]).toEqual([29.6, 14.8, 44.4])
    const w = makeSync({ ...base, type: "weigh-in", lb: 7, oz: 8 }, entropy)
    expect(w.grams).toBe(3402) // 3175.144 + 226.796 = 3401.94
  })

  it("refuse ambiguous units", () => {
    expect(() =>
      makeSync({ ...base, type: "supplement", ml: 30, flOz: 1, milk: "donor", via: "cup" })
    ).toThrow("supplement.ml: give either ml or flOz, not both")
  })

  it("throw InvalidEvent, a tagged Error naming the field", () => {
    try {
      makeSync({ ...base, type: "weigh-in", grams: 3 })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEvent)
      expect(error).toBeInstanceOf(Error)
      expect((error as InvalidEvent)._tag).toBe("InvalidEvent")
      expect((error as InvalidEvent).message).toBe("weigh-in.grams: must be between 300 and 30000 (got 3)")
    }
  })

  it("Effect constructors use Clock and Random, so a seed and a test clock make them deterministic", async () => {
    const program = makeLatch({ ...base, durationSec: 300, side: "right" }).pipe(Random.withSeed("seed-1"))
    const run = () =>
      Effect.runPromise(
        Effect.gen(function* () {
          yield* TestClock.setTime(NOW)
          return yield* program
        }).pipe(Effect.provide(TestClock.layer()))
      )
    const [a, b] = [await run(), await run()]
    expect(a).toEqual(b)
    expect(a.at).toBe(new Date(NOW).toISOString())
    expect(uuidv7Time(a.id)).toBe(NOW)
  })

  it("Effect constructors fail with InvalidEvent in the error channel", async () => {
    const exit = await Effect.runPromiseExit(make({ ...base, type: "medication", name: "" }))
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("medication.name: must not be empty")
  })
})
