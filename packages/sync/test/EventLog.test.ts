import { compareEvents, InvalidEvent, uuidv7Time } from "@relactation/core"
import { describe, expect, it } from "vitest"
import { type LogChange, openLog, stopEventId } from "../src/index.js"
import { clock, prng, seedFor } from "./helpers.js"

const base = (logId = "family-test-1") => {
  const c = clock()
  return {
    c,
    options: {
      logId,
      caregiver: "parent-a",
      child: "baby-1",
      persistence: { kind: "memory" } as const,
      projections: { timeZone: "Europe/Berlin" },
      now: c.now,
      random: prng(1)
    }
  }
}

describe("EventLog (memory, no relay)", () => {
  it("appends a draft, fills by/child/id/at, lists it and notifies subscribers", async () => {
    const { options } = base()
    await using log = await openLog(options)
    const changes: Array<LogChange> = []
    log.subscribe((c) => changes.push(c))
    const event = await log.append({ type: "latch", durationSec: 900, side: "left" })
    expect(event).toMatchObject({ type: "latch", by: "parent-a", child: "baby-1", durationSec: 900 })
    expect(log.events).toEqual([event])
    expect(changes).toEqual([{ added: [event], origin: "local" }])
    expect(log.status).toBe("offline")
    expect(log.problems).toEqual([])
  })

  it("rejects invalid input with InvalidEvent and stores nothing", async () => {
    const { options } = base()
    await using log = await openLog(options)
    const error = await log.append({ type: "latch", durationSec: 0, side: "left" }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidEvent)
    expect((error as InvalidEvent)._tag).toBe("InvalidEvent")
    expect((error as InvalidEvent).message).toContain("latch.durationSec")
    expect(log.events).toEqual([])
    expect(JSON.parse(log.exportJson())).toEqual([])
  })

  it("accepts a complete event once, is idempotent for the same event and refuses a reused id", async () => {
    const { options } = base()
    await using log = await openLog(options)
    const event = await log.append({ type: "weigh-in", grams: 3500 })
    await expect(log.append(event)).resolves.toEqual(event)
    await expect(log.append({ ...event, grams: 3600 } as typeof event)).rejects.toMatchObject({
      _tag: "InvalidEvent"
    })
    expect(log.events).toHaveLength(1)
  })

  it("sorts events by at, then id, and retracts", async () => {
    const { options, c } = base()
    await using log = await openLog(options)
    const late = await log.append({
      type: "latch",
      durationSec: 600,
      side: "right",
      at: "2027-03-28T05:00:00.000Z"
    })
    c.advance(1000)
    const early = await log.append({
      type: "latch",
      durationSec: 600,
      side: "left",
      at: "2027-03-28T01:00:00.000Z"
    })
    c.advance(1000)
    const retraction = await log.retract(late.id, "wrong side")
    expect(log.events.map((e) => e.id)).toEqual([early.id, retraction.id, late.id])
    expect(retraction).toMatchObject({ type: "retract", target: late.id, reason: "wrong side" })
  })

  it("shows itself in presence and runs a session into an event", async () => {
    const { options, c } = base()
    await using log = await openLog({ ...options, presence: { name: "Alex" } })
    expect(log.peers).toEqual([
      expect.objectContaining({ caregiver: "parent-a", name: "Alex", self: true, session: undefined })
    ])
    const session = log.startSession({ kind: "latch", side: "left" })
    expect(session).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      kind: "latch",
      side: "left",
      startedAt: "2027-03-28T01:30:00.000Z",
      child: "baby-1"
    })
    // Its id's time part is its start.
    expect(uuidv7Time(session.id)).toBe(Date.parse(session.startedAt))
    expect(log.peers[0]?.session).toEqual(session)
    c.advance(12 * 60 * 1000)
    const event = await log.stopSession()
    expect(event).toMatchObject({ type: "latch", side: "left", durationSec: 720, at: session.startedAt })
    expect(event?.id).toBe(stopEventId(session.id))
    expect(log.session).toBeUndefined()
    expect(log.peers[0]?.session).toBeUndefined()
    expect(await log.stopSession()).toBeUndefined()
  })

  it("keeps a pump session running when it cannot become a valid event", async () => {
    const { options, c } = base()
    await using log = await openLog(options)
    log.startSession({ kind: "pump", method: "hand" })
    c.advance(60_000)
    await expect(log.stopSession()).rejects.toMatchObject({ _tag: "InvalidEvent" })
    expect(log.session).toBeDefined()
    await expect(log.stopSession({ totalMl: 0 })).resolves.toMatchObject({ type: "pump", totalMl: 0 })
  })

  it("setProjectionOptions rebuilds all three projections or, on options one rejects, none", async () => {
    const { options } = base()
    await using log = await openLog(options)
    await log.append({ type: "latch", durationSec: 900, side: "left", at: "2027-03-27T23:30:00.000Z" })
    const before = [log.dailyTotals, log.weightTrend, log.relactationProgress]
    // The time zone is fine for daily totals; the weight trend rejects the birth date.
    expect(() => log.setProjectionOptions({ timeZone: "America/New_York", birthDate: "soon" })).toThrow(
      expect.objectContaining({ _tag: "InvalidOptions" })
    )
    expect([log.dailyTotals, log.weightTrend, log.relactationProgress]).toEqual(before)
    log.setProjectionOptions({ timeZone: "America/New_York" })
    expect(log.dailyTotals.days.map((d) => d.date)).toEqual(["2027-03-27"])
    expect(before[0]).not.toEqual(log.dailyTotals)
  })

  it("validates options and refuses work after close", async () => {
    const { options } = base()
    await expect(openLog({ ...options, logId: "short" })).rejects.toMatchObject({ _tag: "InvalidLogOptions" })
    await expect(
      openLog({ ...options, persistence: { kind: "file", path: "/tmp/x" } })
    ).rejects.toMatchObject({
      _tag: "InvalidLogOptions"
    })
    const log = await openLog(options)
    await log.close()
    await log.close()
    await expect(log.append({ type: "weigh-in", grams: 3000 })).rejects.toMatchObject({ _tag: "LogClosed" })
  })
})

describe("EventLog.events order", () => {
  it("stays in core's compareEvents order under back-dated appends, and keeps its identity while nothing changes", async () => {
    const random = prng(seedFor("events order"))
    const { options } = base("family-order-1")
    await using log = await openLog({ ...options, random })
    const start = Date.parse("2027-03-01T00:00:00.000Z")
    const before = log.events
    expect(log.events).toBe(before)
    for (let i = 0; i < 200; i++) {
      // Few distinct minutes, so ties are ordered by id; some instants carry sub-millisecond
      // fractions (…00.0009Z is after …00.0001Z, although Date.parse gives both one millisecond).
      const minute = new Date(start + Math.floor(random() * 40) * 60_000).toISOString().slice(0, 19)
      const fraction = ["", ".0001", ".0009", ".000", ".5", ".0005"][Math.floor(random() * 6)]!
      await log.append({ type: "latch", durationSec: 60, side: "left", at: `${minute}${fraction}Z` })
      const events = log.events
      expect(events).toBe(log.events)
      const expected = [...events].sort(compareEvents)
      expect(events.map((e) => e.id)).toEqual(expected.map((e) => e.id))
      expect(events).toHaveLength(i + 1)
    }
    expect(before).toHaveLength(0)
  })
})
