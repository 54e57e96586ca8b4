import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import * as Y from "yjs"
import { COMPACT_AFTER, decodeRecords, encodeRecord } from "../src/FilePersistence.js"
import { openLog } from "../src/node.js"
import { clock, prng } from "./helpers.js"

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "relactation-sync-"))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const options = (path: string, seed = 1) => {
  const c = clock()
  return {
    logId: "family-file-1",
    caregiver: "parent-a",
    child: "baby-1",
    persistence: { kind: "file", path } as const,
    projections: { timeZone: "Europe/Berlin" },
    now: c.now,
    random: prng(seed)
  }
}

describe("FilePersistence", () => {
  it("round-trips records and stops at a torn or corrupt tail", () => {
    const a = new Uint8Array([1, 2, 3])
    const b = new Uint8Array([4, 5])
    const whole = new Uint8Array([...encodeRecord(a), ...encodeRecord(b)])
    expect(decodeRecords(whole)).toEqual({ updates: [a, b], torn: false })
    expect(decodeRecords(whole.subarray(0, whole.length - 1))).toEqual({ updates: [a], torn: true })
    expect(decodeRecords(whole.subarray(0, 13))).toEqual({ updates: [a], torn: true })
    const corrupt = whole.slice()
    corrupt[corrupt.length - 1] = 99
    expect(decodeRecords(corrupt)).toEqual({ updates: [a], torn: true })
  })

  it("keeps every event across a restart", async () => {
    const path = join(dir, "sub", "log.ylog")
    const first = await openLog(options(path))
    const a = await first.append({ type: "latch", durationSec: 600, side: "left" })
    const b = await first.append({ type: "weigh-in", grams: 3400 })
    await first.close()
    await using second = await openLog(options(path, 2))
    expect(second.events.map((e) => e.id).sort()).toEqual([a.id, b.id].sort())
    expect(second.dailyTotals).toEqual(first.dailyTotals)
  })

  it("ignores a torn last record (crash mid-write) and keeps appending", async () => {
    const path = join(dir, "log.ylog")
    const first = await openLog(options(path))
    const a = await first.append({ type: "latch", durationSec: 600, side: "left" })
    await first.close()
    const update = new Uint8Array(40).fill(7)
    await appendFile(path, encodeRecord(update).subarray(0, 20))
    const second = await openLog(options(path, 2))
    expect(second.events.map((e) => e.id)).toEqual([a.id])
    const b = await second.append({ type: "weigh-in", grams: 3400 })
    await second.close()
    await using third = await openLog(options(path, 3))
    expect(third.events.map((e) => e.id).sort()).toEqual([a.id, b.id].sort())
  })

  it("compacts a long file into one record of the whole state on open", async () => {
    const path = join(dir, "log.ylog")
    const first = await openLog(options(path))
    for (let i = 0; i <= COMPACT_AFTER; i++) await first.append({ type: "weigh-in", grams: 3000 + i })
    await first.close()
    expect(decodeRecords(await readFile(path)).updates.length).toBeGreaterThan(COMPACT_AFTER)
    const second = await openLog(options(path, 2))
    expect(second.events).toHaveLength(COMPACT_AFTER + 1)
    await second.close()
    const { updates, torn } = decodeRecords(await readFile(path))
    expect(torn).toBe(false)
    expect(updates).toHaveLength(1)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, updates[0]!)
    expect(doc.getMap("events").size).toBe(COMPACT_AFTER + 1)
  })
})
