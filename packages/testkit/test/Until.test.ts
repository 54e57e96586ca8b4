import { describe, expect, it } from "vitest"
import { until } from "../src/index.js"

describe("until", () => {
  it("resolves once the check holds, sync or async", async () => {
    let n = 0
    await until("n to reach 3", () => ++n >= 3, 1_000, 1)
    expect(n).toBe(3)
    let m = 0
    await until("m to reach 2", async () => ++m >= 2, 1_000, 1)
    expect(m).toBe(2)
  })

  it("with everyMs 0, checks on every event-loop turn", async () => {
    let n = 0
    await until("n to reach 50", () => ++n >= 50, 1_000, 0)
    expect(n).toBe(50)
  })

  it("rejects naming what it waited for after the deadline", async () => {
    await expect(until("the impossible", () => false, 50)).rejects.toThrow(
      "timed out after 50 ms waiting for the impossible"
    )
  })
})
