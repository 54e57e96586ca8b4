// Events are versioned by `type@v`: every registered version decodes with its own schema and is
// upgraded to the current version of its type; an unknown version of a known type is kept as
// unknown. The upgrade path is exercised with a registry where `latch` already has a version 2.
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  commonFields,
  decodeEntry,
  eventTypes,
  eventVersions,
  Latch,
  schemas,
  Side,
  versionKey
} from "@relactation/core"
import { makeEntryDecoder } from "../src/internal/Decoder.js"

const base = {
  id: "01951e5a-7c00-7a3b-9c1d-2e3f4a5b6c7d",
  child: "baby-1",
  by: "parent-a",
  at: "2027-03-28T01:30:00.000Z",
  recordedAt: "2027-03-28T01:35:00.000Z"
}
const latchV1 = { ...base, type: "latch", v: 1, durationSec: 900, side: "left" }

// A version 2 of latch as it might ship: milliseconds instead of seconds.
const LatchV2 = Schema.Struct({
  ...commonFields,
  v: Schema.Literal(2),
  type: Schema.Literal("latch"),
  durationMs: Schema.Finite,
  side: Side
})
const withLatchV2 = makeEntryDecoder({
  ...eventVersions,
  "latch@1": {
    type: "latch",
    v: 1,
    schema: Latch,
    upgrade: ({ durationSec, ...rest }: typeof Latch.Type) => ({
      ...rest,
      v: 2,
      durationMs: durationSec * 1000
    })
  },
  "latch@2": { type: "latch", v: 2, schema: LatchV2, upgrade: undefined }
})

describe("event versions", () => {
  it("registers every type at its current version, keyed type@v", () => {
    for (const type of eventTypes) {
      const version = eventVersions[versionKey(type, 1)]!
      expect(version).toMatchObject({ type, v: 1, upgrade: undefined })
      expect(version.schema).toBe(schemas[type])
    }
    expect(Object.keys(eventVersions)).toEqual(eventTypes.map((t) => `${t}@1`))
  })

  it("a v1 entry decodes through its own schema and the upgrade to the current version", () => {
    expect(withLatchV2(latchV1)).toEqual({ ...base, type: "latch", v: 2, durationMs: 900_000, side: "left" })
    // A current entry is returned as is.
    const v2 = { ...base, type: "latch", v: 2, durationMs: 5000, side: "both" }
    expect(withLatchV2(v2)).toBe(v2)
    // A v1 entry that breaks v1's rules is invalid, named by v1's field, and not upgraded.
    expect(withLatchV2({ ...latchV1, durationSec: 0 })).toMatchObject({
      _tag: "InvalidEntry",
      type: "latch",
      problems: [{ path: ["durationSec"], message: "must be between 1 and 14400 (got 0)" }]
    })
    // Other types are untouched by latch's versions.
    const pump = { ...base, type: "pump", v: 1, durationSec: 60, method: "hand", totalMl: 0 }
    expect(withLatchV2(pump)).toBe(pump)
  })

  it("an upgrade that gives an invalid current event quarantines the entry instead of losing it", () => {
    const broken = makeEntryDecoder({
      ...eventVersions,
      "latch@1": { type: "latch", v: 1, schema: Latch, upgrade: (e: typeof Latch.Type) => ({ ...e, v: 2 }) },
      "latch@2": { type: "latch", v: 2, schema: LatchV2, upgrade: undefined }
    })
    expect(broken(latchV1)).toMatchObject({
      _tag: "InvalidEntry",
      type: "latch",
      raw: latchV1,
      problems: [{ path: ["durationMs"], message: "is required after the upgrade from v1" }]
    })
  })

  it("an unknown version of a known type, or an unknown type, is kept as unknown", () => {
    for (const decode of [decodeEntry, withLatchV2]) {
      const v3 = { ...latchV1, v: 3 }
      expect(decode(v3)).toEqual({ _tag: "UnknownEntry", id: base.id, type: "latch", v: 3, raw: v3 })
    }
    expect(decodeEntry({ ...latchV1, v: 2 })).toMatchObject({ _tag: "UnknownEntry", type: "latch", v: 2 })
    expect(decodeEntry({ ...latchV1, type: "diaper" })).toMatchObject({
      _tag: "UnknownEntry",
      type: "diaper"
    })
  })

  it("a registry without a current version, or with two, is refused at once", () => {
    expect(() =>
      makeEntryDecoder({
        "latch@1": { type: "latch", v: 1, schema: Latch, upgrade: (e: object) => ({ ...e }) }
      })
    ).toThrow(/latch has no current version/)
    expect(() =>
      makeEntryDecoder({
        "latch@1": { type: "latch", v: 1, schema: Latch, upgrade: undefined },
        "latch@2": { type: "latch", v: 2, schema: LatchV2, upgrade: undefined }
      })
    ).toThrow(/two current versions/)
    expect(() =>
      makeEntryDecoder({ "latch@2": { type: "latch", v: 1, schema: Latch, upgrade: undefined } })
    ).toThrow(/registered as latch@1/)
  })
})
