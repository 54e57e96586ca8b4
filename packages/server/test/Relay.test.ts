import { describe, expect, it } from "vitest"
import WebSocket from "ws"
import { WebsocketProvider } from "y-websocket"
import { createRelay, TOKEN_SUBPROTOCOL } from "../src/index.js"
import * as decoding from "lib0/decoding"
import * as Y from "yjs"
import {
  client,
  encodeSyncStep1,
  opened,
  rawClient,
  refusal,
  silent,
  startRelay,
  tempDir,
  until,
  updateMessage
} from "./helpers.js"

const LOG_A = "family-aaaa-0001"
const LOG_B = "family-bbbb-0002"

describe("Relay", () => {
  it("two WebsocketProvider clients on one log converge", async () => {
    await using relay = await startRelay({
      secret: "C7cfSUy7KFOXy6aOhP2qExgCMVW-3V_VAo76hcN_Y64"
    })
    const token = relay.token(LOG_A)
    using alice = client(relay.url, LOG_A, token)
    using bob = client(relay.url, LOG_A, token)
    await Promise.all([alice.synced(), bob.synced()])
    alice.events.push(["latch from alice"])
    bob.events.push(["bottle from bob"])
    await until("both see both events", () => alice.events.length === 2 && bob.events.length === 2)
    expect(alice.events.toArray().sort()).toEqual(bob.events.toArray().sort())
    expect(relay.stats()).toEqual({ connections: 2, loadedLogs: 1 })
  })

  it("refuses a token for another log at the upgrade, before any document byte", async () => {
    await using relay = await startRelay({
      secret: "C7cfSUy7KFOXy6aOhP2qExgCMVW-3V_VAo76hcN_Y64"
    })
    using alice = client(relay.url, LOG_A, relay.token(LOG_A))
    await alice.synced()
    alice.events.push(["private"])
    await relay.flush()
    // The refused socket must see an HTTP error, never a websocket message (refusal() rejects on one).
    const refused = await refusal(`${relay.url}/${LOG_A}?token=${relay.token(LOG_B)}`)
    expect(refused.status).toBe(403)
    expect(refused.body).not.toContain("private")
    // A stock provider with that token never syncs and its doc stays empty.
    using mallory = client(relay.url, LOG_A, relay.token(LOG_B))
    await until("a refused attempt", () => mallory.closes.length > 0)
    expect(mallory.provider.synced).toBe(false)
    expect(mallory.events.length).toBe(0)
    // Its own log is separate and empty.
    using own = client(relay.url, LOG_B, relay.token(LOG_B))
    await own.synced()
    expect(own.events.length).toBe(0)
  })

  it("keeps everything across a restart on the same data folder", async () => {
    using dir = tempDir()
    {
      await using relay = await createRelay({ port: 0, dataDir: dir.path, log: silent })
      using writer = client(relay.url, LOG_A, relay.token(LOG_A))
      await writer.synced()
      writer.events.push(["one", "two"])
      writer.events.push(["three"])
      await until("stored", () => relay.metrics().includes("relactation_relay_updates_stored_total 2"))
    }
    // No secret passed: the generated one in the data folder must be reused, so old tokens work.
    await using relay = await createRelay({ port: 0, dataDir: dir.path, log: silent })
    using reader = client(relay.url, LOG_A, relay.token(LOG_A))
    await reader.synced()
    expect(reader.events.toArray()).toEqual(["one", "two", "three"])
  })

  it("unloads a log after its last client leaves", async () => {
    await using relay = await startRelay({
      secret: "C7cfSUy7KFOXy6aOhP2qExgCMVW-3V_VAo76hcN_Y64",
      limits: { unloadAfterMs: 20 }
    })
    const first = client(relay.url, LOG_A, relay.token(LOG_A))
    await first.synced()
    first.events.push(["kept"])
    await until("stored", () => relay.metrics().includes("relactation_relay_updates_stored_total 1"))
    first[Symbol.dispose]()
    await until("unloaded", () => relay.stats().loadedLogs === 0 && relay.stats().connections === 0)
    using second = client(relay.url, LOG_A, relay.token(LOG_A))
    await second.synced()
    expect(second.events.toArray()).toEqual(["kept"])
  })

  it("relays awareness between clients and drops it when a client leaves", async () => {
    await using relay = await startRelay({
      secret: "C7cfSUy7KFOXy6aOhP2qExgCMVW-3V_VAo76hcN_Y64"
    })
    using alice = client(relay.url, LOG_A, relay.token(LOG_A))
    const bob = client(relay.url, LOG_A, relay.token(LOG_A))
    await Promise.all([alice.synced(), bob.synced()])
    bob.provider.awareness.setLocalState({ name: "bob" })
    const bobId = bob.doc.clientID
    await until("alice sees bob", () => alice.provider.awareness.getStates().has(bobId))
    bob[Symbol.dispose]()
    await until("bob is gone", () => !alice.provider.awareness.getStates().has(bobId))
  })

  it("serves /healthz and Prometheus /metrics", async () => {
    await using relay = await startRelay({
      secret: "C7cfSUy7KFOXy6aOhP2qExgCMVW-3V_VAo76hcN_Y64"
    })
    using alice = client(relay.url, LOG_A, relay.token(LOG_A))
    await alice.synced()
    await refusal(`${relay.url}/${LOG_A}?token=nope`)
    const base = `http://127.0.0.1:${relay.port}`
    const health = await fetch(`${base}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: "ok", store: "ok", connections: 1, loadedLogs: 1 })
    const metrics = await (await fetch(`${base}/metrics`)).text()
    expect(metrics).toContain("# TYPE relactation_relay_connections gauge")
    expect(metrics).toContain("relactation_relay_connections 1")
    expect(metrics).toContain("relactation_relay_loaded_logs 1")
    expect(metrics).toContain('relactation_relay_refused_connections_total{reason="malformed"} 1')
    expect(metrics).toMatch(/relactation_relay_messages_in_total [1-9]/)
    expect(metrics).toMatch(/relactation_relay_bytes_out_total [1-9]/)
    expect((await fetch(`${base}/nope`)).status).toBe(404)
  })

  it("logs ids and counts, never tokens or event content", async () => {
    using dir = tempDir()
    const lines: Array<Record<string, unknown>> = []
    {
      await using relay = await createRelay({
        port: 0,
        dataDir: dir.path,
        secret: "cARtG_CNyLjO5r4xDyXp5cBTiyB38kt68ytcZrmYBKE",
        log: (line) => lines.push(line)
      })
      const token = relay.token(LOG_A)
      using alice = client(relay.url, LOG_A, token)
      await alice.synced()
      alice.events.push(["weigh-in 4210 g"])
      await relay.flush()
      await refusal(`${relay.url}/${LOG_A}?token=${token}x`)
      const text = JSON.stringify(lines)
      expect(text).not.toContain(token)
      expect(text).not.toContain("4210")
      expect(text).not.toContain("cARtG_CNyLjO5r4xDyXp5cBTiyB38kt68ytcZrmYBKE")
    }
    const events = lines.map((line) => line.event)
    expect(events).toEqual(
      expect.arrayContaining(["listening", "load", "connect", "refuse", "disconnect", "closed"])
    )
    expect(lines.find((line) => line.event === "connect")).toMatchObject({ logId: LOG_A, connections: 1 })
  })

  it("closes sockets with 1001 on close() and stops accepting", async () => {
    using dir = tempDir()
    const relay = await createRelay({
      port: 0,
      dataDir: dir.path,
      secret: "C7cfSUy7KFOXy6aOhP2qExgCMVW-3V_VAo76hcN_Y64",
      log: silent
    })
    using alice = client(relay.url, LOG_A, relay.token(LOG_A))
    await alice.synced()
    await relay.close()
    // close() resolves only once every socket's close event has fired and the relay forgot it.
    expect(relay.stats()).toEqual({ connections: 0, loadedLogs: 0 })
    await until("alice saw the close", () => alice.closes.length > 0)
    expect(alice.closes[0]?.code).toBe(1001)
    await relay.close()
  })

  it("a client that connects while another sends its offline updates gets them once, in its step 2", async () => {
    await using relay = await startRelay({
      secret: "C7cfSUy7KFOXy6aOhP2qExgCMVW-3V_VAo76hcN_Y64"
    })
    const endpoint = `${relay.url}/${LOG_A}?token=${relay.token(LOG_A)}`
    using sender = rawClient(endpoint)
    using late = rawClient(endpoint)
    await Promise.all([opened(sender.socket), opened(late.socket)])
    await until("both attached", () => relay.stats().connections === 2)
    // The late client has not sent its sync step 1 yet (its first frame normally crosses this one).
    sender.socket.send(updateMessage("offline event"))
    await relay.flush()
    late.socket.send(encodeSyncStep1(new Y.Doc()))
    await until("a sync step 2", () => late.messages.some((m) => m[0] === 0 && m[1] === 1))
    await relay.flush()
    // A pong comes back after everything the relay sent before it: nothing more is on the way.
    await new Promise<void>((resolve) => {
      late.socket.once("pong", () => resolve())
      late.socket.ping()
    })
    const sync = late.messages.filter((m) => m[0] === 0)
    // Server step 1, then one step 2 holding the event; the event is not relayed as an update too.
    expect(sync.map((m) => m[1])).toEqual([0, 1])
    const doc = new Y.Doc()
    const decoder = decoding.createDecoder(sync[1] as Uint8Array)
    decoding.readVarUint(decoder)
    decoding.readVarUint(decoder)
    Y.applyUpdate(doc, decoding.readVarUint8Array(decoder))
    expect(doc.getArray<string>("events").toArray()).toEqual(["offline event"])
  })

  it("accepts the token in Sec-WebSocket-Protocol from a stock provider, answering with its own subprotocol", async () => {
    using dir = tempDir()
    const lines: Array<Record<string, unknown>> = []
    await using relay = await createRelay({ port: 0, dataDir: dir.path, log: (line) => lines.push(line) })
    const token = relay.token(LOG_A)
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(relay.url, LOG_A, doc, {
      protocols: [TOKEN_SUBPROTOCOL, token],
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true
    })
    try {
      await new Promise<void>((resolve) => provider.once("sync", () => resolve()))
      expect((provider.ws as unknown as WebSocket | null)?.protocol).toBe(TOKEN_SUBPROTOCOL)
      using reader = client(relay.url, LOG_A, token)
      await reader.synced()
      doc.getArray<string>("events").push(["via header"])
      await until("the query-token client sees it", () => reader.events.length === 1)
      // A wrong token in the header is refused like one in the URL.
      const refused = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${relay.url}/${LOG_A}`, [TOKEN_SUBPROTOCOL, `v1.${LOG_A}.1.x`])
        socket.on("error", () => {})
        socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0))
      })
      expect(refused).toBe(401)
      expect(JSON.stringify(lines)).not.toContain(token)
    } finally {
      provider.destroy()
      doc.destroy()
    }
  })
})
