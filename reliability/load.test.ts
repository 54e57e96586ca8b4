/**
 * Scenario 5, load and soak: many websocket clients on many logs (two per log) write at a steady
 * rate through a relay process. No connection may be closed on them, every write must reach the
 * other phone of its log, the p99 delivery latency is reported, the relay's resident memory is
 * sampled and must show no growth trend after warm-up, and every log is unloaded once its clients
 * leave.
 */
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { DATABASE_FILE, mintToken } from "@relactation/server"
import { sleep, until } from "@relactation/testkit"
import { size } from "./size.js"
import { readStore } from "./support/clients.js"
import { type LightClient, lightClient } from "./support/lightClient.js"
import { type RelayProcess, startRelayProcess } from "./support/relayProcess.js"
import { scenario } from "./support/scenario.js"

const SECRET = "reliability-load-secret-pT3zIMlv6hBRBROON3-JmfDX1rV_RTv3ElfyiRJ8Ouo"
const knobs = size.load
const { random, row, onEnd, tempDir } = scenario("load")
const dir = tempDir("rel-load-")
const logs = Array.from({ length: knobs.logs }, (_, i) => `load-log-${String(i).padStart(5, "0")}`)

let relay: RelayProcess | undefined
let clients: Array<LightClient> = []
let writes = 0
onEnd(async () => {
  for (const client of clients) client.close()
  await relay?.kill()
})

const health = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.json())) as {
    status: string
    connections: number
    loadedLogs: number
  }

const mean = (values: ReadonlyArray<number>) =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length)
const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

describe("load", () => {
  it("carries a steady write rate over many clients without errors, growth or leftovers", async () => {
    relay = await startRelayProcess({
      dataDir: dir,
      secret: SECRET,
      limits: { connectionsPerIpPerMinute: 1_000_000, unloadAfterMs: 1_000 }
    })
    const port = relay.port
    const connectStart = Date.now()
    for (let i = 0; i < knobs.clients; i += 50) {
      const batch = Array.from({ length: Math.min(50, knobs.clients - i) }, (_, j) => {
        const logId = logs[(i + j) % logs.length] as string
        return lightClient(relay!.url, logId, mintToken(SECRET, logId))
      })
      clients.push(...batch)
      await Promise.all(batch.map((client) => client.opened))
    }
    await until("every client synced", () => clients.every((client) => client.synced), 60_000, 50)
    const connectMs = Date.now() - connectStart
    const byLog = new Map<string, Array<LightClient>>()
    for (const client of clients) byLog.set(client.logId, [...(byLog.get(client.logId) ?? []), client])

    const sentAt = new Map<string, number>()
    const expected = new Map<string, number>()
    const arrivals = new Map<string, number>()
    const latencies: Array<number> = []
    for (const client of clients) {
      client.onRemoteKey((key) => {
        const at = sentAt.get(key)
        if (at === undefined) return
        latencies.push(Date.now() - at)
        arrivals.set(key, (arrivals.get(key) ?? 0) + 1)
      })
    }

    const rss: Array<number> = []
    const sampleEvery = knobs.durationMs / knobs.samples
    const sampler = setInterval(() => {
      const value = relay?.rss()
      if (value !== undefined) rss.push(value)
    }, sampleEvery)
    const tickMs = 50
    const perTick = (knobs.writesPerSecond * tickMs) / 1000
    let carry = 0
    const end = Date.now() + knobs.durationMs
    while (Date.now() < end) {
      carry += perTick
      for (; carry >= 1; carry--) {
        const client = clients[Math.floor(random() * clients.length)] as LightClient
        const key = `w${writes++}-${Math.floor(random() * 1e9)}`
        row.attempts = writes
        sentAt.set(key, Date.now())
        expected.set(key, (byLog.get(client.logId)?.length ?? 1) - 1)
        client.set(key, { type: "latch", v: 1, note: "load" })
      }
      await sleep(tickMs)
    }
    clearInterval(sampler)
    const delivered = () => [...expected].every(([key, count]) => (arrivals.get(key) ?? 0) >= count)
    await until("every write delivered", delivered, 30_000, 100).catch(() => {})
    const missing = [...expected].filter(([key, count]) => (arrivals.get(key) ?? 0) < count).length
    const closes = clients.flatMap((client) => client.closes)
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text())
    const errorLines = metrics
      .split("\n")
      .filter((line) => line.startsWith("relactation_relay_errors_total{"))

    // Leave, and watch every log unload.
    const before = await health(port)
    for (const client of clients) client.close()
    clients = []
    const leaveStart = Date.now()
    let after = await health(port)
    await until(
      "every log unloaded",
      async () => {
        after = await health(port)
        return after.connections === 0 && after.loadedLogs === 0
      },
      30_000,
      200
    ).catch(() => {})
    const unloadMs = Date.now() - leaveStart

    await relay.kill()
    relay = undefined
    const stored = readStore(join(dir, DATABASE_FILE))
    let notStored = 0
    const storedKeys = new Set([...stored.values()].flatMap((log) => log.keys))
    for (const key of expected.keys()) if (!storedKeys.has(key)) notStored++

    const sorted = [...latencies].sort((a, b) => a - b)
    const third = Math.floor(rss.length / 3)
    const middle = mean(rss.slice(third, 2 * third))
    const last = mean(rss.slice(2 * third))
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20)
    const figures = `${knobs.clients} clients on ${knobs.logs} logs for ${knobs.durationMs / 1000} s at ${knobs.writesPerSecond} writes/s: ${writes} writes, connect+sync ${connectMs} ms, delivery p50 ${percentile(sorted, 50)} ms / p99 ${percentile(sorted, 99)} ms / max ${sorted.at(-1)} ms, RSS middle third ${mib(middle)} MiB, last third ${mib(last)} MiB, max ${mib(Math.max(...rss))} MiB; ${before.loadedLogs} logs loaded before leaving, ${after.loadedLogs} ${unloadMs} ms after; closes ${closes.length}, relay errors ${errorLines.length}`
    row.notes.push(figures)
    console.log(`[load] ${figures}`)
    row.eventsLost = Math.max(missing, notStored)
    row.failures =
      closes.length +
      errorLines.length +
      (missing > 0 ? 1 : 0) +
      (notStored > 0 ? 1 : 0) +
      (last > 1.5 * middle ? 1 : 0) +
      (after.loadedLogs !== 0 ? 1 : 0)
    expect(closes, "connections closed on honest clients").toEqual([])
    expect(errorLines, "relay error counters").toEqual([])
    expect(missing, "writes not delivered to the other phone").toBe(0)
    expect(notStored, "writes not in the store").toBe(0)
    expect(last, "RSS of the last third vs the middle third").toBeLessThanOrEqual(1.5 * middle)
    expect(after).toMatchObject({ connections: 0, loadedLogs: 0 })
    expect(row.failures, "attempts that broke a promise").toBe(0)
  })
})
