// The packed plaintext of sealed entries: lossless for any flat JSON object (what the event's
// `JSON.stringify` would write, key order included), and undefined, never a throw, for bytes that
// are not format 1.
import fc from "fast-check"
import { runs as runsOf, seedFor } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import { pack, unpack } from "../src/internal/Packed.js"

const seed = seedFor("Packed")
const runs = runsOf(200)

const same = (value: Record<string, unknown>) =>
  expect(JSON.stringify(unpack(pack(value)))).toBe(JSON.stringify(value))

describe("pack", () => {
  it("round-trips any JSON object", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        same(value)
      }),
      { seed, numRuns: runs }
    )
  })

  it("round-trips the values it packs specially, and their near misses", () => {
    same({
      id: "019b8b79-6378-7e3d-b5ae-1257aa74d8ac",
      upper: "019B8B79-6378-7E3D-B5AE-1257AA74D8AC",
      at: "2027-03-28T01:30:00.000Z",
      subMs: "2027-03-28T01:30:00.0009Z",
      noMs: "2027-03-28T01:30:00Z",
      before1970: "1969-12-31T23:59:59.999Z",
      notReal: "2027-02-30T01:30:00.000Z",
      tenths: 37.5,
      float: 0.1 + 0.2,
      negative: -12,
      big: 2 ** 52 + 1,
      tiny: 1e-300,
      word: "formula",
      almostWord: "formulas",
      empty: "",
      text: "Mila Rose 🍼 ß",
      nested: { a: [1, "two", null] },
      yes: true,
      no: false,
      nothing: null
    })
  })

  it("keeps key order and a literal __proto__ key, as JSON.parse would", () => {
    const value = JSON.parse('{"z":1,"__proto__":{"x":1},"a":"b"}') as Record<string, unknown>
    const back = unpack(pack(value))!
    expect(Object.keys(back)).toEqual(["z", "__proto__", "a"])
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(JSON.stringify(back)).toBe(JSON.stringify(value))
  })

  it("packs the wire form compactly: ids in 16 bytes, instants in 6, known names and words in 1", () => {
    const latch = {
      id: "019b8b79-6378-7e3d-b5ae-1257aa74d8ac",
      type: "latch",
      v: 1,
      child: "child-1",
      by: "caregiver-a",
      at: "2026-01-04T23:54:18.000Z",
      recordedAt: "2026-01-05T00:05:47.000Z",
      durationSec: 900,
      side: "left"
    }
    // 1 format + 18 id + 3 type + 3 v + 10 child + 14 by + 8 + 8 instants + 4 duration + 3 side + 1 end
    expect(pack(latch)).toHaveLength(73)
    expect(JSON.stringify(latch).length).toBe(207)
  })
})

describe("unpack", () => {
  const good = pack({ id: "019b8b79-6378-7e3d-b5ae-1257aa74d8ac", type: "latch", side: "left" })

  it("gives undefined for another format, an unknown type or word, a duplicate, or an early end", () => {
    expect(unpack(good)).toBeDefined()
    const change = (at: number, byte: number) => {
      const copy = Uint8Array.from(good)
      copy[at] = byte
      return copy
    }
    expect(unpack(change(0, 2))).toBeUndefined() // format 2
    expect(unpack(change(2, 99))).toBeUndefined() // value type 99 after the first name
    expect(unpack(change(good.length - 2, 200))).toBeUndefined() // word 200
    expect(unpack(change(good.length - 1, 40))).toBeUndefined() // name 40, then nothing
    expect(unpack(new Uint8Array([1, 2, 7, 0, 2, 7, 1, 0]))).toBeUndefined() // "type" twice
    expect(unpack(new Uint8Array([1, 22, 6, 9, 65]))).toBeUndefined() // a string cut short
    expect(unpack(new Uint8Array([]))).toBeUndefined()
  })

  it("never throws on any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const value = unpack(Uint8Array.of(1, ...bytes))
        expect(value === undefined || typeof value === "object").toBe(true)
      }),
      { seed, numRuns: runs * 5 }
    )
  })

  it("ignores the zero padding after the end", () => {
    const padded = new Uint8Array(128)
    padded.set(good)
    expect(unpack(padded)).toEqual(unpack(good))
  })
})
