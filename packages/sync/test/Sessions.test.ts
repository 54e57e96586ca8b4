// Sessions that never double: a running session has its own id from its start, and its event
// gets an id derived from it, so two phones stopping it (offline, or at once) record one entry.
// Another phone's running pump can be stopped with its amount; a session already stopped says who
// stopped it; a session whose phone left presence shows as maybe forgotten after the limit.
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { uuidv7Time, validateEvent } from "@relactation/core"
import { createRelay } from "@relactation/server"
import { Result } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type EventLog, type SessionInfo, stopEventId } from "../src/index.js"
import { clock, phone, until } from "./helpers.js"

const LOG = "family-sessions-1"

let dir = ""
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "relactation-sessions-"))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})
const relayIn = () =>
  createRelay({ port: 0, dataDir: dir, secret: "8di7rTkUZoMx5KZTfEwUcOBmg4KeRD__ziftrvkUYS4", log: () => {} })
const entries = (log: EventLog): Array<{ id: string }> => JSON.parse(log.exportJson())

describe("stopEventId", () => {
  it("is a valid UUIDv7 whose time part is the session's start, and the same for the same session", () => {
    const session = "0195e1c2-7a00-7abc-9def-0123456789ab"
    const id = stopEventId(session)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(uuidv7Time(id)).toBe(uuidv7Time(session))
    expect(stopEventId(session)).toBe(id)
    expect(id).not.toBe(session)
    expect(stopEventId("0195e1c2-7a00-7abc-9def-0123456789ac")).not.toBe(id)
    // Core accepts it as an event id.
    const event = {
      id,
      type: "weigh-in",
      v: 1,
      child: "baby-1",
      by: "parent-a",
      at: "2027-03-28T01:00:00.000Z",
      recordedAt: "2027-03-28T01:00:00.000Z",
      grams: 3000
    }
    expect(Result.isSuccess(validateEvent(event))).toBe(true)
  })
})

describe("sessions on two phones", () => {
  it("both phones stop the same latch while offline; after reconnecting, the log has one entry", async () => {
    await using relay = await relayIn()
    const c = clock()
    await using a = await phone(relay, LOG, "parent-a", 1, { now: c.now, presence: { name: "Alex" } })
    await using b = await phone(relay, LOG, "parent-b", 2, { now: c.now, presence: { name: "Sam" } })
    const running = a.startSession({ kind: "latch", side: "left" })
    await until("B to see A's latch", () => b.runningSessions.some((s) => s.session.id === running.id))
    a.disconnect()
    b.disconnect()
    c.advance(15 * 60_000)
    // Offline, B still knows the session (its phone is gone from B's presence, so it is away).
    expect(b.runningSessions).toEqual([
      expect.objectContaining({ session: running, leftAt: expect.any(String) })
    ])
    const fromA = await a.stopSession()
    c.advance(60_000)
    const fromB = await b.stopSession({ session: running.id })
    expect(fromA?.id).toBe(stopEventId(running.id))
    expect(fromB?.id).toBe(fromA?.id)
    expect(fromB).toMatchObject({ by: "parent-b", durationSec: 960 })
    a.connect()
    b.connect()
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await until("both to agree", () => a.exportJson() === b.exportJson())
    expect(entries(a)).toHaveLength(1)
    expect(a.events).toHaveLength(1)
    expect(b.events).toEqual(a.events)
    expect(a.dailyTotals.days.reduce((n, d) => n + d.latches, 0)).toBe(1)
    expect(a.session).toBeUndefined()
    expect(a.runningSessions).toEqual([])
    await until("B's list to empty", () => b.runningSessions.length === 0)
  })

  it("both phones stop it at the same moment online: one entry", async () => {
    await using relay = await relayIn()
    const c = clock()
    await using a = await phone(relay, LOG, "parent-a", 3, { now: c.now })
    await using b = await phone(relay, LOG, "parent-b", 4, { now: c.now })
    const running = a.startSession({ kind: "latch", side: "both" })
    await until("B to see A's latch", () => b.runningSessions.some((s) => s.session.id === running.id))
    c.advance(10 * 60_000)
    const [fromA, fromB] = await Promise.all([a.stopSession(), b.stopSession({ session: running.id })])
    expect(fromA?.id).toBe(fromB?.id)
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await until("both to agree", () => a.exportJson() === b.exportJson())
    expect(entries(a)).toHaveLength(1)
    expect(b.events).toEqual(a.events)
  })

  it("a session resumed after a reload with its own id stays one session: stopped on both phones offline, one entry", async () => {
    await using relay = await relayIn()
    const c = clock()
    await using a = await phone(relay, LOG, "parent-a", 11, { now: c.now })
    await using b = await phone(relay, LOG, "parent-b", 12, { now: c.now })
    const running = a.startSession({ kind: "latch", side: "both" })
    await until("B to see A's latch", () => b.runningSessions.some((s) => s.session.id === running.id))
    a.disconnect()
    b.disconnect()
    c.advance(10 * 60_000)
    // A's app reloads and resumes its timer from what it kept (the id included).
    const resumed = a.startSession({
      id: running.id,
      kind: "latch",
      side: "both",
      startedAt: running.startedAt
    })
    expect(resumed).toEqual(running)
    await b.stopSession({ session: running.id })
    await a.stopSession()
    a.connect()
    b.connect()
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await until("both to agree", () => a.exportJson() === b.exportJson())
    expect(entries(a)).toHaveLength(1)
    // An id that cannot be the session's (another start time, or not a UUIDv7) is refused, naming it.
    for (const id of [stopEventId(running.id).replace(/^.{8}/, "00000000"), "not-an-id"])
      expect(() => a.startSession({ id, kind: "latch", startedAt: running.startedAt })).toThrow(
        expect.objectContaining({
          _tag: "InvalidEvent",
          problems: [expect.objectContaining({ path: ["id"], code: "format" })]
        })
      )
    expect(a.session).toBeUndefined()
  })

  it("stopping a session already stopped elsewhere records nothing and says who stopped it", async () => {
    await using relay = await relayIn()
    const c = clock()
    await using a = await phone(relay, LOG, "parent-a", 5, { now: c.now })
    await using b = await phone(relay, LOG, "parent-b", 6, { now: c.now })
    const running = a.startSession({ kind: "latch", side: "right" })
    await until("B to see A's latch", () => b.runningSessions.length === 1)
    c.advance(5 * 60_000)
    const event = await a.stopSession()
    await until("B to see A's event", () => b.events.length === 1)
    const error = await b.stopSession({ session: running.id }).catch((e: unknown) => e)
    expect(error).toMatchObject({
      _tag: "SessionAlreadyStopped",
      sessionId: running.id,
      stoppedBy: "parent-a"
    })
    expect((error as { event: unknown }).event).toEqual(event)
    expect((error as Error).message).not.toContain("parent-a")
    expect(entries(b)).toHaveLength(1)
    // The same on the phone that stopped it.
    await expect(a.stopSession({ session: running.id })).rejects.toMatchObject({
      _tag: "SessionAlreadyStopped",
      stoppedBy: "parent-a"
    })
    // B stops A's next session, and taps again before A has even heard of it (A's presence
    // still shows it running): the second tap finds the event and records nothing.
    const next = a.startSession({ kind: "latch", side: "left" })
    await until("B to see the next latch", () => b.runningSessions.some((s) => s.session.id === next.id))
    const clientId = b.runningSessions[0]!.clientId
    const first = await b.stopSession({ peer: clientId })
    expect(b.peers.find((p) => !p.self)?.session?.id).toBe(next.id)
    // Already gone from the sessions to show, though presence still has it.
    expect(b.runningSessions).toEqual([])
    await expect(b.stopSession({ peer: clientId })).rejects.toMatchObject({
      _tag: "SessionAlreadyStopped",
      stoppedBy: "parent-b",
      event: first
    })
    expect(entries(b)).toHaveLength(2)
    // A session nobody knows and nobody stopped: nothing to do.
    expect(await b.stopSession({ session: "0195e1c2-7a00-7abc-9def-0123456789ab" })).toBeUndefined()
  })

  it("B stops A's running pump with its amount; without one it rejects and records nothing", async () => {
    await using relay = await relayIn()
    const c = clock()
    await using a = await phone(relay, LOG, "parent-a", 7, { now: c.now })
    await using b = await phone(relay, LOG, "parent-b", 8, { now: c.now })
    const running = a.startSession({ kind: "pump", method: "manual" })
    await until("B to see A's pump", () => b.runningSessions.length === 1)
    c.advance(12 * 60_000)
    await expect(b.stopSession({ session: running.id })).rejects.toMatchObject({ _tag: "InvalidEvent" })
    expect(entries(b)).toHaveLength(0)
    expect(b.runningSessions).toHaveLength(1)
    const event = await b.stopSession({ session: running.id, totalMl: 35, leftMl: 20, rightMl: 15 })
    expect(event).toMatchObject({
      type: "pump",
      method: "manual",
      totalMl: 35,
      durationSec: 720,
      by: "parent-b"
    })
    await until("A's pump to end", () => a.session === undefined && a.events.length === 1)
    await until("B's list to empty", () => b.runningSessions.length === 0)
  })

  it("a session whose phone left shows as maybe forgotten after the limit; it can be stopped or dismissed", async () => {
    await using relay = await relayIn()
    const c = clock()
    const a = await phone(relay, LOG, "parent-a", 9, { now: c.now, presence: { name: "Sam" } })
    await using b = await phone(relay, LOG, "parent-b", 10, {
      now: c.now,
      sessions: { forgottenAfterMs: 10 * 60_000 }
    })
    const latch = a.startSession({ kind: "latch", side: "left" })
    await until("B to see A's latch", () => b.runningSessions.length === 1)
    expect(b.runningSessions[0]).toMatchObject({
      self: false,
      name: "Sam",
      leftAt: undefined,
      maybeForgotten: false
    })
    const seen: Array<ReadonlyArray<SessionInfo>> = []
    b.onSessions((sessions) => seen.push(sessions))
    // A's phone goes away with the latch still running.
    await a.close()
    await until("B to see A's phone leave", () => b.runningSessions[0]?.leftAt !== undefined)
    const left = b.runningSessions
    expect(left).toEqual([
      expect.objectContaining({
        session: latch,
        caregiver: "parent-a",
        name: "Sam",
        leftAt: new Date(c.now()).toISOString(),
        maybeForgotten: false
      })
    ])
    expect(seen.at(-1)).toBe(left)
    expect(b.runningSessions).toBe(left) // the same array while nothing changed
    c.advance(10 * 60_000)
    expect(b.runningSessions[0]?.maybeForgotten).toBe(true)
    // Stopped from B with the duration the parent confirms: recorded, and gone from the list.
    const event = await b.stopSession({ session: latch.id, durationSec: 1200 })
    expect(event).toMatchObject({ id: stopEventId(latch.id), durationSec: 1200, at: latch.startedAt })
    expect(b.runningSessions).toEqual([])
    expect(b.dismissSession(latch.id)).toBe(false)
  })

  it("onSessions learns a session became maybe forgotten even when the app read runningSessions first", async () => {
    await using relay = await relayIn()
    const c = clock()
    const a = await phone(relay, LOG, "parent-a", 13, { now: c.now })
    await using b = await phone(relay, LOG, "parent-b", 14, {
      now: c.now,
      sessions: { forgottenAfterMs: 300 }
    })
    const latch = a.startSession({ kind: "latch", side: "left" })
    await until("B to see A's latch", () => b.runningSessions.length === 1)
    const told: Array<ReadonlyArray<SessionInfo>> = []
    b.onSessions((sessions) => told.push(sessions))
    await a.close()
    await until("B to see A leave", () => b.runningSessions[0]?.leftAt !== undefined)
    c.advance(1_000)
    // A render reads the list (already maybe forgotten by the clock) before the limit's timer fires.
    expect(b.runningSessions[0]).toMatchObject({ session: latch, maybeForgotten: true })
    await until("onSessions to say so", () => told.some((s) => s[0]?.maybeForgotten === true))
    expect(told.at(-1)).toBe(b.runningSessions)
  })

  it("the limit passing wakes onSessions; dismissing forgets the session on this phone only", async () => {
    await using relay = await relayIn()
    const a = await phone(relay, LOG, "parent-a", 11)
    await using b = await phone(relay, LOG, "parent-b", 12, { sessions: { forgottenAfterMs: 30 } })
    const latch = a.startSession({ kind: "latch", side: "both" })
    await until("B to see A's latch", () => b.runningSessions.length === 1)
    const forgotten = new Promise<ReadonlyArray<SessionInfo>>((resolve) => {
      b.onSessions((sessions) => {
        if (sessions[0]?.maybeForgotten === true) resolve(sessions)
      })
    })
    await a.close()
    const sessions = await forgotten
    expect(sessions).toEqual([expect.objectContaining({ session: latch, maybeForgotten: true })])
    expect(b.dismissSession(latch.id)).toBe(true)
    expect(b.runningSessions).toEqual([])
    expect(b.events).toEqual([])
  })

  it("rejects a bad forgottenAfterMs naming the option", async () => {
    await using relay = await relayIn()
    await expect(
      phone(relay, LOG, "parent-a", 13, { sessions: { forgottenAfterMs: -1 } })
    ).rejects.toMatchObject({
      _tag: "InvalidLogOptions",
      option: "sessions.forgottenAfterMs"
    })
  })
})
