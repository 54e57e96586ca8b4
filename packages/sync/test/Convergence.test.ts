// Randomized convergence at the document level, in the style of Yjs's own tests: 3–5 simulated
// devices make random appends and retractions, go offline and online, and receive each other's
// updates in any order (which a single relay connection never produces, so the log's ingest meets
// updates out of order). Afterwards every device has every event exactly once and equal
// projections, equal to the batch projections of the same entries. The sync protocol itself, with
// the relay, is exercised by ProtocolConvergence.test.ts. The seed is printed; FC_SEED replays it,
// FC_RUNS sets the rounds.
import { dailyTotals, decodeEntry, relactationProgress, weightTrend } from "@relactation/core"
import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import { type EventLog, openLog, type PersistenceAdapter } from "../src/index.js"
import { prng, randomDraft, runs, seedFor } from "./helpers.js"

const NET = Symbol("network")
const projections = { timeZone: "America/New_York", dayStartHour: 6 }

interface Device {
  readonly log: EventLog
  readonly doc: Y.Doc
  online: boolean
  readonly inbox: Array<Uint8Array>
}

const run = async (seed: number): Promise<void> => {
  const random = prng(seed)
  const int = (n: number) => Math.floor(random() * n)
  const count = 3 + int(3)
  let t = Date.parse("2027-03-27T12:00:00.000Z")
  const devices: Array<Device> = []
  for (let i = 0; i < count; i++) {
    let captured: Y.Doc | undefined
    const adapter: PersistenceAdapter = {
      kind: "test",
      open: (_logId, doc) => {
        captured = doc
        return Promise.resolve({ origin: undefined, flush: async () => {}, close: async () => {} })
      }
    }
    const log = await openLog({
      logId: "family-sim-0001",
      caregiver: `device-${i}`,
      child: "baby-1",
      persistence: { kind: "custom", adapter },
      projections,
      now: () => t,
      random: prng(seed + i + 1)
    })
    const device: Device = { log, doc: captured!, online: true, inbox: [] }
    devices.push(device)
  }
  // Each device sends its own updates to every online device's inbox.
  for (const from of devices) {
    from.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === NET || !from.online) return
      for (const to of devices) if (to !== from && to.online) to.inbox.push(update)
    })
  }
  const fullSync = (a: Device, b: Device): void => {
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)), NET)
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)), NET)
  }

  const appended: Array<string> = []
  for (let step = 0; step < 120; step++) {
    t += int(20) * 60_000
    const device = devices[int(devices.length)]!
    const roll = random()
    if (roll < 0.35) {
      const at = new Date(t - int(48) * 3_600_000).toISOString()
      const event = await device.log.append(randomDraft(int, at))
      appended.push(event.id)
    } else if (roll < 0.45 && device.log.events.length > 0) {
      const events = device.log.events.filter((e) => e.type !== "retract")
      const target = events[int(events.length)]
      if (target !== undefined) appended.push((await device.log.retract(target.id)).id)
    } else if (roll < 0.55) {
      device.online = !device.online
      device.inbox.length = 0
      if (device.online)
        for (const other of devices) if (other !== device && other.online) fullSync(device, other)
    } else if (device.inbox.length > 0) {
      // Deliver one pending update, picked at random: arbitrary delivery order.
      const [update] = device.inbox.splice(int(device.inbox.length), 1)
      Y.applyUpdate(device.doc, update!, NET)
    }
  }
  // Everyone back online, everything delivered.
  for (const d of devices) d.online = true
  for (const a of devices) for (const b of devices) if (a !== b) fullSync(a, b)

  const [first, ...rest] = devices
  const ids = first!.log.events.map((e) => e.id)
  expect(new Set(ids).size).toBe(ids.length)
  expect([...ids].sort()).toEqual([...appended].sort())
  const entries = [...first!.doc.getMap("events").entries()].map(([, raw]) => decodeEntry(raw))
  expect(first!.log.dailyTotals).toEqual(dailyTotals(entries, projections))
  expect(first!.log.weightTrend).toEqual(weightTrend(entries, {}))
  expect(first!.log.relactationProgress).toEqual(relactationProgress(entries, projections))
  for (const d of rest) {
    expect(d.log.events).toEqual(first!.log.events)
    expect(d.log.dailyTotals).toEqual(first!.log.dailyTotals)
    expect(d.log.weightTrend).toEqual(first!.log.weightTrend)
    expect(d.log.relactationProgress).toEqual(first!.log.relactationProgress)
  }
  for (const d of devices) await d.log.close()
}

describe("randomized convergence", () => {
  it("3–5 devices with random appends, retractions, disconnects and delivery orders converge", async () => {
    const seed = seedFor("sync convergence")
    for (let round = 0; round < runs(10); round++) await run(seed + round * 7919)
  })
})
