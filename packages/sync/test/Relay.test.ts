// Two clients and a real relay (port 0): sync, offline convergence, restart from persistence,
// foreign writers.
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { dailyTotals, decodeEntry, relactationProgress, weightTrend } from "@relactation/core"
import { createRelay } from "@relactation/server"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { WebsocketProvider } from "y-websocket"
import * as Y from "yjs"
import type { EventLog, LogChange, OpenLogOptions } from "../src/node.js"
import { phone, until } from "./helpers.js"

const LOG = "family-relay-1"
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "relactation-sync-relay-"))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const relayAt = (port = 0) =>
  createRelay({
    port,
    dataDir: join(dir, "relay"),
    secret: "8di7rTkUZoMx5KZTfEwUcOBmg4KeRD__ziftrvkUYS4",
    log: () => {}
  })

const client = (
  relay: { url: string; token(logId: string): string },
  caregiver: string,
  seed: number,
  extra: Partial<OpenLogOptions> = {}
): Promise<EventLog> =>
  phone(relay, LOG, caregiver, seed, {
    projections: { timeZone: "Europe/Berlin", dayStartHour: 6 },
    ...extra
  })

const ids = (log: EventLog): Array<string> => log.events.map((e) => e.id).sort()

describe("sync through the relay", () => {
  it("A appends, B sees the event and identical projections", async () => {
    await using relay = await relayAt()
    await using a = await client(relay, "parent-a", 1)
    await using b = await client(relay, "parent-b", 2)
    await Promise.all([a.whenSynced(), b.whenSynced()])
    const seen: Array<string> = []
    b.subscribe((change) => {
      if (change.origin === "remote") seen.push(...change.added.map((e) => e.id))
    })
    const latch = await a.append({ type: "latch", durationSec: 900, side: "left" })
    await a.append({ type: "supplement", ml: 30, milk: "formula", via: "sns", latch: latch.id })
    await a.append({ type: "weigh-in", grams: 3650 })
    await until("B to see A's events", () => b.events.length === 3)
    expect(seen).toHaveLength(3)
    expect(b.events).toEqual(a.events)
    expect(b.dailyTotals).toEqual(a.dailyTotals)
    expect(b.weightTrend).toEqual(a.weightTrend)
    expect(b.relactationProgress).toEqual(a.relactationProgress)
    await a.whenSynced()
    expect(a.status).toBe("synced")
  })

  it("both offline, both append, both reconnect: every event present exactly once", async () => {
    await using relay = await relayAt()
    await using a = await client(relay, "parent-a", 3)
    await using b = await client(relay, "parent-b", 4)
    await Promise.all([a.whenSynced(), b.whenSynced()])
    a.disconnect()
    b.disconnect()
    expect(a.status).toBe("offline")
    const fromA = [
      await a.append({ type: "latch", durationSec: 600, side: "left" }),
      await a.append({ type: "pump", durationSec: 900, method: "electric", totalMl: 20 })
    ]
    const fromB = [
      await b.append({ type: "supplement", ml: 60, milk: "expressed", via: "bottle" }),
      await b.retract(fromA[0]!.id)
    ]
    expect(b.events).toHaveLength(2)
    a.connect()
    b.connect()
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await until("convergence", () => a.events.length === 4 && b.events.length === 4)
    const all = [...fromA, ...fromB].map((e) => e.id).sort()
    expect(ids(a)).toEqual(all)
    expect(ids(b)).toEqual(all)
    expect(b.dailyTotals).toEqual(a.dailyTotals)
    expect(b.relactationProgress).toEqual(a.relactationProgress)
  })

  it("synced after appending offline means the relay has those events, even when they travel slowly", async () => {
    // A socket on which a sync-step-2 frame (what the relay asked for: here the offline append)
    // takes 300 ms, and the frames after it wait behind it, as on one TCP stream.
    class SlowStep2 extends WebSocket {
      #behind: Promise<void> = Promise.resolve()
      override send(data: Uint8Array): void {
        const slow = data[0] === 0 && data[1] === 1
        this.#behind = this.#behind.then(
          () => new Promise<void>((resolve) => setTimeout(resolve, slow ? 300 : 0))
        )
        void this.#behind.then(() => {
          if (this.readyState === WebSocket.OPEN) super.send(data)
        })
      }
    }
    await using relay = await relayAt()
    await using a = await client(relay, "parent-a", 12, { WebSocketPolyfill: SlowStep2 })
    await a.whenSynced()
    a.disconnect()
    const offline = await a.append({ type: "weigh-in", grams: 3000 })
    a.connect()
    await a.whenSynced()
    // A phone that connects right now gets the offline append from the relay.
    await using b = await client(relay, "parent-b", 13)
    await b.whenSynced()
    expect(ids(b)).toEqual([offline.id])
  })

  it("a client restarted from its file with the relay down has every event, then syncs what it missed", async () => {
    const path = join(dir, "a.ylog")
    const relay1 = await relayAt()
    const port = relay1.port
    const a1 = await client(relay1, "parent-a", 5, { persistence: { kind: "file", path } })
    const b = await client(relay1, "parent-b", 6)
    const e1 = await a1.append({ type: "latch", durationSec: 600, side: "right" })
    await until("B to see e1", () => b.events.length === 1)
    await a1.close()
    const e2 = await b.append({ type: "weigh-in", grams: 3500 })
    await b.whenSynced()
    await relay1.close()

    // Relay down: A restarts from its file alone.
    const a2 = await client(relay1, "parent-a", 7, { persistence: { kind: "file", path } })
    expect(ids(a2)).toEqual([e1.id])
    expect(a2.status).not.toBe("synced")
    const e3 = await a2.append({ type: "supplement", ml: 45, milk: "donor", via: "cup" })

    // The relay comes back on the same port: both catch up.
    await using relay2 = await relayAt(port)
    expect(relay2.url).toBe(relay1.url)
    await until("catch-up after relay restart", () => a2.events.length === 3 && b.events.length === 3, 10_000)
    const all = [e1, e2, e3].map((e) => e.id).sort()
    expect(ids(a2)).toEqual(all)
    expect(ids(b)).toEqual(all)
    expect(a2.dailyTotals).toEqual(b.dailyTotals)
    await a2.close()
    await b.close()
  })

  it("entries a foreign writer put in the map are kept, reported and skipped", async () => {
    await using relay = await relayAt()
    await using a = await client(relay, "parent-a", 8)
    await using b = await client(relay, "parent-b", 9)
    await a.append({ type: "latch", durationSec: 900, side: "both" })
    await a.append({ type: "supplement", ml: 30, milk: "formula", via: "bottle" })
    await until("B to see A's events", () => b.events.length === 2)
    const daysBefore = a.dailyTotals.days

    const doc = new Y.Doc()
    const raw = new WebsocketProvider(relay.url, LOG, doc, {
      params: { token: relay.token(LOG) },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true
    })
    try {
      await until("raw client sync", () => raw.synced)
      const events = doc.getMap<unknown>("events")
      const invalid = { id: "01900000-0000-7000-8000-000000000001", type: "latch", v: 1, durationSec: -5 }
      const future = {
        id: "01900000-0000-7000-8000-000000000002",
        type: "bottle-warmer",
        v: 1,
        child: "baby-1",
        by: "robot",
        at: "2027-03-28T02:00:00.000Z",
        recordedAt: "2027-03-28T02:00:00.000Z",
        celsius: 37
      }
      doc.transact(() => {
        events.set(invalid.id, invalid)
        events.set(future.id, future)
      })
      for (const log of [a, b]) {
        await until("problems to be reported", () => log.problems.length === 2)
        expect(log.problems.map((p) => p._tag).sort()).toEqual(["InvalidEntry", "UnknownEntry"])
        expect(log.events).toHaveLength(2)
        expect(log.dailyTotals.days).toEqual(daysBefore)
        const exported = JSON.parse(log.exportJson()) as Array<{ id: string }>
        expect(exported.map((e) => e.id)).toEqual(expect.arrayContaining([invalid.id, future.id]))
      }
      // Both keep working, and leave the foreign entries untouched.
      await b.append({ type: "weigh-in", grams: 3700 })
      await until("A to see B's new event", () => a.events.length === 3)
      await until("raw client to see it", () => events.size === 5)
      expect(events.get(invalid.id)).toEqual(invalid)
      expect(events.get(future.id)).toEqual(future)
      expect(b.dailyTotals).toEqual(a.dailyTotals)
    } finally {
      raw.destroy()
      doc.destroy()
    }
  })

  it("a foreign writer changes one entry and deletes another: every device rebuilds from the map as it is", async () => {
    await using relay = await relayAt()
    await using a = await client(relay, "parent-a", 10)
    await using b = await client(relay, "parent-b", 11)
    const latch = await a.append({ type: "latch", durationSec: 900, side: "left" })
    const supplement = await a.append({ type: "supplement", ml: 30, milk: "formula", via: "bottle" })
    const weighIn = await b.append({ type: "weigh-in", grams: 3500 })
    await until("both to see 3 events", () => a.events.length === 3 && b.events.length === 3)
    const changes: Array<LogChange> = []
    b.subscribe((change) => changes.push(change))

    const doc = new Y.Doc()
    const raw = new WebsocketProvider(relay.url, LOG, doc, {
      params: { token: relay.token(LOG) },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true
    })
    try {
      await until("raw client sync", () => raw.synced && doc.getMap("events").size === 3)
      const events = doc.getMap<unknown>("events")
      const longer = { ...(events.get(latch.id) as object), durationSec: 1500 }
      const broken = { ...(events.get(weighIn.id) as object), grams: -1 }
      doc.transact(() => {
        events.set(latch.id, longer) // changed, still valid
        events.set(weighIn.id, broken) // changed into an invalid entry
        events.delete(supplement.id)
      })
      for (const log of [a, b]) {
        await until("the edit to reach every device", () => log.events.length === 1)
        expect(log.events).toEqual([{ ...latch, durationSec: 1500 }])
        expect(log.problems).toEqual([expect.objectContaining({ _tag: "InvalidEntry", id: weighIn.id })])
        // Exactly the batch projections of the map as it now is.
        const entries = [...events.values()].map((e) => decodeEntry(e))
        const options = { timeZone: "Europe/Berlin", dayStartHour: 6 }
        expect(log.dailyTotals).toEqual(dailyTotals(entries, options))
        expect(log.weightTrend).toEqual(weightTrend(entries, {}))
        expect(log.relactationProgress).toEqual(relactationProgress(entries, options))
      }
      expect(b.dailyTotals).toEqual(a.dailyTotals)
      expect(b.dailyTotals.days.at(-1)?.supplementMl).toBe(0)
      // Subscribers hear of it (nothing is new, so nothing is added).
      expect(changes).toEqual([{ added: [], origin: "remote" }])
      // Both keep working after the rebuild.
      await b.append({ type: "weigh-in", grams: 3700 })
      await until("A to see B's new event", () => a.events.length === 2)
      expect(a.weightTrend).toEqual(b.weightTrend)
    } finally {
      raw.destroy()
      doc.destroy()
    }
  })
})
