/**
 * Figure 6, catch-up sync: two phones share a log with a year (and ten years) of history, go
 * offline for 7 days, record 250 events each, then reconnect through our relay (auth and SQLite
 * storage on, in this process). Measured: the bytes the two phones download to catch up (websocket
 * message payloads, counted on the phones' sockets, presence included) against the compact JSON of
 * the events each phone was missing (500 events in total), and the time from `connect()` until both
 * phones hold every event. Target: at most 1.5× the JSON.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Event } from "@relactation/core"
import { createRelay, SqliteStorage } from "@relactation/server"
import { type EventLog, openLog } from "@relactation/sync"
import { until } from "@relactation/testkit"
import { WebSocket } from "ws"
import type { Context, Figure } from "./context.js"
import { generateLog } from "./generate.js"
import { q, type Row, sizeLabel } from "./table.js"
import { storedUpdate } from "./ydoc.js"

interface Counter {
  bytesIn: number
  bytesOut: number
  messagesIn: number
  /** Bytes received by message kind: sync step 1, step 2, update, awareness, other. */
  byKind: Record<string, number>
}

// y-websocket framing: a varuint message type (0 sync, 1 awareness), then for sync a varuint
// sub-type (0 step 1, 1 step 2, 2 update). All fit one byte.
const kindOf = (bytes: Uint8Array): string =>
  bytes[0] === 0
    ? (["step1", "step2", "update"][bytes[1] ?? 9] ?? "sync?")
    : bytes[0] === 1
      ? "awareness"
      : "other"

const bytesOf = (data: unknown): Uint8Array =>
  data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(0)

const size = (data: unknown): number =>
  data instanceof ArrayBuffer
    ? data.byteLength
    : ArrayBuffer.isView(data)
      ? data.byteLength
      : Array.isArray(data)
        ? data.reduce((n: number, d: Uint8Array) => n + d.byteLength, 0)
        : typeof data === "string"
          ? Buffer.byteLength(data)
          : 0

/** A `ws` WebSocket that counts the payload bytes it sends and receives. */
export const countingWebSocket = (counter: Counter): typeof WebSocket =>
  class CountingWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args)
      this.on("message", (data) => {
        const n = size(data)
        counter.bytesIn += n
        counter.messagesIn += 1
        const kind = kindOf(bytesOf(data))
        counter.byKind[kind] = (counter.byKind[kind] ?? 0) + n
      })
    }
    override send(data: Parameters<WebSocket["send"]>[0], ...rest: Array<unknown>): void {
      counter.bytesOut += size(data)
      ;(super.send as (...a: Array<unknown>) => void)(data, ...rest)
    }
  } as typeof WebSocket

export const catchUpFigure: Figure = async (ctx: Context) => {
  const rows: Array<Row> = []
  const perPhone = ctx.smoke ? 25 : 250
  for (const days of ctx.sizes) {
    const log = ctx.log(days)
    const dir = mkdtempSync(join(tmpdir(), "relactation-bench-catchup-"))
    const logId = `bench-catchup-${days}`
    // The relay already stores the shared history (as if both phones had synced it long ago).
    const storage = SqliteStorage.open({ file: join(dir, "relay.sqlite") })
    await storage.append(logId, storedUpdate(log.events, log.caregivers))
    const relay = await createRelay({
      port: 0,
      storage,
      secret: "bench-secret-6T7L5C_KRqi4REuCqWVEv0gIyLuRQt2_Gnm2tts_8yk",
      log: () => {}
    })
    const counters: Array<Counter> = []
    const phones: Array<EventLog> = []
    try {
      for (const caregiver of log.caregivers) {
        const counter: Counter = { bytesIn: 0, bytesOut: 0, messagesIn: 0, byKind: {} }
        counters.push(counter)
        phones.push(
          await openLog({
            logId,
            caregiver,
            child: log.child,
            url: relay.url,
            token: relay.token(logId),
            persistence: { kind: "memory" },
            projections: { timeZone: log.timeZone },
            presence: { name: caregiver },
            WebSocketPolyfill: countingWebSocket(counter)
          })
        )
      }
      const history = log.events.length
      await Promise.all(phones.map((p) => p.whenSynced()))
      await until("the history to load", () => phones.every((p) => p.events.length === history), 120_000, 0)
      for (const p of phones) p.disconnect()
      // 7 days offline: the next week of this family, split between the two phones.
      const next = generateLog({ days: 16, fromDay: days, seed: ctx.seed }).events.slice(0, 2 * perPhone)
      const mine: Array<Array<Event>> = [[], []]
      for (const [i, e] of next.entries()) mine[i % 2]!.push(e)
      for (let k = 0; k < 2; k++) for (const e of mine[k]!) await phones[k]!.append(e)
      const missingJson =
        Buffer.byteLength(JSON.stringify(mine[0])) + Buffer.byteLength(JSON.stringify(mine[1]))
      for (const c of counters) Object.assign(c, { bytesIn: 0, bytesOut: 0, messagesIn: 0, byKind: {} })
      const t0 = performance.now()
      for (const p of phones) p.connect()
      const total = history + 2 * perPhone
      await until("the phones to converge", () => phones.every((p) => p.events.length === total), 60_000, 0)
      const convergeMs = performance.now() - t0
      await Promise.all(phones.map((p) => p.whenSynced()))
      // Let trailing acknowledgements and presence arrive, so every byte of the catch-up counts.
      await new Promise((r) => setTimeout(r, 300))
      const down = counters.reduce((n, c) => n + c.bytesIn, 0)
      const up = counters.reduce((n, c) => n + c.bytesOut, 0)
      const messages = counters.reduce((n, c) => n + c.messagesIn, 0)
      const kinds = new Map<string, number>()
      for (const c of counters)
        for (const [k, n] of Object.entries(c.byKind)) kinds.set(k, (kinds.get(k) ?? 0) + n)
      const breakdown = [...kinds].map(([k, n]) => `${k} ${(n / 1024).toFixed(1)} KiB`).join(", ")
      const ratio = down / missingJson
      const label = sizeLabel(days, history)
      rows.push({
        figure: "6 catch-up sync",
        size: label,
        metric: `bytes downloaded, 2 × ${perPhone} events`,
        ours: q(down / 1024, "KiB"),
        baselineName: "JSON of missing events",
        baseline: q(missingJson / 1024, "KiB"),
        ratio,
        target: "≤ 1.5×",
        met: ratio <= 1.5,
        note: `${messages} messages down (${breakdown}); uploaded ${(up / 1024).toFixed(1)} KiB (${(up / missingJson).toFixed(2)}× the JSON)`
      })
      rows.push({
        figure: "6 catch-up sync",
        size: label,
        metric: "time to converge",
        ours: q(convergeMs, "ms"),
        baselineName: "none",
        target: "report"
      })
      ctx.say(
        `fig 6 at ${days} d: down ${down} B, up ${up} B, JSON ${missingJson} B, converged in ${convergeMs.toFixed(0)} ms`
      )
    } finally {
      await Promise.all(phones.map((p) => p.close()))
      await relay.close()
      await storage.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return rows
}
