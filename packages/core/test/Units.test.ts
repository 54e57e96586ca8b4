import { describe, expect, it } from "vitest"
import {
  flOzFromMl,
  formatVolume,
  formatWeight,
  gramsFromLbOz,
  lbOzFromGrams,
  mlFromFlOz
} from "@relactation/core"

describe("units", () => {
  it("uses the documented factors", () => {
    expect(mlFromFlOz(1)).toBe(29.6)
    expect(mlFromFlOz(4)).toBe(118.3) // 118.294
    expect(flOzFromMl(60)).toBe(2.03)
    expect(gramsFromLbOz(1)).toBe(454)
    expect(gramsFromLbOz(0, 1)).toBe(28)
    expect(gramsFromLbOz(8, 3)).toBe(3714) // 3628.736 + 85.0485
  })
  it("splits grams into pounds and ounces", () => {
    expect(lbOzFromGrams(3402)).toEqual({ lb: 7, oz: 8 })
    expect(lbOzFromGrams(454)).toEqual({ lb: 1, oz: 0 })
  })
  it("formats for display either way", () => {
    expect(formatVolume(59.147)).toBe("59.1 ml")
    expect(formatVolume(59.147, "fl-oz")).toBe("2 fl oz")
    expect(formatWeight(3401.9)).toBe("3402 g")
    expect(formatWeight(3402, "lb-oz")).toBe("7 lb 8 oz")
  })
})
