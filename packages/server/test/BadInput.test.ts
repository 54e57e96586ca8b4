import { CloseCode } from "@relactation/core/protocol"
import { describe, expect, it } from "vitest"
import WebSocket from "ws"
import * as Y from "yjs"
import { createRelay, mintToken, type RelayLimits } from "../src/index.js"
import {
  awarenessFrame,
  client,
  frame,
  opened,
  rawClient,
  rawUpgrade,
  refusal,
  silent,
  tempDir,
  until,
  updateMessage
} from "./helpers.js"

const LOG = "family-bad-input"
const OTHER = "family-elsewhere"
const SECRET = "C7cfSUy7KFOXy6aOhP2qExgCMVW-3V_VAo76hcN_Y64"

// A relay with two healthy clients on LOG; the test attacks it and then checks they still sync.
const setup = async (limits: Partial<RelayLimits> = {}) => {
  const dir = tempDir()
  const relay = await createRelay({ port: 0, dataDir: dir.path, secret: SECRET, log: silent, limits })
  const alice = client(relay.url, LOG, relay.token(LOG))
  const bob = client(relay.url, LOG, relay.token(LOG))
  await Promise.all([alice.synced(), bob.synced()])
  alice.events.push(["before"])
  await until("bob has the first event", () => bob.events.length === 1)
  let round = 0
  return {
    relay,
    alice,
    bob,
    endpoint: `${relay.url}/${LOG}?token=${relay.token(LOG)}`,
    /** The honest clients carry on, and a fresh client loads exactly their events. */
    stillSyncing: async () => {
      round++
      alice.events.push([`after-${round}`])
      await until("bob receives alice's next event", () => bob.events.toArray().includes(`after-${round}`))
      bob.events.push([`reply-${round}`])
      await until("alice receives bob's reply", () => alice.events.toArray().includes(`reply-${round}`))
      await relay.flush()
      using fresh = client(relay.url, LOG, relay.token(LOG))
      await fresh.synced()
      expect(fresh.events.toArray().sort()).toEqual(alice.events.toArray().sort())
    },
    [Symbol.asyncDispose]: async () => {
      alice[Symbol.dispose]()
      bob[Symbol.dispose]()
      await relay.close()
      dir[Symbol.dispose]()
    }
  }
}

const validUpdate = (): Uint8Array => {
  const doc = new Y.Doc()
  doc.getArray<string>("events").push(["x".repeat(40), "y".repeat(40)])
  return Y.encodeStateAsUpdate(doc)
}

/** Sends one frame on a fresh raw connection and resolves with how the relay closed it. */
const sendAndClose = async (endpoint: string, data: Uint8Array | string) => {
  using raw = rawClient(endpoint)
  await opened(raw.socket)
  raw.socket.send(data)
  return await raw.closed
}

describe("bad input closes only the offending connection", () => {
  it.each([
    ["garbage bytes", new Uint8Array([0xff, 0xff, 0xff, 0x7f, 0x13, 0x37]), CloseCode.MALFORMED],
    ["an empty frame", new Uint8Array(0), CloseCode.MALFORMED],
    ["an auth message from a client", frame(2, 0), CloseCode.MALFORMED],
    ["a truncated sync message", new Uint8Array([0, 2, 50, 1, 2, 3]), CloseCode.MALFORMED],
    ["a sync message without a payload", new Uint8Array([0]), CloseCode.MALFORMED],
    ["an unknown sync step", frame(0, 7, new Uint8Array([0])), CloseCode.MALFORMED],
    ["a malformed state vector", frame(0, 0, new Uint8Array([5, 1])), CloseCode.MALFORMED],
    ["trailing bytes", new Uint8Array([...frame(0, 0, new Uint8Array([0])), 9, 9]), CloseCode.MALFORMED],
    [
      "a malformed awareness update",
      frame(1, new Uint8Array([1, 5, 1, 3, 0x7b, 0x7b, 0x7b])),
      CloseCode.MALFORMED
    ],
    ["an update Yjs cannot decode", frame(0, 2, validUpdate().slice(0, 20)), CloseCode.BAD_UPDATE],
    ["a sync step 2 Yjs cannot decode", frame(0, 1, new Uint8Array([9, 200, 1, 7])), CloseCode.BAD_UPDATE]
  ])("%s", async (_name, data, code) => {
    await using env = await setup()
    const closed = await sendAndClose(env.endpoint, data)
    expect(closed.code).toBe(code)
    expect(closed.reason.length).toBeGreaterThan(0)
    await env.stillSyncing()
    expect(env.relay.metrics()).toMatch(
      /relactation_relay_errors_total\{kind="(malformed-message|bad-update)"\} 1/
    )
  })

  it("a text frame", async () => {
    await using env = await setup()
    expect((await sendAndClose(env.endpoint, "hello")).code).toBe(CloseCode.MALFORMED)
    await env.stillSyncing()
  })

  it("an oversize frame is cut by maxPayload (1009)", async () => {
    await using env = await setup({ maxMessageBytes: 4096 })
    const big = frame(0, 2, new Uint8Array(8192))
    expect((await sendAndClose(env.endpoint, big)).code).toBe(1009)
    await env.stillSyncing()
    expect(env.relay.metrics()).toContain('relactation_relay_errors_total{kind="too-large"} 1')
  })

  it("an update that would overflow the log's size limit", async () => {
    await using env = await setup({ maxLogBytes: 2_000 })
    const doc = new Y.Doc()
    doc.getArray<string>("events").push(["z".repeat(4_000)])
    const closed = await sendAndClose(env.endpoint, frame(0, 2, Y.encodeStateAsUpdate(doc)))
    expect(closed.code).toBe(CloseCode.LOG_FULL)
    await env.stillSyncing()
  })

  it("a connection over the per-log limit is closed with TOO_MANY_CONNECTIONS", async () => {
    await using env = await setup({ maxConnectionsPerLog: 3 })
    const third = rawClient(env.endpoint)
    await opened(third.socket)
    using fourth = rawClient(env.endpoint)
    const closed = await fourth.closed
    expect(closed.code).toBe(CloseCode.TOO_MANY_CONNECTIONS)
    expect(fourth.messages).toEqual([])
    third.socket.close()
    await until("the third left", () => env.relay.stats().connections === 2)
    await env.stillSyncing()
  })

  it("a token that expires while connected closes with TOKEN_EXPIRED", async () => {
    await using env = await setup({ idleTimeoutMs: 100 })
    const token = mintToken(SECRET, LOG, { ttlSeconds: 2 })
    using raw = rawClient(`${env.relay.url}/${LOG}?token=${token}`)
    await opened(raw.socket)
    expect((await raw.closed).code).toBe(CloseCode.TOKEN_EXPIRED)
    await env.stillSyncing()
  })

  it("a client that stops answering pings is closed", async () => {
    await using env = await setup({ idleTimeoutMs: 100 })
    const socket = new WebSocket(env.endpoint, { autoPong: false })
    socket.on("error", () => {})
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)))
    await opened(socket)
    expect(await closed).toBe(CloseCode.IDLE_TIMEOUT)
    await env.stillSyncing()
  })

  it("an awareness flood of made-up clients is closed with POLICY", async () => {
    await using env = await setup()
    const madeUp = Array.from({ length: 20 }, (_, i) => ({
      clientId: 1_001 + i,
      clock: 1,
      state: { user: { name: "x".repeat(100) } }
    }))
    const closed = await sendAndClose(env.endpoint, awarenessFrame(madeUp))
    expect(closed.code).toBe(CloseCode.POLICY)
    expect(env.alice.provider.awareness.getStates().has(1_001)).toBe(false)
    await env.stillSyncing()
  })

  it("the relay answers query-awareness with the known states", async () => {
    await using env = await setup()
    env.alice.provider.awareness.setLocalState({ name: "alice" })
    using raw = rawClient(env.endpoint)
    await opened(raw.socket)
    await until("initial messages", () => raw.messages.length >= 1)
    const before = raw.messages.length
    raw.socket.send(frame(3))
    await until("an awareness reply", () => raw.messages.slice(before).some((message) => message[0] === 1))
    raw.socket.send(updateMessage("from raw"))
    await until("alice gets the raw client's event", () => env.alice.events.toArray().includes("from raw"))
  })
})

describe("refused at the upgrade", () => {
  it.each([
    ["a missing token", `/${LOG}`, 401],
    ["a malformed token", `/${LOG}?token=not-a-token`, 401],
    [
      "an expired token",
      `/${LOG}?token=${mintToken(SECRET, LOG, { ttlSeconds: 1, now: Date.now() - 10_000 })}`,
      401
    ],
    ["a tampered token", `/${LOG}?token=${mintToken(SECRET, LOG).replace(/\.[^.]{5}/, ".AAAAA")}`, 401],
    ["a token signed with another secret", `/${LOG}?token=${mintToken("other", LOG)}`, 401],
    ["a token for another log", `/${LOG}?token=${mintToken(SECRET, OTHER)}`, 403],
    ["a too short logId", `/short?token=${mintToken(SECRET, LOG)}`, 400],
    ["a logId with bad characters", `/family.bad.input?token=${mintToken(SECRET, LOG)}`, 400],
    ["a nested path", `/a/${LOG}?token=${mintToken(SECRET, LOG)}`, 404]
  ])("%s", async (_name, path, status) => {
    await using env = await setup()
    const refused = await refusal(`${env.relay.url}${path}`)
    expect(refused.status).toBe(status)
    expect(refused.body).not.toContain("before")
    await env.stillSyncing()
  })

  // WebSocket clients resolve dot segments before sending; an attacker's raw request does not.
  it.each([
    ["/x/../<log>", `/family-x/../${LOG}`],
    ["/<log>/.", `/${LOG}/.`],
    ["/./<log>", `/./${LOG}`],
    ["/%2e%2e/<log>", `/%2e%2e/${LOG}`]
  ])(
    "a raw path with dot segments (%s) is refused with 404 before any websocket byte",
    async (_name, path) => {
      await using env = await setup()
      const { status } = await rawUpgrade(env.relay.url, `${path}?token=${mintToken(SECRET, LOG)}`)
      expect(status).toBe(404)
      await env.stillSyncing()
    }
  )

  it("too many new connections from one IP are refused with 429", async () => {
    using dir = tempDir()
    await using relay = await createRelay({
      port: 0,
      dataDir: dir.path,
      secret: SECRET,
      log: silent,
      limits: { connectionsPerIpPerMinute: 2 }
    })
    const endpoint = `${relay.url}/${LOG}?token=${relay.token(LOG)}`
    using first = rawClient(endpoint)
    using second = rawClient(endpoint)
    await Promise.all([opened(first.socket), opened(second.socket)])
    expect((await refusal(endpoint)).status).toBe(429)
    expect(relay.metrics()).toContain('relactation_relay_refused_connections_total{reason="rate-limited"} 1')
  })
})
