// The bus against a real redis-server: updates and presence between two processes' buses (never
// back to the sender), a reconnect after the subscriber connection is cut, a head announced after
// publishes failed while Redis was down, and the shared limits with their expiry.
import { type RedisFixture, startRedis } from "@relactation/testkit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BusUnavailableError, type BusLogHandlers, RedisBus } from "../src/RedisBus.js"
import { until } from "./helpers.js"

let redis: RedisFixture
const buses: Array<RedisBus> = []
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  for (const bus of buses) await bus.close()
  await redis.stop()
})

const open = async (prefix: string): Promise<RedisBus> => {
  const bus = await RedisBus.connect({ url: redis.url, prefix })
  buses.push(bus)
  return bus
}

const recorder = () => {
  const got = {
    updates: [] as Array<[number, Array<number>]>,
    heads: [] as Array<number>,
    awareness: [] as Array<Array<number>>,
    queries: 0
  }
  const handlers: BusLogHandlers = {
    update: (seq, update) => got.updates.push([seq, [...update]]),
    head: (seq) => got.heads.push(seq),
    awareness: (frame) => got.awareness.push([...frame]),
    queryAwareness: () => {
      got.queries++
    }
  }
  return { got, handlers }
}

const LOG = "family-bus-00000001"

describe("RedisBus.connect", () => {
  it("refuses a URL that is not a Redis URL, naming the rule", async () => {
    await expect(RedisBus.connect({ url: "postgres://127.0.0.1/x" })).rejects.toThrow(
      'bus: the Redis URL must start with redis:// or rediss:// (got "postgres://")'
    )
    await expect(RedisBus.connect({ url: "not a url" })).rejects.toBeInstanceOf(BusUnavailableError)
  })

  it("fails at once on an unreachable Redis, without the password in the message", async () => {
    const error = await RedisBus.connect({ url: "redis://:hunter2@127.0.0.1:1" }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BusUnavailableError)
    expect((error as Error).message).toContain("bus: Redis at redis://:***@127.0.0.1:1 is unreachable")
    expect((error as Error).message).not.toContain("hunter2")
  })
})

describe("RedisBus messages", () => {
  it("carries updates and presence to the other process, never back to the sender", async () => {
    const [a, b] = [await open("t1"), await open("t1")]
    const onA = recorder()
    const onB = recorder()
    await a.subscribe(LOG, onA.handlers)
    await b.subscribe(LOG, onB.handlers)
    a.publishUpdate(LOG, 1, new Uint8Array([1, 2, 0, 255]))
    a.publishAwareness(LOG, new Uint8Array([1, 9]))
    a.queryAwareness(LOG)
    await until(
      "b to hear all three",
      () => onB.got.updates.length === 1 && onB.got.awareness.length === 1 && onB.got.queries === 1
    )
    expect(onB.got.updates).toEqual([[1, [1, 2, 0, 255]]])
    expect(onB.got.awareness).toEqual([[1, 9]])
    // A round trip more: b's own message reaches a, a's never came back to a.
    b.publishUpdate(LOG, 2, new Uint8Array([7]))
    await until("a to hear b", () => onA.got.updates.length === 1)
    expect(onA.got.updates).toEqual([[2, [7]]])
    expect(onA.got.awareness).toEqual([])
    expect(b.metrics.received).toBe(3)
    // An unloaded log hears nothing more.
    b.unsubscribe(LOG)
    a.publishUpdate(LOG, 3, new Uint8Array([3]))
    b.publishUpdate(LOG, 4, new Uint8Array([4]))
    await until("a to hear 4", () => onA.got.updates.length === 2)
    expect(onB.got.updates.length).toBe(1)
  })

  it("carries a revocation to every other process, whatever logs they have loaded", async () => {
    const [a, b] = [await open("t6"), await open("t6")]
    const heardA: Array<string> = []
    const heardB: Array<string> = []
    a.onRevoke((logId, credential) => heardA.push(`${logId}/${credential}`))
    b.onRevoke((logId, credential) => heardB.push(`${logId}/${credential}`))
    await a.revoke(LOG, "device-7")
    await a.revoke(LOG, "")
    await until("b to hear both", () => heardB.length === 2)
    expect(heardB).toEqual([`${LOG}/device-7`, `${LOG}/`])
    expect(heardA).toEqual([])
  })

  it("tells its logs to catch up after the subscriber connection was cut", async () => {
    const [a, b] = [await open("t2"), await open("t2")]
    const onB = recorder()
    await b.subscribe(LOG, onB.handlers)
    let reconnects = 0
    b.onReconnect(() => {
      reconnects++
    })
    expect(await redis.killSubscribers()).toBeGreaterThanOrEqual(2)
    await until("b to reconnect", () => reconnects === 1 && b.up)
    // Resubscribed: the next message arrives again.
    a.publishUpdate(LOG, 5, new Uint8Array([5]))
    await until("b to hear 5", () => onB.got.updates.length === 1)
    expect(b.metrics.render()).toContain("relactation_relay_bus_reconnects_total 1")
  })

  it("announces the last number it could not publish once Redis is back", async () => {
    const [a, b] = [await open("t3"), await open("t3")]
    const onB = recorder()
    await b.subscribe(LOG, onB.handlers)
    await a.subscribe(LOG, recorder().handlers)
    await redis.stopServer()
    await until("a to notice", () => !a.up)
    a.publishUpdate(LOG, 8, new Uint8Array([8]))
    a.publishUpdate(LOG, 9, new Uint8Array([9]))
    expect(a.metrics.publishFailures).toBe(2)
    expect(a.renderMetrics()).toContain("relactation_relay_bus_up 0")
    await redis.startServer()
    await until("b to hear a's head", () => onB.got.heads.includes(9), 10_000)
    expect(onB.got.updates).toEqual([])
    await until("a up again", () => a.up)
  })
})

describe("RedisBus shared limits", () => {
  it("counts connections to a log over every live process, and forgets a dead one", async () => {
    const [a, b] = [await open("t4"), await open("t4")]
    expect(await a.admitConnection(LOG, 1, 3)).toBe(true)
    expect(await a.admitConnection(LOG, 2, 3)).toBe(true)
    expect(await b.admitConnection(LOG, 1, 3)).toBe(true)
    expect(await b.admitConnection(LOG, 2, 3)).toBe(false)
    b.setConnections(LOG, 0)
    a.setConnections(LOG, 1)
    expect(await b.admitConnection(LOG, 1, 3)).toBe(true)
    expect(await b.admitConnection(LOG, 2, 3)).toBe(true)
    expect(await b.admitConnection(LOG, 3, 3)).toBe(false)
    // A process that never beat its heartbeat (or stopped long ago) does not count.
    await redis.command("HSET", "t4:conns:family-bus-00000001", "relay-dead", "50")
    expect(await b.admitConnection(LOG, 2, 3)).toBe(true)
    // One that closed leaves at once.
    await a.close()
    expect(await b.admitConnection(LOG, 3, 3)).toBe(true)
  })

  it("shares one rate allowance per address, and answers undefined while Redis is down", async () => {
    const [a, b] = [await open("t5"), await open("t5")]
    expect(await a.takeRate("203.0.113.9", 3)).toBe(true)
    expect(await b.takeRate("203.0.113.9", 3)).toBe(true)
    expect(await a.takeRate("203.0.113.9", 3)).toBe(true)
    expect(await b.takeRate("203.0.113.9", 3)).toBe(false)
    expect(await b.takeRate("203.0.113.10", 3)).toBe(true)
    // No address in clear in Redis.
    expect(await redis.command("KEYS", "*203.0.113*")).toBe("*0")
    await redis.stopServer()
    await until("a to notice", () => !a.up)
    expect(await a.takeRate("203.0.113.9", 3)).toBeUndefined()
    expect(await a.admitConnection(LOG, 1, 3)).toBeUndefined()
    await redis.startServer()
    await until("a up again", () => a.up, 10_000)
  })
})
