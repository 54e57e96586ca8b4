import "fake-indexeddb/auto"
import { describe, expect, it } from "vitest"
import { type FirstProjections, isFinalClose, openLog, reconnectDelay } from "../src/index.js"
import { clock, prng } from "./helpers.js"

describe("IndexedDB persistence (fake-indexeddb)", () => {
  it("keeps every event across a reopen", async () => {
    const c = clock()
    const options = {
      logId: "family-idb-0001",
      caregiver: "parent-a",
      child: "baby-1",
      persistence: { kind: "indexeddb" } as const,
      projections: { timeZone: "Europe/Berlin" },
      now: c.now,
      random: prng(11)
    }
    const first = await openLog(options)
    const a = await first.append({ type: "latch", durationSec: 700, side: "both" })
    const b = await first.append({ type: "medication", name: "domperidone", dose: 10, unit: "mg" })
    await first.close()
    await using second = await openLog({ ...options, random: prng(12) })
    expect(second.events.map((e) => e.id).sort()).toEqual([a.id, b.id].sort())
  })
})

describe("IndexedDB checkpoint (fake-indexeddb)", () => {
  it("is written on close and gives the first projections on the next open", async () => {
    const c = clock()
    const options = {
      logId: "family-idb-0002",
      caregiver: "parent-a",
      child: "baby-1",
      persistence: { kind: "indexeddb" } as const,
      projections: { timeZone: "Europe/Berlin" },
      now: c.now,
      random: prng(13)
    }
    const first = await openLog(options)
    await first.append({ type: "latch", durationSec: 700, side: "both" })
    await first.append({ type: "weigh-in", grams: 3600 })
    const before = { events: first.events, dailyTotals: first.dailyTotals, weightTrend: first.weightTrend }
    await first.close()
    const shown: Array<FirstProjections> = []
    await using second = await openLog({
      ...options,
      random: prng(14),
      onFirstProjections: (p) => shown.push(p)
    })
    expect(shown).toHaveLength(1)
    expect({
      events: shown[0]!.events,
      dailyTotals: shown[0]!.dailyTotals,
      weightTrend: shown[0]!.weightTrend
    }).toEqual(before)
    expect(second.events).toEqual(before.events)
    expect(second.dailyTotals).toEqual(before.dailyTotals)
  })
})

describe("reconnect policy", () => {
  it("backs off exponentially with jitter inside the upper half of each range", () => {
    const random = prng(5)
    const delays = Array.from({ length: 200 }, () => reconnectDelay(3, 5000, random))
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(400)
    for (const d of delays) expect(d).toBeLessThanOrEqual(800)
    expect(new Set(delays.map(Math.round)).size).toBeGreaterThan(100)
    expect(reconnectDelay(30, 5000, () => 1)).toBe(5000)
    expect(reconnectDelay(1, 5000, () => 0)).toBe(100)
  })

  it("stops only on the relay's final close codes", () => {
    expect(isFinalClose(4401)).toBe(true)
    expect(isFinalClose(4403)).toBe(true)
    expect(isFinalClose(4410)).toBe(true)
    expect(isFinalClose(4404)).toBe(true)
    expect(isFinalClose(1001)).toBe(false)
    expect(isFinalClose(4429)).toBe(false)
  })
})
