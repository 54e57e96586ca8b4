/**
 * Scenario 6, long offline: one phone goes offline for a simulated month and logs 1000+ events
 * (restarting from its file once on the way), while the other phone keeps logging online. When the
 * first phone reconnects, both converge, and the daily totals on each equal the totals computed
 * from the union of what both sides wrote.
 */
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { type Draft, dailyTotals, type Event } from "@relactation/core"
import type { EventLog } from "@relactation/sync/node"
import { phone, until } from "@relactation/testkit"
import { size } from "./size.js"
import { startRelay } from "./support/relay.js"
import { scenario } from "./support/scenario.js"

const LOG = "offline-log-0001"
const TIME_ZONE = "Europe/Berlin"
const MARKER = "MARKER-offline-shatavari-2290"
const knobs = size.longOffline
const { seed, random, row, onEnd, tempDir } = scenario("longOffline")
row.attempts = knobs.offlineEvents + knobs.onlineEvents
const phoneDir = tempDir("rel-offline-phone-")
const month = Date.parse("2027-01-01T00:00:00.000Z")
const DAY = 86_400_000

const logs: Array<EventLog> = []
onEnd(() => Promise.all(logs.map((log) => log.close())))

const draftAt = (at: number, by: string, index: number): Draft => {
  const common = { child: "baby-1", by, at, tz: TIME_ZONE }
  switch (index % 4) {
    case 0:
      return { ...common, type: "latch", durationSec: 300 + Math.floor(random() * 900), side: "both" }
    case 1:
      return {
        ...common,
        type: "pump",
        durationSec: 900,
        method: "electric",
        totalMl: Math.floor(random() * 90)
      }
    case 2:
      return { ...common, type: "supplement", ml: 10 + Math.floor(random() * 50), milk: "donor", via: "sns" }
    default:
      return { ...common, type: "medication", name: MARKER, dose: 10, unit: "mg" }
  }
}

describe("long offline", () => {
  it("converges after a month offline and the totals equal those of the union", async () => {
    const server = await startRelay("offline", onEnd)
    const { relay } = server
    const file = join(phoneDir, `${LOG}.ylog`)
    const open = (caregiver: string, persistence: { kind: "memory" } | { kind: "file"; path: string }) =>
      phone(relay, LOG, caregiver, seed, {
        persistence,
        projections: { timeZone: TIME_ZONE },
        maxReconnectDelayMs: 500
      })
    let away = await open("parent-away", { kind: "file", path: file })
    const home = await open("parent-home", { kind: "memory" })
    logs.push(away, home)
    await Promise.all([away.whenSynced(), home.whenSynced()])
    away.disconnect()

    const written: Array<Event> = []
    const step = (30 * DAY) / knobs.offlineEvents
    for (let i = 0; i < knobs.offlineEvents; i++) {
      written.push(
        await away.append(draftAt(month + Math.floor(i * step + random() * step), "parent-away", i))
      )
      // Half-way through, the phone restarts: everything so far must come back from its file.
      if (i === Math.floor(knobs.offlineEvents / 2)) {
        await away.close()
        logs.splice(logs.indexOf(away), 1)
        away = await open("parent-away", { kind: "file", path: file })
        logs.push(away)
        away.disconnect()
        expect(away.events.length).toBe(i + 1)
      }
    }
    const homeStep = (30 * DAY) / knobs.onlineEvents
    for (let i = 0; i < knobs.onlineEvents; i++) {
      written.push(
        await home.append(draftAt(month + Math.floor(i * homeStep + random() * homeStep), "parent-home", i))
      )
    }
    expect(away.status).toBe("offline")
    const reconnect = Date.now()
    away.connect()
    await until(
      "both phones hold every event",
      () => away.events.length >= written.length && home.events.length >= written.length,
      120_000,
      50
    ).catch(() => {})
    const convergeMs = Date.now() - reconnect

    const ids = new Set(written.map((event) => event.id))
    const missing = new Set<string>()
    for (const log of [away, home]) {
      const have = new Set(log.events.map((event) => event.id))
      for (const id of ids) if (!have.has(id)) missing.add(id)
    }
    const expected = dailyTotals(written, { timeZone: TIME_ZONE })
    const sameTotals = [away, home].every(
      (log) => JSON.stringify(log.dailyTotals.days) === JSON.stringify(expected.days)
    )
    const doubled = [away, home].some((log) => log.events.length !== ids.size)
    row.eventsLost = missing.size
    row.failures = (missing.size > 0 ? 1 : 0) + (sameTotals ? 0 : 1) + (doubled ? 1 : 0)
    const notes = `${knobs.offlineEvents} events written over 30 simulated days offline (one restart from file), ${knobs.onlineEvents} online meanwhile; converged in ${convergeMs} ms; ${expected.days.length} days of totals equal on both phones: ${sameTotals}`
    row.notes.push(notes)
    console.log(`[longOffline] ${notes}`)
    expect(missing.size).toBe(0)
    expect(doubled).toBe(false)
    expect(away.dailyTotals.days).toEqual(expected.days)
    expect(home.dailyTotals.days).toEqual(expected.days)
    expect(JSON.stringify(server.lines)).not.toContain(MARKER)
    expect(row.failures, "attempts that broke a promise").toBe(0)
  })
})
