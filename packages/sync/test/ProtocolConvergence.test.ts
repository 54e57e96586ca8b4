// Randomized convergence through the real sync protocol: 3–5 phones on a real relay, over sockets
// that delay every frame at random (so frames to different phones overtake each other), with
// random appends, retractions, going offline and online, and lost connections. Checked at random
// points and at the end: a phone that comes online and reaches `synced` has everything any phone
// had when that phone was last `synced`, and so has the relay (a new phone connecting then gets it); in the end every phone has every event exactly once and
// the batch projections of the map. The seed is printed; FC_SEED replays it, FC_RUNS sets the runs.
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { dailyTotals, decodeEntry, relactationProgress, weightTrend } from "@relactation/core"
import { createRelay } from "@relactation/server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { type EventLog, openLog } from "../src/node.js"
import { flakyNetwork } from "./flakySocket.js"
import { prng, randomDraft, runs, seedFor } from "./helpers.js"

const projections = { timeZone: "America/New_York", dayStartHour: 6 }

let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "relactation-protocol-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

interface Phone {
  readonly log: EventLog
  online: boolean
}

const run = async (base: number, round: number): Promise<void> => {
  const seed = base + round * 7919
  const random = prng(seed)
  const int = (n: number) => Math.floor(random() * n)
  const network = flakyNetwork(random, 100)
  const logId = `family-proto-${round}`
  await using relay = await createRelay({
    port: 0,
    dataDir: join(dir, `r${round}`),
    secret: "8di7rTkUZoMx5KZTfEwUcOBmg4KeRD__ziftrvkUYS4",
    log: () => {}
  })
  let t = Date.parse("2027-03-27T12:00:00.000Z")
  const phones: Array<Phone> = []
  const count = 3 + int(3)
  for (let i = 0; i < count; i++) {
    const log = await openLog({
      logId,
      caregiver: `device-${i}`,
      child: "baby-1",
      url: relay.url,
      token: relay.token(logId),
      WebSocketPolyfill: network.socketFor(i),
      persistence: { kind: "memory" },
      projections,
      now: () => t,
      random: prng(seed + i + 1),
      maxReconnectDelayMs: 100
    })
    phones.push({ log, online: true })
  }
  const ids = (log: EventLog): Array<string> => log.events.map((e) => e.id).sort()
  // What the relay is known to hold: every event of a phone at the moment it was `synced`.
  const acknowledged = new Set<string>()
  const appended: Array<string> = []
  const hasAll = (log: EventLog, expected: Iterable<string>, what: string): void => {
    const have = new Set(log.events.map((e) => e.id))
    const missing = [...expected].filter((id) => !have.has(id))
    expect(missing, `${what} (round ${round} of FC_SEED=${base})`).toEqual([])
  }

  for (let step = 0; step < 60; step++) {
    t += int(20) * 60_000
    const phone = phones[int(phones.length)]!
    const roll = random()
    if (roll < 0.35) {
      const at = new Date(t - int(48) * 3_600_000).toISOString()
      const event = await phone.log.append(randomDraft(int, at))
      appended.push(event.id)
    } else if (roll < 0.45) {
      const events = phone.log.events.filter((e) => e.type !== "retract")
      const target = events[int(events.length)]
      if (target !== undefined) appended.push((await phone.log.retract(target.id)).id)
    } else if (roll < 0.55) {
      phone.online = !phone.online
      if (phone.online) {
        // Online again: once synced, it has everything the relay was known to hold before.
        const before = [...acknowledged]
        phone.log.connect()
        await phone.log.whenSynced()
        hasAll(phone.log, before, `step ${step}: a phone back online and synced`)
        for (const id of ids(phone.log)) acknowledged.add(id)
        // ... and the relay has everything it had, offline appends included: a phone that
        // connects right now gets all of it.
        await using probe = await openLog({
          logId,
          caregiver: "probe",
          url: relay.url,
          token: relay.token(logId),
          WebSocketPolyfill: WebSocket,
          persistence: { kind: "memory" },
          projections,
          random: prng(seed + 1000 + step)
        })
        await probe.whenSynced()
        hasAll(probe, acknowledged, `step ${step}: a new phone right after one came back online`)
      } else {
        phone.log.disconnect()
      }
    } else if (roll < 0.65) {
      network.drop(int(phones.length))
    } else if (roll < 0.8 && phone.online) {
      // Synced: the relay holds everything this phone has.
      await phone.log.whenSynced()
      for (const id of ids(phone.log)) acknowledged.add(id)
    } else {
      // Let the network deliver for a few ms, in whatever order the delays give.
      await new Promise((resolve) => setTimeout(resolve, int(10)))
    }
  }

  // Everyone online and synced, one after the other: the relay then holds every event.
  for (const phone of phones) {
    phone.online = true
    phone.log.connect()
    await phone.log.whenSynced()
  }
  // Each phone reconnects and, as soon as it is synced, has every event, with no waiting.
  for (const [i, phone] of phones.entries()) {
    phone.log.disconnect()
    phone.log.connect()
    await phone.log.whenSynced()
    hasAll(phone.log, appended, `phone ${i} at the end`)
    expect(ids(phone.log)).toEqual([...appended].sort())
  }
  const first = phones[0]!.log
  const entries = (JSON.parse(first.exportJson()) as Array<unknown>).map((raw) => decodeEntry(raw))
  expect(first.dailyTotals).toEqual(dailyTotals(entries, projections))
  expect(first.weightTrend).toEqual(weightTrend(entries, {}))
  expect(first.relactationProgress).toEqual(relactationProgress(entries, projections))
  for (const { log } of phones.slice(1)) {
    expect(log.events).toEqual(first.events)
    expect(log.dailyTotals).toEqual(first.dailyTotals)
    expect(log.weightTrend).toEqual(first.weightTrend)
    expect(log.relactationProgress).toEqual(first.relactationProgress)
  }
  for (const { log } of phones) await log.close()
}

describe("randomized convergence through the relay", () => {
  it("3–5 phones with random appends, retractions, disconnects, lost connections and frame delays converge", async () => {
    const seed = seedFor("protocol convergence")
    for (let round = 0; round < runs(4); round++) await run(seed, round)
  }, 120_000)
})
