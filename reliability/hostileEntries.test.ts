/**
 * Scenario 3, hostile entries: a client with a valid token writes entries no honest app writes
 * (schema-invalid events, unknown types, a newer version, a key that differs from the id, huge
 * strings, deeply nested values, non-objects) straight into the document. Honest phones keep
 * working, keep those entries, report them as problems, and their projections count only the
 * honest events.
 */
import { describe, expect, it } from "vitest"
import { dailyTotals, type Event } from "@relactation/core"
import type { EventLog } from "@relactation/sync/node"
import { phone, sleep, until } from "@relactation/testkit"
import { size } from "./size.js"
import { docClient, eventMaker } from "./support/clients.js"
import { startRelay } from "./support/relay.js"
import { scenario } from "./support/scenario.js"

const LOG = "entries-log-0001"
const TIME_ZONE = "Europe/Berlin"
const MARKER = "MARKER-hostile-moringa-4410"
const knobs = size.hostileEntries
const { seed, random, row, onEnd } = scenario("hostileEntries")

const nested = (depth: number): unknown => {
  let value: unknown = { leaf: true }
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

describe("hostile entries", () => {
  it("keeps, reports and skips hostile entries while honest phones keep working", async () => {
    const server = await startRelay("entries", onEnd)
    const { relay } = server
    const token = relay.token(LOG)
    const open = (caregiver: string) =>
      phone(relay, LOG, caregiver, seed, { projections: { timeZone: TIME_ZONE } })
    const alice = await open("alice")
    const bob = await open("bob-caregiver")
    onEnd(() => Promise.all([alice.close(), bob.close()]))
    await Promise.all([alice.whenSynced(), bob.whenSynced()])
    const mallory = docClient(relay.url, LOG, token, "mallory")
    onEnd(() => mallory.destroy())
    await until("mallory synced", () => mallory.synced(), 10_000)

    const make = eventMaker(random, "mallory")
    const valid = (): { id: string } & Record<string, unknown> => ({ ...make() })
    const hostile: Array<[string, string, unknown]> = []
    const add = (what: string, key: string, value: unknown) => hostile.push([what, key, value])
    const invalidLatch = { ...valid(), type: "latch", durationSec: -5, side: "middle" }
    add("schema-invalid", String(invalidLatch.id), invalidLatch)
    const missingFields = { id: "0190a000-0000-7000-8000-000000000001", type: "supplement", v: 1 }
    add("missing fields", missingFields.id, missingFields)
    const unknownType = { ...valid(), type: "mood-diary", mood: "tired" }
    add("unknown type", String(unknownType.id), unknownType)
    const newer = { ...valid(), v: 2 }
    add("newer version", String(newer.id), newer)
    const misKeyed = valid()
    add("key differs from id", "not-the-id-of-this-entry", misKeyed)
    const stolenKey = valid()
    add("key of another event", `${String(stolenKey.id).slice(0, -4)}beef`, stolenKey)
    const huge = {
      ...valid(),
      type: "medication",
      name: `${MARKER}${"x".repeat(200_000)}`,
      dose: 1,
      unit: "mg"
    }
    add("huge string", String(huge.id), huge)
    const deep = { ...valid(), type: "latch", durationSec: nested(500), side: "left" }
    add("deeply nested value", String(deep.id), deep)
    add("a number", "0190a000-0000-7000-8000-000000000002", 42)
    add("null", "0190a000-0000-7000-8000-000000000003", null)
    add("an array", "0190a000-0000-7000-8000-000000000004", [1, 2, 3])
    add("a string", "0190a000-0000-7000-8000-000000000005", "latch")

    // Honest phones append while the hostile entries arrive in between.
    const honest: Array<Event> = []
    for (let i = 0; i < knobs.honestEvents; i++) {
      const log = i % 2 === 0 ? alice : bob
      honest.push(
        await log.append({
          type: "supplement",
          ml: 10 + (i % 40),
          milk: "formula",
          via: "sns",
          at: Date.parse("2027-04-01T06:00:00Z") + i * 1_800_000
        })
      )
      const entry = hostile[i]
      if (entry !== undefined) {
        mallory.setRaw(entry[1], entry[2])
        row.attempts++
      }
      if (i % 20 === 0) await sleep(1)
    }
    row.attempts += honest.length
    const keys = new Set([...honest.map((event) => event.id), ...hostile.map(([, key]) => key)])
    await until(
      "every entry on both phones",
      () => [alice, bob].every((log) => log.events.length + log.problems.length >= keys.size),
      30_000
    ).catch(() => {})

    const missing = new Set<string>()
    const expected = dailyTotals(honest, { timeZone: TIME_ZONE })
    const rows: Array<string> = []
    for (const log of [alice, bob]) {
      const eventIds = new Set(log.events.map((event) => event.id))
      for (const event of honest) if (!eventIds.has(event.id)) missing.add(event.id)
      const exported = JSON.parse(log.exportJson()) as Array<unknown>
      rows.push(
        `${log === alice ? "alice" : "bob"}: ${log.events.length} events, ${log.problems.length} problems, export ${exported.length} entries, skipped ${JSON.stringify(log.dailyTotals.skipped)}`
      )
    }
    const reported = (log: EventLog) => log.problems.length
    const projectionsClean = [alice, bob].every(
      (log) => JSON.stringify(log.dailyTotals.days) === JSON.stringify(expected.days)
    )
    const exportedAll = [alice, bob].every(
      (log) => (JSON.parse(log.exportJson()) as Array<unknown>).length === keys.size
    )
    row.eventsLost = missing.size
    row.failures =
      (missing.size > 0 ? 1 : 0) +
      (projectionsClean ? 0 : 1) +
      (exportedAll ? 0 : 1) +
      [alice, bob].filter((log) => reported(log) !== hostile.length).length
    const notes = `${hostile.length} hostile entries (${hostile.map(([what]) => what).join(", ")}) among ${honest.length} honest events; ${rows.join("; ")}`
    row.notes.push(notes)
    console.log(`[hostileEntries] ${notes}`)
    expect(missing.size).toBe(0)
    expect(reported(alice)).toBe(hostile.length)
    expect(reported(bob)).toBe(hostile.length)
    expect(alice.dailyTotals.days).toEqual(expected.days)
    expect(bob.dailyTotals.days).toEqual(expected.days)
    expect(exportedAll).toBe(true)
    // Still working afterwards: a new event crosses.
    const after = await alice.append({ type: "latch", durationSec: 600, side: "left" })
    await until("a later event crosses", () => bob.events.some((event) => event.id === after.id), 10_000)
    expect(JSON.stringify(server.lines)).not.toContain(MARKER)
    expect(row.failures, "attempts that broke a promise").toBe(0)
  })
})
