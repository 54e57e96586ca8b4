import fc from "fast-check"
import { afterEach, describe, expect, it, vi } from "vitest"
import { runSeed, runs, seedFor } from "../src/index.js"

const saved = { seed: process.env.FC_SEED, runs: process.env.FC_RUNS, global: fc.readConfigureGlobal() }
const restore = (name: "FC_SEED" | "FC_RUNS", value: string | undefined) => {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}
afterEach(() => {
  restore("FC_SEED", saved.seed)
  restore("FC_RUNS", saved.runs)
  fc.configureGlobal(saved.global)
})

describe("the run's seed", () => {
  it("is FC_SEED, which the root config always sets, and fast-check uses it", () => {
    expect(process.env.FC_SEED).toMatch(/^-?\d+$/)
    expect(runSeed()).toBe(Number(process.env.FC_SEED))
    expect(fc.readConfigureGlobal().seed).toBe(runSeed())
  })

  it("is printed with the test's name and how to replay it", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {})
    const seed = seedFor("a test")
    expect(log).toHaveBeenCalledWith(`[a test] seed ${seed} (replay with FC_SEED=${seed})`)
    log.mockRestore()
  })

  it("refuses an FC_SEED or FC_RUNS that is not a whole number, naming the variable", () => {
    process.env.FC_SEED = "12abc"
    expect(() => runSeed()).toThrow(/FC_SEED must be a whole number, got "12abc"/)
    process.env.FC_RUNS = "0"
    expect(() => runs(10)).toThrow(/FC_RUNS must be at least 1/)
  })
})

describe("FC_RUNS", () => {
  it("sets the count of a property that passes its own through runs(n), else keeps n", () => {
    delete process.env.FC_RUNS
    expect(runs(150)).toBe(150)
    process.env.FC_RUNS = "7"
    expect(runs(150)).toBe(7)
  })

  it("sets, through the setup file, the count of every property that names none", async () => {
    process.env.FC_RUNS = "7"
    process.env.FC_SEED = "1234"
    vi.resetModules()
    await import("../src/fastCheckSetup.js")
    let count = 0
    fc.assert(
      fc.property(fc.integer(), () => {
        count++
      })
    )
    expect(count).toBe(7)
    expect(fc.readConfigureGlobal().seed).toBe(1234)
  })
})
