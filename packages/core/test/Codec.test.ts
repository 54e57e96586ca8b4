// Codec runs the event schemas through Effect's JIT compiler. The schemas stay the only definition
// of validity, so the compiled guard must accept exactly what the interpreted schema accepts:
// checked here against a process that never enables the compiler, on valid events and on events
// with a field broken, dropped or added.
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { serialize, deserialize } from "node:v8"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeEntry, isEvent } from "@relactation/core"
import { anyEvent } from "./eventArbitrary.js"
import { printSeed } from "./arbitraries.js"

const weird: ReadonlyArray<unknown> = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  -1,
  0.5,
  1,
  1.5,
  299,
  300,
  14_400,
  14_401,
  30_000,
  100_000,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  "",
  " ",
  " x",
  "x ",
  "left",
  "both",
  "sns",
  "formula",
  "female",
  "clinic",
  "Europe/Berlin",
  "Nowhere/City",
  "2027-02-30",
  "2027-02-28",
  "2027-03-28T01:30:00.000Z",
  "2027-03-28T24:00:00Z",
  "2027-03-28T01:30:00+01:00",
  "01890a5d-ac96-774b-bcce-b302099a8057",
  "01890a5d-ac96-474b-bcce-b302099a8057",
  "x".repeat(65),
  "a".repeat(101),
  [],
  {},
  ["left"]
]

// A valid event with one field replaced by an odd value, removed, or an extra field added.
const mutated = fc
  .tuple(anyEvent, fc.nat(), fc.constantFrom(...weird), fc.constantFrom("set", "delete", "extra"))
  .map(([event, i, value, how]) => {
    const raw: Record<string, unknown> = { ...event }
    const keys = Object.keys(raw).filter((k) => k !== "type")
    const key = keys[i % keys.length]!
    if (how === "delete") delete raw[key]
    else if (how === "extra") raw.extra = value
    else raw[key] = value
    return raw
  })

const support = fileURLToPath(new URL("./support/interpretedVerdicts.ts", import.meta.url))
const root = fileURLToPath(new URL("../../../", import.meta.url))

const interpreted = (raws: ReadonlyArray<unknown>): Array<{ is: boolean; decodes: boolean }> => {
  const dir = mkdtempSync(join(tmpdir(), "codec-"))
  try {
    const file = join(dir, "raws.bin")
    writeFileSync(file, serialize(raws))
    const out = execFileSync(process.execPath, ["--import", "tsx", support, file], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024
    })
    return deserialize(Buffer.from(out, "base64"))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("decodeEntry with compiled schemas", () => {
  it("accepts exactly what the interpreted schema accepts", () => {
    const seed = printSeed()
    const raws = [
      ...fc.sample(anyEvent, { seed, numRuns: 1_000 }),
      ...fc.sample(mutated, { seed: seed + 1, numRuns: 4_000 })
    ] as Array<Record<string, unknown>>
    const verdicts = interpreted(raws)
    expect(verdicts).toHaveLength(raws.length)
    let accepted = 0
    let rejected = 0
    raws.forEach((raw, i) => {
      const reference = verdicts[i]!
      expect(reference.is, JSON.stringify(raw)).toBe(reference.decodes)
      const entry = decodeEntry(raw)
      // `v` and `type` are checked before the schema; every raw here has type and v of a known event.
      const ok = isEvent(entry)
      expect(ok, `${JSON.stringify(raw)} (seed ${seed})`).toBe(reference.is)
      if (ok) accepted++
      else rejected++
    })
    // Both sides of the property were exercised.
    expect(accepted).toBeGreaterThan(1_000)
    expect(rejected).toBeGreaterThan(1_000)
  }, 60_000)
})

describe("decodeEntry reads own properties only", () => {
  it("quarantines an entry whose fields are all inherited through a __proto__ key, keeping it", () => {
    fc.assert(
      fc.property(anyEvent, (event) => {
        // What a decoder that assigns keys one by one (obj[key] = value) makes of {"__proto__": {...}}.
        const crafted: Record<string, unknown> = {}
        const key: string = "__proto__"
        crafted[key] = structuredClone(event)
        expect(Object.keys(crafted)).toEqual([])
        const entry = decodeEntry(crafted)
        expect(isEvent(entry)).toBe(false)
        expect(entry).toMatchObject({ _tag: "InvalidEntry", raw: crafted })
        // The same fields as own properties still decode.
        expect(isEvent(decodeEntry(structuredClone(event)))).toBe(true)
        expect(isEvent(decodeEntry(Object.assign(Object.create(null), structuredClone(event))))).toBe(true)
      }),
      { numRuns: 50 }
    )
  })
})
