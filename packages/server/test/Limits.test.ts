import { describe, expect, it } from "vitest"
import { defaultLimits, type RelayLimits, resolveLimits } from "../src/index.js"

describe("resolveLimits", () => {
  it("fills in every default", () => {
    expect(resolveLimits()).toEqual(defaultLimits)
    expect(resolveLimits({})).toEqual(defaultLimits)
  })

  it("keeps the given values and ignores explicit undefined", () => {
    const resolved = resolveLimits({
      maxConnectionsPerLog: 3,
      maxLogBytes: undefined
    } as unknown as Partial<RelayLimits>)
    expect(resolved.maxConnectionsPerLog).toBe(3)
    expect(resolved.maxLogBytes).toBe(defaultLimits.maxLogBytes)
  })

  it.each(Object.keys(defaultLimits) as Array<keyof RelayLimits>)(
    "rejects a value of %s that cannot work, naming the field and the rule",
    (key) => {
      const min = key === "unloadAfterMs" ? 0 : 1
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, min - 1, -5, "8" as unknown as number]) {
        expect(() => resolveLimits({ [key]: bad })).toThrow(`limits.${key} must be a finite number >= ${min}`)
      }
      const fine = key === "maxSockets" ? defaultLimits.maxConnections + 1 : min + 1
      expect(resolveLimits({ [key]: fine })[key]).toBe(fine)
    }
  )

  it("accepts 0 only for unloadAfterMs (unload at once)", () => {
    expect(resolveLimits({ unloadAfterMs: 0 }).unloadAfterMs).toBe(0)
    expect(() => resolveLimits({ maxConnections: 0 })).toThrow(
      "limits.maxConnections must be a finite number >= 1"
    )
  })

  it("rejects a field it does not know, so a typo is not silently ignored", () => {
    expect(() => resolveLimits({ maxConections: 3 } as Partial<RelayLimits>)).toThrow(
      "limits.maxConections is not a relay limit"
    )
  })

  it("derives maxSockets from maxConnections unless given, and never below it", () => {
    expect(resolveLimits({ maxConnections: 50 }).maxSockets).toBe(1_050)
    expect(resolveLimits({ maxConnections: 50, maxSockets: 60 }).maxSockets).toBe(60)
    expect(() => resolveLimits({ maxConnections: 50, maxSockets: 40 })).toThrow(
      "limits.maxSockets must be at least limits.maxConnections"
    )
  })
})
