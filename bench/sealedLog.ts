/**
 * Figure 8, the sealed log through `openLog` (issue 12 targets), sealed beside plaintext in the
 * same run, both through the real `openLog` with an in-memory adapter that loads the stored
 * update (and keeps a checkpoint when asked):
 * - append median: `log.append(event)` of the log's next events, one at a time (target ≤ 1.5×);
 * - cold open at each size, without a checkpoint (every sealed entry opened) and with one (the
 *   opened entries from the sealed checkpoint; target ≤ 1.3×);
 * - catch-up bytes: what a phone that was offline for the log's last day downloads
 *   (`Y.encodeStateAsUpdate(doc, stateVectorBefore)`), sealed against plaintext.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Event } from "@relactation/core"
import * as FilePersistence from "../packages/sync/src/FilePersistence.js"
import * as Y from "yjs"
import type { OpenLogOptions, PersistenceAdapter } from "../packages/sync/src/index.js"
import { openLog } from "../packages/sync/src/index.js"
import type { Context } from "./context.js"
import { median } from "./measure.js"
import { q, type Row } from "./table.js"

const LOADED = Symbol("bench-load")

/** Memory persistence that loads `update` and keeps one checkpoint (when `keep`). */
const stored = (update: Uint8Array, keep: boolean) => {
  let checkpoint: Uint8Array | undefined
  const adapter: PersistenceAdapter = {
    kind: "bench",
    open: async (_logId, doc) => {
      Y.applyUpdate(doc, update, LOADED)
      return { origin: LOADED, flush: async () => {}, close: async () => {} }
    },
    ...(keep
      ? {
          checkpoints: {
            read: async () => checkpoint,
            write: async (_logId, bytes) => {
              checkpoint = bytes
            }
          }
        }
      : {})
  }
  return adapter
}

const optionsFor = (
  logId: string,
  adapter: PersistenceAdapter,
  key: string | undefined,
  projections: OpenLogOptions["projections"]
): OpenLogOptions => ({
  logId,
  caregiver: "bench",
  projections,
  persistence: { kind: "custom", adapter },
  checkpoint: adapter.checkpoints === undefined ? false : { idleMs: 60_000, everyEntries: 1e9 },
  ...(key === undefined ? {} : { key })
})

const coldOpen = async (options: OpenLogOptions, runs: number, expected: number): Promise<number> => {
  const times: Array<number> = []
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now()
    const log = await openLog(options)
    const t = performance.now() - t0
    if (log.events.length !== expected)
      throw new Error(`cold open: ${log.events.length} of ${expected} events`)
    await log.close() // writes the checkpoint the next run reads (when the adapter keeps one)
    if (i > 0) times.push(t)
  }
  return median(times)
}

export interface SealedLogInput {
  readonly size: string
  readonly days: number
  readonly logId: string
  readonly key: string
  readonly events: ReadonlyArray<Event>
  readonly plainUpdate: Uint8Array
  readonly sealedUpdate: Uint8Array
  /** The map key of each event in the sealed document (its blinded id), in event order. */
  readonly sealedKeys: ReadonlyArray<string>
  readonly projections: OpenLogOptions["projections"]
  /** Whether to measure appends (at the first size only). */
  readonly appends: boolean
}

export const sealedLogRows = async (ctx: Context, input: SealedLogInput): Promise<Array<Row>> => {
  const rows: Array<Row> = []
  const { size, logId, key, events } = input
  const n = events.length
  const runs = ctx.smoke ? 1 : input.days > 1000 ? 3 : 7
  for (const withCheckpoint of [false, true]) {
    const plain = await coldOpen(
      optionsFor(logId, stored(input.plainUpdate, withCheckpoint), undefined, input.projections),
      runs,
      n
    )
    const sealed = await coldOpen(
      optionsFor(logId, stored(input.sealedUpdate, withCheckpoint), key, input.projections),
      runs,
      n
    )
    rows.push({
      figure: "8 sealed",
      size,
      metric: `cold open (openLog), ${withCheckpoint ? "with" : "without"} checkpoint`,
      ours: q(sealed, "ms"),
      baselineName: "plaintext openLog",
      baseline: q(plain, "ms"),
      ratio: sealed / plain,
      target: "≤ 1.3×",
      met: sealed / plain <= 1.3,
      note: withCheckpoint
        ? "the checkpoint holds the opened entries: one decryption (of the checkpoint) per open"
        : "every sealed entry opened (AES-GCM + HMAC, 64 in flight): the first open of a device"
    })
    ctx.say(
      `fig 8 cold open ${size} ${withCheckpoint ? "with" : "without"} checkpoint: ${sealed.toFixed(0)} vs ${plain.toFixed(0)} ms`
    )
  }

  // Catch-up: the last day's entries, as a phone that was offline that day downloads them: the
  // document's update against the state vector of everything before (per writing client, the
  // clocks of its earlier entries; each client's clocks grow with its own appends).
  const lastDay = Date.parse(events.at(-1)!.at) - 86_400_000
  const catchUp = (update: Uint8Array, keys: ReadonlyArray<string>) => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    const map = doc.getMap<unknown>("events")
    const sv = new Map<number, number>()
    let entries = 0
    events.forEach((e, i) => {
      if (Date.parse(e.at) >= lastDay) {
        entries++
        return
      }
      const item = map._map.get(keys[i]!)
      if (item !== undefined) sv.set(item.id.client, Math.max(sv.get(item.id.client) ?? 0, item.id.clock + 1))
    })
    const all = update.byteLength
    const day = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(sv)).byteLength
    doc.destroy()
    return { all, day, entries }
  }
  const p = catchUp(
    input.plainUpdate,
    events.map((e) => e.id)
  )
  const s = catchUp(input.sealedUpdate, input.sealedKeys)
  rows.push({
    figure: "8 sealed",
    size,
    metric: "catch-up bytes (last day offline)",
    ours: q(s.day, "B"),
    baselineName: "plaintext",
    baseline: q(p.day, "B"),
    ratio: s.day / p.day,
    target: "report",
    note: `${s.entries} entries; a new phone downloads the whole log: ${(s.all / 1024).toFixed(0)} KiB sealed, ${(p.all / 1024).toFixed(0)} KiB plaintext`
  })

  if (input.appends) {
    const appendMedian = async (k: string | undefined, file?: string): Promise<number> => {
      const adapter =
        file === undefined ? stored(new Uint8Array([0, 0]), false) : FilePersistence.adapter(file)
      const log = await openLog(optionsFor(`${logId}-append`, adapter, k, input.projections))
      const times: Array<number> = []
      const count = ctx.smoke ? 20 : 400
      for (const event of events.slice(0, count)) {
        const t0 = performance.now()
        await log.append(event)
        times.push(performance.now() - t0)
      }
      await log.close()
      return median(times.slice(Math.min(20, times.length - 1)))
    }
    const plain = await appendMedian(undefined)
    const sealed = await appendMedian(key)
    const plain2 = await appendMedian(undefined)
    const base = Math.min(plain, plain2)
    rows.push({
      figure: "8 sealed",
      size,
      metric: "append median (openLog, memory)",
      ours: q(sealed * 1000, "µs"),
      baselineName: "plaintext append",
      baseline: q(base * 1000, "µs"),
      ratio: sealed / base,
      target: "≤ 1.5×",
      met: sealed / base <= 1.5,
      note: "validate, seal (pack, pad, AES-GCM, HMAC of the id), store, flush, index"
    })
    ctx.say(`fig 8 append: ${(sealed * 1000).toFixed(0)} vs ${(base * 1000).toFixed(0)} µs`)
    // The same on a file log (each append fsync'ed), as a phone's storage makes it wait.
    const folder = await mkdtemp(join(tmpdir(), "relactation-bench-append-"))
    try {
      const plainFile = await appendMedian(undefined, join(folder, "plain.ylog"))
      const sealedFile = await appendMedian(key, join(folder, "sealed.ylog"))
      rows.push({
        figure: "8 sealed",
        size,
        metric: "append median (openLog, file, fsync)",
        ours: q(sealedFile * 1000, "µs"),
        baselineName: "plaintext append",
        baseline: q(plainFile * 1000, "µs"),
        ratio: sealedFile / plainFile,
        target: "≤ 1.5×",
        met: sealedFile / plainFile <= 1.5,
        note: "as above, then the file's fsync"
      })
      ctx.say(`fig 8 append (file): ${(sealedFile * 1000).toFixed(0)} vs ${(plainFile * 1000).toFixed(0)} µs`)
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  }
  return rows
}
