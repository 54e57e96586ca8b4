// Three relay processes (the real CLI as child processes) on one Postgres and one Redis, nginx in
// front: stock y-websocket clients and openLog phones spread over them converge and see each
// other's presence; Redis dropping messages (subscribers cut off) and restarting costs nothing
// (the store's catch-up); a SIGTERM hands the clients to the other processes with 1012, 0 lost.
import { randomBytes } from "node:crypto"
import {
  type NginxFixture,
  type PostgresServer,
  phone,
  type RedisFixture,
  runSeed,
  startNginx,
  startPostgres,
  startRedis
} from "@relactation/testkit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Y from "yjs"
import { PostgresStorage } from "../src/PostgresStorage.js"
import { mintToken } from "../src/Token.js"
import { type Client, client, tempDir, until } from "./helpers.js"
import { type Served, serve } from "./process.js"

const secret = randomBytes(32).toString("base64url")
let pg: PostgresServer
let redis: RedisFixture
let nginx: NginxFixture
const relays: Array<Served> = []
const dirs: Array<ReturnType<typeof tempDir>> = []
const clients: Array<Client> = []

const token = (logId: string) => mintToken(secret, logId)
const at = (url: string) => ({ url, token })

beforeAll(async () => {
  pg = await startPostgres()
  redis = await startRedis()
  for (let i = 0; i < 3; i++) {
    const dir = tempDir()
    dirs.push(dir)
    relays.push(
      await serve(["--store", pg.url, "--bus", redis.url, "--data", dir.path, "--trust-proxy"], {
        RELAY_SECRET: secret
      })
    )
  }
  nginx = await startNginx({ relays: relays.map((relay) => ({ host: "127.0.0.1", port: relay.port })) })
}, 120_000)

afterAll(async () => {
  for (const c of clients) c[Symbol.dispose]()
  await nginx?.stop()
  for (const relay of relays) {
    relay.child.kill("SIGTERM")
    await relay.exited
  }
  await redis?.stop()
  await pg?.stop()
  for (const dir of dirs) dir[Symbol.dispose]()
}, 60_000)

const open = (url: string, logId: string): Client => {
  const opened = client(url, logId, token(logId))
  clients.push(opened)
  return opened
}

/** What Postgres holds for a stock client's log: the strings in its `events` array. */
const stored = async (logId: string): Promise<Set<string>> => {
  const storage = await PostgresStorage.open({ url: pg.url })
  try {
    const log = await storage.load(logId)
    const doc = new Y.Doc()
    for (const update of log.data) Y.applyUpdate(doc, update)
    return new Set(doc.getArray<string>("events").toArray())
  } finally {
    await storage.close()
  }
}

const holdsAll = (c: Client, wanted: ReadonlyArray<string>) => {
  const have = new Set(c.events.toArray())
  return wanted.every((event) => have.has(event))
}

const metric = async (relay: Served, name: string): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text()
  let sum = 0
  for (const line of text.split("\n")) if (line.startsWith(name)) sum += Number(line.split(" ").at(-1))
  return sum
}

describe("three relay processes on Postgres and Redis", () => {
  it("converge stock y-websocket clients spread over them, and carry presence across", async () => {
    const logId = "family-bus-converge"
    const [a, b, c] = relays.map((relay) => open(relay.url, logId)) as [Client, Client, Client]
    await Promise.all([a.synced(), b.synced(), c.synced()])
    // First a alone: b's and c's processes write nothing, so only the bus can bring a's events.
    const written: Array<string> = []
    for (let n = 0; n < 5; n++) {
      written.push(`0-${n}`)
      a.events.push([`0-${n}`])
    }
    await until("b and c to hold a's events", () => [b, c].every((x) => holdsAll(x, written)), 10_000)
    for (const [i, who] of [b, c].entries()) {
      for (let n = 0; n < 5; n++) {
        written.push(`${i + 1}-${n}`)
        who.events.push([`${i + 1}-${n}`])
      }
    }
    await until(
      "every client to hold all 15 events",
      () => [a, b, c].every((x) => holdsAll(x, written)),
      15_000
    )
    a.provider.awareness.setLocalStateField("user", { name: "alex" })
    await until(
      "the other processes' clients to see alex",
      () =>
        [b, c].every(
          (x) =>
            (x.provider.awareness.getStates().get(a.doc.clientID) as { user?: { name?: string } } | undefined)
              ?.user?.name === "alex"
        ),
      10_000
    )
    expect(await stored(logId)).toEqual(new Set(written))
    // One process's client never doubles a remote update: each event is in the array once.
    for (const x of [a, b, c]) expect(x.events.length).toBe(15)
  })

  it("converges openLog phones on different processes", async () => {
    const seed = runSeed()
    const logId = "family-bus-phones"
    await using alice = await phone(at(relays[0]?.url ?? ""), logId, "alice", seed)
    await using bob = await phone(at(relays[1]?.url ?? ""), logId, "bob", seed)
    await using carol = await phone(at(nginx.url), logId, "carol", seed)
    await Promise.all([alice.whenSynced(), bob.whenSynced(), carol.whenSynced()])
    const ids: Array<string> = []
    for (const [i, p] of [alice, bob, carol].entries())
      ids.push((await p.append({ type: "latch", durationSec: 60 * (i + 1), side: "left" })).id)
    for (const p of [alice, bob, carol])
      await until(
        "every phone to hold the three latches",
        () => ids.every((id) => p.events.some((e) => e.id === id)),
        10_000
      )
  })

  it("loses nothing when Redis drops messages (subscribers cut off) and when it restarts", async () => {
    const logId = "family-bus-redis-outage"
    const [a, b, c] = relays.map((relay) => open(relay.url, logId)) as [Client, Client, Client]
    await Promise.all([a.synced(), b.synced(), c.synced()])
    const written: Array<string> = []
    const write = (round: string) => {
      for (const [i, who] of [a, b, c].entries()) {
        written.push(`${round}-${i}`)
        who.events.push([`${round}-${i}`])
      }
    }
    const catchUps = async () =>
      (
        await Promise.all(relays.map((relay) => metric(relay, "relactation_relay_bus_catch_ups_total")))
      ).reduce((x, y) => x + y, 0)
    const before = await catchUps()
    write("before")
    await until("the first round everywhere", () => [a, b, c].every((x) => holdsAll(x, written)), 10_000)
    // Cut the subscribers again and again while one client writes: what it publishes meanwhile is
    // lost, and no later message shows the gap; only the catch-up on reconnect brings it.
    expect(await redis.killSubscribers()).toBeGreaterThanOrEqual(3)
    const dropping = redis.dropSubscribersFor(500)
    for (let n = 0; n < 3; n++) {
      written.push(`cut-${n}`)
      a.events.push([`cut-${n}`])
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await dropping).toBeGreaterThan(0)
    await until("convergence after the cuts", () => [b, c].every((x) => holdsAll(x, written)), 8_000)
    // Redis away: each process keeps storing and serving its own clients, /healthz names the bus.
    await redis.stopServer()
    await until("a relay to report the bus down", async () => {
      const health = (await (await fetch(`http://127.0.0.1:${relays[0]?.port}/healthz`)).json()) as {
        bus?: string
        status?: string
      }
      return health.bus === "down" && health.status === "ok"
    })
    write("down")
    await until("a's own write stored", async () => (await stored(logId)).has("down-0"), 10_000)
    await redis.startServer()
    write("back")
    await until("convergence after the restart", () => [a, b, c].every((x) => holdsAll(x, written)), 15_000)
    expect(await stored(logId)).toEqual(new Set(written))
    expect(await catchUps()).toBeGreaterThan(before)
    for (const x of [a, b, c]) expect(x.events.length).toBe(written.length)
  })

  it("drains on SIGTERM: its clients get 1012, reconnect through nginx to the others, 0 lost", async () => {
    const logs = Array.from({ length: 6 }, (_, i) => `family-bus-drain-${i}`)
    const connected = () =>
      Promise.all(
        relays.map(async (relay) => {
          const health = (await (await fetch(`http://127.0.0.1:${relay.port}/healthz`)).json()) as {
            connections: number
          }
          return health.connections
        })
      )
    // The earlier tests' clients stay connected to each process: count only this test's.
    const earlier = await connected()
    const pairs = logs.map((logId) => [open(nginx.url, logId), open(nginx.url, logId)] as const)
    await Promise.all(pairs.flat().map((x) => x.synced()))
    const connections = (await connected()).map((count, i) => count - (earlier[i] ?? 0))
    // The process holding the most connections restarts.
    const victim = connections.indexOf(Math.max(...connections))
    expect(connections[victim]).toBeGreaterThan(0)
    const written = logs.map(() => [] as Array<string>)
    let stop = false
    const writers = pairs.map(async (pair, i) => {
      for (let n = 0; !stop; n++) {
        const who = pair[n % 2] as Client
        written[i]?.push(`${i}-${n}`)
        who.events.push([`${i}-${n}`])
        await new Promise((resolve) => setTimeout(resolve, 40))
      }
    })
    await new Promise((resolve) => setTimeout(resolve, 600))
    const target = relays[victim] as Served
    target.child.kill("SIGTERM")
    await target.exited
    await new Promise((resolve) => setTimeout(resolve, 800))
    stop = true
    await Promise.all(writers)
    for (const [i, pair] of pairs.entries())
      await until(
        `log ${i} to converge on both clients`,
        () => pair.every((x) => holdsAll(x, written[i] ?? [])),
        15_000
      )
    let lost = 0
    for (const [i, logId] of logs.entries()) {
      const inStore = await stored(logId)
      lost += (written[i] ?? []).filter((event) => !inStore.has(event)).length
      for (const x of pairs[i] ?? []) expect(x.events.length).toBe(written[i]?.length)
    }
    expect(lost).toBe(0)
    const restarted = pairs.flat().filter((x) => x.closes.some((close) => close.code === 1012))
    expect(restarted.length).toBe(connections[victim])
    expect(target.stdout()).toContain('"event":"closed"')
  })
})
