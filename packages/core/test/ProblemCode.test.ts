// Every reason an event is refused for carries a stable code next to its English message, so an
// app can translate it.
import { describe, expect, it } from "vitest"
import { decodeEntry, makeSync, problemCode } from "../src/index.js"

const reasons = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return (e as { problems: ReadonlyArray<{ path: ReadonlyArray<unknown>; code: string }> }).problems.map(
      (p) => [p.path.join("."), p.code]
    )
  }
  throw new Error("expected a refusal")
}
const base = { child: "baby-1", by: "parent-a" }

describe("problem codes", () => {
  it("name the rule each field broke", () => {
    expect(
      reasons(() => makeSync({ ...base, type: "pump", durationSec: 600, method: "hand", totalMl: -5 }))
    ).toEqual([["totalMl", "range"]])
    expect(reasons(() => makeSync({ ...base, type: "medication", name: "" }))).toEqual([["name", "empty"]])
    expect(reasons(() => makeSync({ ...base, type: "latch", durationSec: 1.5, side: "left" }))).toEqual([
      ["durationSec", "whole-number"]
    ])
    expect(
      reasons(() => makeSync({ ...base, type: "latch", durationSec: 60, side: "up" as "left" }))
    ).toEqual([["side", "one-of"]])
    expect(
      reasons(() => makeSync({ ...base, type: "supplement", ml: 10, flOz: 1, milk: "formula", via: "cup" }))
    ).toEqual([["ml", "either"]])
  })

  it("also on decoding stored entries", () => {
    const entry = decodeEntry({ id: "x", type: "weigh-in", v: 1 })
    expect(entry).toMatchObject({ _tag: "InvalidEntry" })
    const codes = "problems" in entry ? entry.problems.map((p) => p.code) : []
    expect(codes).toContain("required")
    expect(codes).toContain("format")
  })

  it("classify the messages the schemas write, and nothing else as one of them", () => {
    expect(problemCode("must be between 1 and 14400")).toBe("range")
    expect(problemCode("must be at most 64 characters")).toBe("too-long")
    expect(problemCode("must be an IANA time zone name such as Europe/Berlin")).toBe("format")
    expect(problemCode("something new")).toBe("invalid")
  })
})
