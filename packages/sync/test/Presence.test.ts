// Presence through the relay: A starts a running latch, B sees it live; A stops it, B sees the event.
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRelay } from "@relactation/server"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type EventLog, legacySessionId, parseSession } from "../src/index.js"
import { clock, phone, until } from "./helpers.js"

const LOG = "family-presence-1"

let dir = ""
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "relactation-presence-"))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})
const relayIn = () =>
  createRelay({ port: 0, dataDir: dir, secret: "8di7rTkUZoMx5KZTfEwUcOBmg4KeRD__ziftrvkUYS4", log: () => {} })

describe("Presence", () => {
  it("A starts a running latch; B sees it; A stops it; B sees the resulting event", async () => {
    await using relay = await relayIn()
    const c = clock()
    const open = (caregiver: string, name: string, seed: number): Promise<EventLog> =>
      phone(relay, LOG, caregiver, seed, { presence: { name }, now: c.now })
    await using a = await open("parent-a", "Alex", 1)
    const b = await open("parent-b", "Sam", 2)
    await until("both to see each other", () => b.peers.length === 2 && a.peers.length === 2)
    const peerA = () => b.peers.find((p) => !p.self)
    expect(peerA()).toMatchObject({ caregiver: "parent-a", name: "Alex", session: undefined, self: false })

    const running = a.startSession({ kind: "latch", side: "left" })
    await until("B to see A's session", () => peerA()?.session !== undefined)
    expect(peerA()?.session).toEqual(running)
    expect(b.events).toHaveLength(0)

    c.advance(14 * 60 * 1000)
    const event = await a.stopSession()
    expect(event).toMatchObject({ type: "latch", side: "left", durationSec: 840, at: running.startedAt })
    await until("B to see the event", () => b.events.length === 1 && peerA()?.session === undefined)
    expect(b.events[0]).toEqual(event)

    // Closing leaves presence: A sees B go.
    await b.close()
    await until("A to see B leave", () => a.peers.length === 1)
    expect(a.peers[0]?.self).toBe(true)
  })

  it("after one phone reconnects, each sees the other again at once (not after the 15 s renewal)", async () => {
    await using relay = await relayIn()
    const open = (caregiver: string, name: string, seed: number): Promise<EventLog> =>
      phone(relay, LOG, caregiver, seed, { presence: { name }, maxReconnectDelayMs: 200 })
    await using a = await open("parent-a", "Alex", 3)
    await using b = await open("parent-b", "Sam", 4)
    await until("both to see each other", () => b.peers.length === 2 && a.peers.length === 2)
    b.disconnect()
    await until("both to see the other leave", () => a.peers.length === 1 && b.peers.length === 1)
    b.connect()
    // Awareness renews every 15 s; 3 s proves the reconnect itself brings the peers back.
    await until("both to see each other again", () => a.peers.length === 2 && b.peers.length === 2, 3000)
    expect(b.peers.find((p) => !p.self)).toMatchObject({ caregiver: "parent-a", name: "Alex" })
    expect(a.peers.find((p) => !p.self)).toMatchObject({ caregiver: "parent-b", name: "Sam" })

    // A new display name reaches the other phone without a reload.
    b.setPresenceName("Sam R.")
    await until("A to see B's new name", () => a.peers.find((p) => !p.self)?.name === "Sam R.", 3000)
  })

  it("B stops A's running latch: B records it, and A's session ends when the event arrives", async () => {
    await using relay = await relayIn()
    const c = clock()
    const open = (caregiver: string, name: string, seed: number): Promise<EventLog> =>
      phone(relay, LOG, caregiver, seed, { presence: { name }, now: c.now })
    await using a = await open("parent-a", "Alex", 5)
    await using b = await open("parent-b", "Sam", 6)
    const running = a.startSession({ kind: "latch", side: "right" })
    const peerA = () => b.peers.find((p) => !p.self && p.session !== undefined)
    await until("B to see A's session", () => peerA() !== undefined)
    c.advance(20 * 60 * 1000)
    expect(await b.stopSession({ peer: 424242 })).toBeUndefined() // no such device: nothing
    // Another latch (its own start time) does not end A's session.
    const other = await b.append({ type: "latch", durationSec: 60, side: "left" })
    await until("A to see B's own latch", () => a.events.length === 1)
    expect(a.session).toEqual(running)
    const event = await b.stopSession({ peer: peerA()!.clientId })
    expect(event).toMatchObject({ type: "latch", side: "right", at: running.startedAt, by: "parent-b" })
    expect(event).toMatchObject({ durationSec: 1200 })
    await until("A's session to end", () => a.session === undefined && a.events.length === 2)
    await until("B to see A's session end", () => peerA() === undefined)
    expect(a.events).toEqual(b.events)
    expect(b.events.map((e) => e.id).sort()).toEqual([event!.id, other.id].sort())
  })

  it("treats malformed sessions from other devices as no session", () => {
    // Without an id (a version before session ids): the id every device derives the same way.
    expect(parseSession({ kind: "latch", startedAt: "2027-03-28T01:00:00.000Z", child: "c1" })).toEqual({
      id: legacySessionId("latch", "2027-03-28T01:00:00.000Z", "c1"),
      kind: "latch",
      startedAt: "2027-03-28T01:00:00.000Z",
      child: "c1"
    })
    const id = "01951e5a-7c00-7a3b-9c1d-000000000001"
    expect(parseSession({ id, kind: "pump", startedAt: "2027-03-28T01:00:00.000Z", child: "c1" })?.id).toBe(
      id
    )
    expect(
      parseSession({ id: "not-an-id", kind: "latch", startedAt: "2027-03-28T01:00:00.000Z", child: "c1" })?.id
    ).toBe(legacySessionId("latch", "2027-03-28T01:00:00.000Z", "c1"))
    expect(parseSession({ kind: "nap", startedAt: "2027-03-28T01:00:00.000Z", child: "c1" })).toBeUndefined()
    expect(parseSession({ kind: "latch", startedAt: "yesterday", child: "c1" })).toBeUndefined()
    expect(parseSession("latch")).toBeUndefined()
  })
})
