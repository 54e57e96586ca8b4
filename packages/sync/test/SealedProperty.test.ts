// A property: for random logs (every day-event type, retractions, profile events, duplicates) and
// random delivery (each document update handed to a receiving device in a random order, some
// twice), a sealed log and a plaintext log of the same events give identical events and
// projections, on the writing device and on the receiving one.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import {
  type EventLog,
  generateFamilyKey,
  type OpenLogOptions,
  openLog,
  type PersistenceAdapter
} from "../src/index.js"
import { randomDraft, runs, seedFor, until } from "./helpers.js"

const capture = () => {
  const docs: Array<Y.Doc> = []
  const adapter: PersistenceAdapter = {
    kind: "capture",
    open: async (_logId, doc) => {
      docs.push(doc)
      return { origin: undefined, flush: async () => {}, close: async () => {} }
    }
  }
  return { docs, persistence: { kind: "custom", adapter } as const }
}

const open = async (key: string | undefined) => {
  const c = capture()
  const options: OpenLogOptions = {
    logId: "family-prop-1",
    caregiver: "parent-a",
    child: "baby-1",
    projections: { timeZone: "Europe/Berlin", dayStartHour: 6 },
    persistence: c.persistence,
    ...(key === undefined ? {} : { key })
  }
  const log = await openLog(options)
  return { log, doc: c.docs[0]! }
}

const same = (a: EventLog, b: EventLog) => {
  expect(a.events).toEqual(b.events)
  expect(a.dailyTotals).toEqual(b.dailyTotals)
  expect(a.weightTrend).toEqual(b.weightTrend)
  expect(a.relactationProgress).toEqual(b.relactationProgress)
}

describe("sealed and plaintext logs", () => {
  it("give identical projections for random logs and random delivery", async () => {
    const seed = seedFor("sealed vs plaintext")
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        fc.integer({ min: 3, max: 40 }),
        fc.array(fc.nat(), { minLength: 100, maxLength: 100 }),
        async (draws, count, order) => {
          let d = 0
          const int = (n: number) => draws[d++ % draws.length]! % n
          const key = generateFamilyKey()
          const writers = [await open(undefined), await open(key)]
          const receivers = [await open(undefined), await open(key)]
          const updates = writers.map(({ doc }) => {
            const list: Array<Uint8Array> = []
            doc.on("update", (u: Uint8Array) => list.push(u))
            return list
          })
          try {
            const events = []
            for (let i = 0; i < count; i++) {
              const at = new Date(Date.parse("2027-03-20T00:00:00Z") + int(5 * 24) * 3_600_000).toISOString()
              events.push(await writers[0]!.log.append(randomDraft(int, at)))
            }
            events.push(
              await writers[0]!.log.append({
                type: "child",
                name: "Mila",
                birthDate: "2027-02-14",
                sex: "female"
              })
            )
            events.push(await writers[0]!.log.retract(events[int(events.length)]!.id, "mistake"))
            for (const e of events) await writers[1]!.log.append(e) // the same events, sealed
            await writers[1]!.log.append(events[0]!) // a duplicate: a no-op
            same(writers[0]!.log, writers[1]!.log)
            // Random delivery: a shuffled order, with a few updates delivered twice.
            for (const [w, list] of updates.entries()) {
              const shuffled = list.map((u, i) => [order[i % order.length]! + i * 0.001, u] as const)
              shuffled.sort((x, y) => x[0] - y[0])
              for (const [, u] of [...shuffled, ...shuffled.slice(0, 3)])
                Y.applyUpdate(receivers[w]!.doc, u, "remote")
            }
            await until("receivers hold every event", () =>
              receivers.every((r) => r.log.events.length === events.length)
            )
            same(receivers[0]!.log, receivers[1]!.log)
            same(receivers[1]!.log, writers[0]!.log)
            expect(receivers[1]!.log.problems).toEqual([])
          } finally {
            for (const { log } of [...writers, ...receivers]) await log.close()
          }
        }
      ),
      { seed, numRuns: runs(8) }
    )
  }, 120_000)
})
