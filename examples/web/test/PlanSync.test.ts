// The plan as the app keeps it, on two real phones (`openLog`, each with its own copy) through a
// real relay: a plan set on one phone is the plan in force on the other, online and after being
// offline; plans set on both phones at once converge on the same one (the latest by `at`, then
// `id`); the per-phone targets of older versions move into a plan event once, and never override a
// plan set with the editor.
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { compareEvents, type Plan } from "@relactation/core"
import { createRelay, type RelayHandle } from "@relactation/server"
import type { EventLog } from "@relactation/sync"
import { between, phone, prng, runs, seedFor, until } from "@relactation/testkit"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { defaultSettings, type Link } from "../src/Link.js"
import {
  type KeyValueStore,
  LEGACY_DEFAULT,
  MIGRATED_KEY,
  migrateLocalPlan,
  planInForce,
  planProgressOf
} from "../src/Plan.js"

const seed = seedFor("web plan")
const settings = { ...defaultSettings(), timeZone: "Europe/Berlin" }
const today = "2027-06-10"
const DAY = 86_400_000
let relay: RelayHandle
let dataDir: string
const open: Array<EventLog> = []

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "relactation-plan-"))
  relay = await createRelay({ host: "127.0.0.1", port: 0, dataDir, log: () => {} })
})

afterEach(async () => {
  for (const log of open.splice(0)) await log.close()
  await relay.close()
  await rm(dataDir, { recursive: true, force: true })
})

let family = 0
/** Two phones (caregivers a and b) on a fresh log, both synced. */
const twoPhones = async () => {
  const logId = `family-plan-${seed}-${family++}`
  const a = await phone(relay, logId, "caregiver-a", seed)
  const b = await phone(relay, logId, "caregiver-b", seed)
  open.push(a, b)
  await Promise.all([a.whenSynced(), b.whenSynced()])
  const link = (caregiver: string): Link => ({
    relay: relay.url,
    log: logId,
    token: relay.token(logId),
    caregiver,
    child: "baby-1",
    name: undefined
  })
  return { a, b, linkA: link("caregiver-a"), linkB: link("caregiver-b") }
}

const inForce = (log: EventLog, link: Link) => planInForce(log, settings, link, today)?.id
const plans = (log: EventLog) => log.events.filter((e): e is Plan => e.type === "plan")

const memoryStore = (entries: Record<string, string> = {}): KeyValueStore & { map: Map<string, string> } => {
  const map = new Map(Object.entries(entries))
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) }
}

describe("the plan on two phones", () => {
  it("a plan set on one phone is in force on the other, online and after being offline", async () => {
    const { a, b, linkA, linkB } = await twoPhones()
    const first = await a.append({
      type: "plan",
      at: "2027-06-01T06:00:00Z",
      targets: { latches: 8, pumps: 3 },
      supplement: { startMl: 300, stepMl: 30, everyDays: 3 }
    })
    await until("B has A's plan", () => inForce(b, linkB) === first.id)
    // Today on B: the plan's ceiling for 10 June (3 steps: 4, 7 and 10 June) with nothing logged.
    const day = planProgressOf(b, settings, linkB, today).days.at(-1)
    expect(day).toMatchObject({ date: today, plan: first.id, supplement: { ceilingMl: 210, reductions: 3 } })

    // B is offline while A changes the plan; B keeps the first one until it is back.
    b.disconnect()
    await until("B offline", () => b.status === "offline")
    const second = await a.append({ type: "plan", at: "2027-06-05T06:00:00Z", targets: { latches: 10 } })
    expect(inForce(a, linkA)).toBe(second.id)
    expect(inForce(b, linkB)).toBe(first.id)
    b.connect()
    await until("B has A's new plan", () => inForce(b, linkB) === second.id, 10_000)
    expect(planProgressOf(b, settings, linkB, today).days.at(-1)?.targets).toEqual({
      latches: { target: 10, actual: undefined, met: undefined }
    })
  })

  it("plans set on both phones at once converge on the same plan, the latest by (at, id)", async () => {
    const random = prng(seed, "concurrent plans")
    for (let round = 0; round < runs(3); round++) {
      const { a, b, linkA, linkB } = await twoPhones()
      a.disconnect()
      b.disconnect()
      await until("both offline", () => a.status === "offline" && b.status === "offline")
      // The same instant on both phones in some rounds: then the id decides.
      const base = Date.parse("2027-06-01T06:00:00Z")
      const atA = base + (round === 0 ? 0 : Math.floor(between(random, 0, 3)) * 60_000)
      const atB = base + (round === 0 ? 0 : Math.floor(between(random, 0, 3)) * 60_000)
      const pa = await a.append({ type: "plan", at: atA, targets: { latches: 8 } })
      const pb = await b.append({ type: "plan", at: atB, targets: { latches: 12 } })
      const latest = [pa, pb].sort(compareEvents)[1]!
      a.connect()
      b.connect()
      await until("both phones have both plans", () => plans(a).length === 2 && plans(b).length === 2, 10_000)
      expect({ round, a: inForce(a, linkA), b: inForce(b, linkB) }).toEqual({
        round,
        a: latest.id,
        b: latest.id
      })
      // Withdrawing it (a retraction) on one phone brings the other plan back on both.
      const other = latest.id === pa.id ? pb : pa
      await a.retract(latest.id, "withdrawn")
      await until("B sees the withdrawal", () => inForce(b, linkB) === other.id)
      expect(inForce(a, linkA)).toBe(other.id)
    }
  })
})

describe("moving the per-phone targets into a plan event", () => {
  const legacy = { latches: 8, nightLatches: 3, latchMinutes: 120, pumpedMl: 200, supplementMl: 300 }

  it("runs once, dated at the log's first entry, and the other phone gets the plan", async () => {
    const { a, b, linkA, linkB } = await twoPhones()
    const firstEntry = await b.append({
      type: "latch",
      at: Date.now() - 2 * DAY,
      durationSec: 600,
      side: "left"
    })
    await until("A has B's latch", () => a.events.length === 1)
    const store = memoryStore({ "relactation:settings": JSON.stringify({ volume: "ml", plan: legacy }) })
    const moved = await migrateLocalPlan(a, linkA, store, "moved")
    expect(moved.done).toBe("moved")
    const plan = plans(a)[0]!
    expect(plan).toMatchObject({
      by: "caregiver-a",
      at: firstEntry.at,
      targets: { latches: 8, nightLatches: 3, latchMinutes: 120, pumpedMl: 200 },
      supplement: { startMl: 300, minimumMl: 300 },
      note: "moved"
    })
    // The old fixed ceiling stays fixed: 300 ml every day.
    const days = planProgressOf(a, settings, linkA, today).days
    expect(new Set(days.map((d) => d.supplement.ceilingMl))).toEqual(new Set([300]))
    await until("B has the moved plan", () => inForce(b, linkB) === plan.id)

    // Once: a second run (another start of the app) writes nothing.
    expect(await migrateLocalPlan(a, linkA, store, "moved")).toEqual({ done: "already" })
    expect(JSON.parse(store.map.get(MIGRATED_KEY)!)).toEqual([linkA.log])
    // The other phone, with targets of its own, finds a plan in the log and writes nothing either.
    const storeB = memoryStore({
      "relactation:settings": JSON.stringify({ plan: { ...legacy, latches: 11 } })
    })
    expect(await migrateLocalPlan(b, linkB, storeB, "moved")).toEqual({ done: "plan-exists" })
    expect(plans(b)).toHaveLength(1)
    expect(plans(a)).toHaveLength(1)
  })

  it("never overrides a plan set with the editor, even one it has not received yet", async () => {
    const { a, b, linkA, linkB } = await twoPhones()
    await a.append({ type: "latch", at: Date.now() - 2 * DAY, durationSec: 600, side: "left" })
    await until("B has A's latch", () => b.events.length === 1)
    a.disconnect()
    await until("A offline", () => a.status === "offline")
    const edited = await b.append({ type: "plan", targets: { latches: 9 } })
    const store = memoryStore({ "relactation:settings": JSON.stringify({ plan: legacy }) })
    expect((await migrateLocalPlan(a, linkA, store, "moved")).done).toBe("moved")
    a.connect()
    await until("both phones have both plans", () => plans(a).length === 2 && plans(b).length === 2, 10_000)
    expect([inForce(a, linkA), inForce(b, linkB)]).toEqual([edited.id, edited.id])
  })

  it("moves nothing for the app's old defaults or no stored plan, and keeps only valid targets", async () => {
    const { a, linkA } = await twoPhones()
    const defaults = memoryStore({ "relactation:settings": JSON.stringify({ plan: LEGACY_DEFAULT }) })
    expect(await migrateLocalPlan(a, linkA, defaults, "moved")).toEqual({ done: "nothing-to-move" })
    expect(await migrateLocalPlan(a, { ...linkA, log: "other" }, memoryStore(), "moved")).toEqual({
      done: "nothing-to-move"
    })
    expect(plans(a)).toHaveLength(0)
    // 45 latches a day and a 3000 ml ceiling are out of the plan's rules: left out, the rest moved.
    const odd = memoryStore({
      "relactation:settings": JSON.stringify({ plan: { ...legacy, latches: 45, supplementMl: 3000 } })
    })
    const moved = await migrateLocalPlan(a, linkA, odd, "moved", () => Date.parse("2027-06-03T10:00:00Z"))
    expect(moved.done).toBe("moved")
    const plan = plans(a)[0]!
    expect(plan.at).toBe("2027-06-03T10:00:00.000Z")
    expect(plan.targets).toEqual({ nightLatches: 3, latchMinutes: 120, pumpedMl: 200 })
    expect(plan.supplement).toBeUndefined()
  })
})
