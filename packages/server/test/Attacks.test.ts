// The relay under attack from a holder of a family's token (issue 11): each attack as it was
// reproduced on a local relay, and what must hold afterwards.
import { CloseCode } from "@relactation/core/protocol"
import * as encoding from "lib0/encoding"
import { describe, expect, it } from "vitest"
import * as decoding from "lib0/decoding"
import type WebSocket from "ws"
import * as Y from "yjs"
import { createRelay, type RelayLimits } from "../src/index.js"
import { client, opened, rawClient, silent, tempDir, until, updateMessage } from "./helpers.js"

const LOG = "family-attack-01"
const SECRET = "KqpDkJkwkr32R8Dbi8a2K2jHFRaVUk14ZGoPzCtyKzU"
const TRY_AGAIN_LATER = 1013

const frame = (...parts: Array<number | Uint8Array>): Uint8Array => {
  const encoder = encoding.createEncoder()
  for (const part of parts) {
    if (typeof part === "number") encoding.writeVarUint(encoder, part)
    else encoding.writeVarUint8Array(encoder, part)
  }
  return encoding.toUint8Array(encoder)
}

/** An awareness message setting (or, with `null`, clearing) the states of these client ids. */
const awareness = (entries: Array<[clientId: number, clock: number, state: unknown]>): Uint8Array => {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const [id, clock, state] of entries) {
    encoding.writeVarUint(inner, id)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, typeof state === "string" ? state : JSON.stringify(state))
  }
  return frame(1, encoding.toUint8Array(inner))
}

const syncStep1 = (): Uint8Array => frame(0, 0, Y.encodeStateVector(new Y.Doc()))
const queryAwareness = (): Uint8Array => frame(3)

const start = async (limits: Partial<RelayLimits> = {}) => {
  const dir = tempDir()
  const relay = await createRelay({ port: 0, dataDir: dir.path, secret: SECRET, log: silent, limits })
  return {
    relay,
    endpoint: `${relay.url}/${LOG}?token=${relay.token(LOG)}`,
    errors: (kind: string) =>
      Number(new RegExp(`errors_total\\{kind="${kind}"\\} (\\d+)`).exec(relay.metrics())?.[1] ?? 0),
    [Symbol.asyncDispose]: async () => {
      await relay.close()
      dir[Symbol.dispose]()
    }
  }
}

/** The content of a sync step 2 reply, as a document. */
const docOfStep2 = (message: Uint8Array): Y.Doc => {
  const decoder = decoding.createDecoder(message)
  decoding.readVarUint(decoder)
  decoding.readVarUint(decoder)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, decoding.readVarUint8Array(decoder))
  return doc
}

describe("1. backpressure and amplification", () => {
  it("a client that stops reading and keeps asking for a large awareness state is cut off at the queue cap", async () => {
    await using env = await start({
      maxAwarenessStateBytes: 600 * 1024,
      maxAwarenessBytesPerLog: 1024 * 1024,
      awarenessQueriesPerMinute: 100_000,
      maxQueuedBytesPerConnection: 2 * 1024 * 1024
    })
    using honest = client(env.relay.url, LOG, env.relay.token(LOG))
    await honest.synced()
    using attacker = rawClient(env.endpoint)
    await opened(attacker.socket)
    attacker.socket.send(awareness([[4242, 1, { blob: "x".repeat(500 * 1024) }]]))
    await until("the state is held", () => honest.provider.awareness.getStates().has(4242))
    // Stop reading: what the relay sends now piles up in its buffers (the kernel's fill first).
    ;(attacker.socket as unknown as { _socket: { pause(): void } })._socket.pause()
    for (let i = 0; i < 400; i++) attacker.socket.send(queryAwareness())
    await until("the reader that does not read is cut off", () => env.errors("slow-consumer") === 1, 10_000)
    await until("only the honest phone is left", () => env.relay.stats().connections === 1)
    // 400 replies of 500 KiB would be 200 MiB; the relay sent far less before it let go.
    expect(Number(/bytes_out_total (\d+)/.exec(env.relay.metrics())?.[1])).toBeLessThan(64 * 1024 * 1024)
    honest.events.push(["still here"])
    using fresh = client(env.relay.url, LOG, env.relay.token(LOG))
    await until("the honest phone still syncs", () => fresh.events.toArray().includes("still here"))
  })

  it.each([
    ["query-awareness", queryAwareness(), "awarenessQueriesPerMinute"],
    ["sync step 1", syncStep1(), "syncRequestsPerMinute"]
  ])(
    "more %s messages than a minute's allowance close the connection with 1013",
    async (_name, message, limit) => {
      await using env = await start({ [limit]: 5 })
      using raw = rawClient(env.endpoint)
      await opened(raw.socket)
      for (let i = 0; i < 5; i++) raw.socket.send(message)
      raw.socket.send(updateMessage("still allowed"))
      await until("five replies and the update stored", () =>
        env.relay.metrics().includes("updates_stored_total 1")
      )
      expect(env.relay.stats().connections).toBe(1)
      raw.socket.send(message)
      expect((await raw.closed).code).toBe(TRY_AGAIN_LATER)
      expect(env.errors("rate-limited")).toBe(1)
    }
  )

  it("the awareness states of one log are capped in total", async () => {
    await using env = await start({ maxAwarenessStateBytes: 8 * 1024, maxAwarenessBytesPerLog: 12 * 1024 })
    using first = rawClient(env.endpoint)
    using second = rawClient(env.endpoint)
    await Promise.all([opened(first.socket), opened(second.socket)])
    first.socket.send(awareness([[1001, 1, { blob: "a".repeat(7 * 1024) }]]))
    await until("the first state is relayed", () => second.messages.some((m) => m[0] === 1))
    second.socket.send(awareness([[1002, 1, { blob: "b".repeat(7 * 1024) }]]))
    expect((await second.closed).code).toBe(CloseCode.POLICY)
    await until("the first one stays", () => env.relay.stats().connections === 1)
    expect(first.socket.readyState).toBe(first.socket.OPEN)
  })
})

describe("2. updates Yjs cannot integrate (pending structs and deletes)", () => {
  // Two updates from one client; the second alone has a gap (its first clock is missing).
  const gapped = (bytes: number): Uint8Array => {
    const doc = new Y.Doc()
    const events = doc.getArray<string>("events")
    events.push(["first"])
    const before = Y.encodeStateVector(doc)
    events.push([`PENDING-${"p".repeat(bytes)}`])
    return Y.encodeStateAsUpdate(doc, before)
  }

  it("a sender that leaves more than the bound is closed, and nothing of it is kept, stored or sent", async () => {
    await using env = await start({ maxPendingBytes: 16 * 1024 })
    using honest = client(env.relay.url, LOG, env.relay.token(LOG))
    await honest.synced()
    using raw = rawClient(env.endpoint)
    await opened(raw.socket)
    raw.socket.send(frame(0, 2, gapped(32 * 1024)))
    const closed = await raw.closed
    expect(closed.code).toBe(CloseCode.BAD_UPDATE)
    expect(env.errors("pending-limit")).toBe(1)
    using late = rawClient(env.endpoint)
    await opened(late.socket)
    late.socket.send(syncStep1())
    await until("a step 2", () => late.messages.some((m) => m[0] === 0 && m[1] === 1))
    const step2 = late.messages.find((m) => m[0] === 0 && m[1] === 1) as Uint8Array
    expect(step2.byteLength).toBeLessThan(100)
    expect(env.relay.metrics()).toContain("updates_stored_total 0")
  })

  it("a small gap is tolerated (it may be filled), but never sent to another phone", async () => {
    await using env = await start()
    using raw = rawClient(env.endpoint)
    await opened(raw.socket)
    raw.socket.send(frame(0, 2, gapped(1_000)))
    raw.socket.send(updateMessage("integrated"))
    await until("the integrated update is stored", () =>
      env.relay.metrics().includes("updates_stored_total 1")
    )
    using late = rawClient(env.endpoint)
    await opened(late.socket)
    late.socket.send(syncStep1())
    await until("a step 2", () => late.messages.some((m) => m[0] === 0 && m[1] === 1))
    const doc = docOfStep2(late.messages.find((m) => m[0] === 0 && m[1] === 1) as Uint8Array)
    expect(doc.getArray<string>("events").toArray()).toEqual(["integrated"])
    expect(doc.store.pendingStructs).toBeNull()
    expect(raw.socket.readyState).toBe(raw.socket.OPEN)
  })
})

describe("3. forced compactions", () => {
  it("a burst of tiny updates on a large log does not force a merge of the whole log", async () => {
    await using env = await start({ compactAfterUpdates: 10 })
    using raw = rawClient(env.endpoint)
    await opened(raw.socket)
    const big = new Y.Doc()
    big.getArray<string>("events").push(["b".repeat(100_000)])
    raw.socket.send(frame(0, 2, Y.encodeStateAsUpdate(big)))
    // One at a time, as a flooder would, so each lands in its own batch and gets its own check.
    for (let i = 0; i < 30; i++) {
      raw.socket.send(updateMessage(`tiny-${i}`))
      await until("stored", () => env.relay.metrics().includes(`updates_stored_total ${i + 2}`))
    }
    await env.relay.flush()
    // The first compaction merges the 100 kB row with the first tiny ones; the rest of the burst
    // grew the log by far less than a quarter.
    const compactions = () => Number(/compactions_total (\d+)/.exec(env.relay.metrics())?.[1])
    await until("the first compaction", () => compactions() >= 1)
    await env.relay.flush()
    expect(compactions()).toBe(1)
    const grown = new Y.Doc()
    grown.getArray<string>("events").push(["g".repeat(40_000)])
    raw.socket.send(frame(0, 2, Y.encodeStateAsUpdate(grown)))
    for (let i = 0; i < 10; i++) raw.socket.send(updateMessage(`more-${i}`))
    await until("compacted again after 40% growth", () => compactions() === 2)
  })

  it("more updates than a minute's allowance close the connection with 1013", async () => {
    await using env = await start({ updatesPerMinute: 20 })
    using raw = rawClient(env.endpoint)
    await opened(raw.socket)
    for (let i = 0; i < 21; i++) raw.socket.send(updateMessage(`u-${i}`))
    expect((await raw.closed).code).toBe(TRY_AGAIN_LATER)
    await env.relay.flush()
    expect(env.relay.metrics()).toContain("updates_stored_total 20")
  })
})

describe("4 and 5. awareness tricks", () => {
  it("announce, clear, re-announce cannot walk around the per-connection client limit", async () => {
    await using env = await start({ maxAwarenessClientsPerConnection: 4 })
    using watcher = client(env.relay.url, LOG, env.relay.token(LOG))
    await watcher.synced()
    using raw = rawClient(env.endpoint)
    await opened(raw.socket)
    for (let id = 1; id <= 20 && raw.socket.readyState === raw.socket.OPEN; id++) {
      raw.socket.send(awareness([[id, 1, { name: `ghost-${id}` }]]))
      raw.socket.send(awareness([[id, 2, null]]))
      raw.socket.send(awareness([[id, 3, { name: `ghost-${id}` }]]))
    }
    expect((await raw.closed).code).toBe(CloseCode.POLICY)
    // And what it held went with it.
    await until("no ghost left", () =>
      [...watcher.provider.awareness.getStates().keys()].every((id) => id > 20)
    )
  })

  it("a state nested 100,000 deep is refused before it is parsed, and the log keeps working", async () => {
    // Large enough a state size that only the depth bound stands in the way.
    await using env = await start({
      maxAwarenessStateBytes: 512 * 1024,
      maxAwarenessBytesPerLog: 2 * 1024 * 1024
    })
    using honest = client(env.relay.url, LOG, env.relay.token(LOG))
    await honest.synced()
    honest.provider.awareness.setLocalState({ name: "alice" })
    using raw = rawClient(env.endpoint)
    await opened(raw.socket)
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`
    raw.socket.send(awareness([[honest.doc.clientID, 99, deep]]))
    expect((await raw.closed).code).toBe(CloseCode.TOO_LARGE)
    const huge = rawClient(env.endpoint)
    await opened(huge.socket)
    huge.socket.send(awareness([[777, 1, { blob: "h".repeat(600 * 1024) }]]))
    expect((await huge.closed).code).toBe(CloseCode.TOO_LARGE)
    // A new phone still connects, syncs and sees alice.
    using fresh = client(env.relay.url, LOG, env.relay.token(LOG))
    await fresh.synced()
    await until(
      "fresh sees alice",
      () => fresh.provider.awareness.getStates().get(honest.doc.clientID)?.name === "alice"
    )
  })

  it("a connection cannot overwrite or clear a client id another connection set", async () => {
    await using env = await start()
    using alice = client(env.relay.url, LOG, env.relay.token(LOG))
    using bob = client(env.relay.url, LOG, env.relay.token(LOG))
    await Promise.all([alice.synced(), bob.synced()])
    alice.provider.awareness.setLocalState({ name: "alice" })
    const id = alice.doc.clientID
    await until("bob sees alice", () => bob.provider.awareness.getStates().get(id)?.name === "alice")
    using raw = rawClient(env.endpoint)
    await opened(raw.socket)
    raw.socket.send(awareness([[id, 1_000, { name: "mallory" }]]))
    raw.socket.send(awareness([[id, 1_001, null]]))
    raw.socket.send(awareness([[31337, 1, { name: "own" }]]))
    await until("bob sees the attacker's own id", () => bob.provider.awareness.getStates().has(31337))
    expect(bob.provider.awareness.getStates().get(id)).toEqual({ name: "alice" })
    expect(raw.socket.readyState).toBe(raw.socket.OPEN)
  })
})

/** Sends `count` requests that never finish their headers, from `localAddress`. */
const halfSent = async (port: number, localAddress: string, count: number) => {
  const { connect } = await import("node:net")
  return Array.from({ length: count }, () => {
    const socket = connect({ port, host: "127.0.0.1", localAddress })
    socket.on("error", () => {})
    socket.write(`GET /${LOG} HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\n`)
    return {
      socket,
      closed: new Promise<void>((resolve) => socket.on("close", () => resolve()))
    }
  })
}

describe("8. half-sent upgrades", () => {
  it("are capped per address and in total and dropped after the header timeout; /healthz keeps answering", async () => {
    await using env = await start({
      maxSocketsPerAddress: 5,
      maxConnections: 1,
      maxSockets: 12,
      headersTimeoutMs: 500
    })
    const port = env.relay.port
    const first = await halfSent(port, "127.0.0.2", 10)
    const second = await halfSent(port, "127.0.0.3", 10)
    const all = [...first, ...second]
    await until("the caps refused the rest", () =>
      /address-too-many-sockets"\} (\d+)/.test(env.relay.metrics())
    )
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined)
    await Promise.all(all.map((s) => s.closed))
    const refused = env.relay.metrics()
    const perAddress = Number(/address-too-many-sockets"\} (\d+)/.exec(refused)?.[1] ?? 0)
    const total = Number(/reason="too-many-sockets"\} (\d+)/.exec(refused)?.[1] ?? 0)
    // 5 from each address got in (10 of the 12), the rest were dropped at accept.
    expect(perAddress + total).toBe(10)
    expect(perAddress).toBeGreaterThanOrEqual(5)
    // Those that got in were dropped by the header timeout (all sockets closed above).
    for (const s of all) s.socket.destroy()
    // The healthz request may have been refused only by the total cap while the attack held it.
    expect(health === undefined || health.status === 200).toBe(true)
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
  })
})

export type { WebSocket }
