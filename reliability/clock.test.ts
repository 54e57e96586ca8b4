/**
 * Scenario 7, clock trouble: one phone's clock runs 3 hours fast, the other phone lives in another
 * time zone. Both log at the same true moments. Nothing is lost or counted twice; projections place
 * each event by its own `at`, so the fast clock misplaces only its own phone's entries.
 */
import { describe, expect, it } from "vitest"
import { type Event, dailyTotals } from "@relactation/core"
import type { EventLog } from "@relactation/sync/node"
import { phone, until } from "@relactation/testkit"
import { size } from "./size.js"
import { startRelay } from "./support/relay.js"
import { scenario } from "./support/scenario.js"

const LOG = "clock-log-0001"
const HOUR = 3_600_000
const FAST_BY = 3 * HOUR
const knobs = size.clock
const { seed, random, row, onEnd } = scenario("clock")
row.attempts = 2 * knobs.eventsPerPhone

describe("clock trouble", () => {
  it("a fast clock misplaces only its own phone's entries; a phone in another zone loses nothing", async () => {
    const { relay } = await startRelay("clock", onEnd)
    // The true time, advanced by the test; each phone reads it through its own (wrong or right) clock.
    let trueNow = Date.parse("2027-06-10T18:00:00.000Z")
    const open = (caregiver: string, timeZone: string, now: () => number) =>
      phone(relay, LOG, caregiver, seed, { projections: { timeZone }, now })
    const fast = await open("parent-fast", "Europe/Berlin", () => trueNow + FAST_BY)
    const abroad = await open("parent-abroad", "America/New_York", () => trueNow)
    onEnd(() => Promise.all([fast.close(), abroad.close()]))
    await Promise.all([fast.whenSynced(), abroad.whenSynced()])

    const trueTimes = new Map<string, number>()
    for (let i = 0; i < knobs.eventsPerPhone; i++) {
      trueNow += 20 * 60_000 + Math.floor(random() * 60 * 60_000)
      const a = await fast.append({ type: "latch", durationSec: 600, side: "left" })
      trueTimes.set(a.id, trueNow)
      const b = await abroad.append({
        type: "supplement",
        ml: 30,
        milk: "formula",
        via: "bottle",
        tz: "America/New_York"
      })
      trueTimes.set(b.id, trueNow)
    }
    const total = trueTimes.size
    await until(
      "both phones hold every event",
      () => fast.events.length >= total && abroad.events.length >= total,
      30_000
    ).catch(() => {})

    const missing = new Set<string>()
    for (const log of [fast, abroad]) {
      const have = new Set(log.events.map((event) => event.id))
      for (const id of trueTimes.keys()) if (!have.has(id)) missing.add(id)
    }
    const doubled = [fast, abroad].some((log) => log.events.length !== total)
    const union: Array<Event> = [...abroad.events]
    // Each event carries its own phone's `at`: the fast phone's are 3 h ahead, the other's exact.
    let misplacedOther = 0
    let shiftedOwn = 0
    for (const event of union) {
      const truth = trueTimes.get(event.id)
      const offset = Date.parse(event.at) - (truth ?? Number.NaN)
      if (event.by === "parent-abroad" && offset !== 0) misplacedOther++
      if (event.by === "parent-fast" && offset === FAST_BY) shiftedOwn++
    }
    // Projections place events by their own `at`: the live totals on each phone (in its own zone)
    // equal the batch totals of the union; the other phone's entries sit on their true days.
    const liveMatches = [
      [fast, "Europe/Berlin"],
      [abroad, "America/New_York"]
    ].every(
      ([log, zone]) =>
        JSON.stringify((log as EventLog).dailyTotals.days) ===
        JSON.stringify(dailyTotals(union, { timeZone: zone as string }).days)
    )
    const abroadOnly = union.filter((event) => event.by === "parent-abroad")
    const truthAbroad = abroadOnly.map((event) => ({
      ...event,
      at: new Date(trueTimes.get(event.id) ?? 0).toISOString()
    }))
    const zone = { timeZone: "America/New_York" }
    const abroadPlacedRight =
      JSON.stringify(dailyTotals(abroadOnly, zone).days) ===
      JSON.stringify(dailyTotals(truthAbroad, zone).days)
    const supplementMl = dailyTotals(union, zone).days.reduce((sum, day) => sum + day.supplementMl, 0)

    row.eventsLost = missing.size
    row.failures =
      (missing.size > 0 ? 1 : 0) +
      (doubled ? 1 : 0) +
      misplacedOther +
      (shiftedOwn === knobs.eventsPerPhone ? 0 : 1) +
      (liveMatches ? 0 : 1) +
      (abroadPlacedRight ? 0 : 1)
    const notes = `${total} events from a phone 3 h fast and a phone in New York; fast phone's entries shifted by exactly 3 h: ${shiftedOwn}/${knobs.eventsPerPhone}; other phone's entries off their true time: ${misplacedOther}; live totals equal batch totals of the union: ${liveMatches}; supplement total ${supplementMl} ml (expected ${30 * knobs.eventsPerPhone})`
    row.notes.push(notes)
    console.log(`[clock] ${notes}`)
    expect(missing.size).toBe(0)
    expect(doubled).toBe(false)
    expect(misplacedOther).toBe(0)
    expect(shiftedOwn).toBe(knobs.eventsPerPhone)
    expect(liveMatches).toBe(true)
    expect(abroadPlacedRight).toBe(true)
    expect(supplementMl).toBe(30 * knobs.eventsPerPhone)
    expect(row.failures, "attempts that broke a promise").toBe(0)
  })
})
