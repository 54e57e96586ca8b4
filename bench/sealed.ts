/**
 * Figure 8, sealed entries (issue 12): what sealing costs beside the plaintext log, in the same run.
 * - seal per entry (`seal`: pack, pad, AES-256-GCM, HMAC of the id; all entries of the log in
 *   flight together) against `JSON.stringify(encodeEvent(e))` per entry;
 * - open per entry (`openAll`: AES-GCM, unpack, HMAC check of the id, then core's `decodeEntry`)
 *   against `JSON.parse` + `decodeEntry` per entry;
 * - opening the whole log, and bare `crypto.subtle.decrypt` of as many entries (256 B, and our
 *   padded 128 B), awaited one by one, all at once (`Promise.all`) and with 64 in flight
 *   (`openAll`'s way), so the choice stays measured;
 * - storage: bytes per event of a two-phone Yjs document of sealed entries against the compact
 *   JSON of the plaintext events (issue target ≤ 1.25×), with the plaintext document beside it.
 * Timings are at the first size only (sealing the 10-year log twice per run would take minutes).
 */
import { decodeEntry, encodeEvent, type Event, isEvent } from "@relactation/core"
import * as Y from "yjs"
import { parseFamilyKey } from "../packages/sync/src/FamilyKey.js"
import { OPEN_WINDOW, open, openAll, type SealedEntry, seal } from "../packages/sync/src/internal/Envelope.js"
import { deriveLogKeys, type LogKeys } from "../packages/sync/src/internal/LogKeys.js"
import type { Context, Figure } from "./context.js"
import { median, sink } from "./measure.js"
import { optionsFor } from "./projections.js"
import { sealedLogRows } from "./sealedLog.js"
import { q, type Row, sizeLabel } from "./table.js"
import { EVENTS_MAP, storedUpdate } from "./ydoc.js"

type Sealed = { readonly key: string; readonly value: SealedEntry }

export const sealAll = (keys: LogKeys, events: ReadonlyArray<Event>): Promise<Array<Sealed>> =>
  Promise.all(events.map((e) => seal(keys, encodeEvent(e) as { id: string })))

/** Both phones' documents of sealed entries, each phone writing its caregiver's, exchanging updates. */
export const sealedUpdate = (
  events: ReadonlyArray<Event>,
  sealed: ReadonlyArray<Sealed>,
  caregivers: readonly [string, string]
): Uint8Array => {
  const a = new Y.Doc()
  const b = new Y.Doc()
  const REMOTE = Symbol("remote")
  a.on("update", (u: Uint8Array, origin: unknown) => origin !== REMOTE && Y.applyUpdate(b, u, REMOTE))
  b.on("update", (u: Uint8Array, origin: unknown) => origin !== REMOTE && Y.applyUpdate(a, u, REMOTE))
  events.forEach((event, i) => {
    const doc = event.by === caregivers[1] ? b : a
    const { key, value } = sealed[i]!
    doc.transact(() => doc.getMap<unknown>(EVENTS_MAP).set(key, value))
  })
  const update = Y.encodeStateAsUpdate(a)
  a.destroy()
  b.destroy()
  return update
}

/** Medians of async `ours` and sync `baseline`, alternating run by run. */
const alternate = async (
  ours: () => Promise<unknown>,
  baseline: () => unknown,
  runs: number
): Promise<{ ours: number; baseline: number }> => {
  const a: Array<number> = []
  const b: Array<number> = []
  for (let i = 0; i < runs + 1; i++) {
    let t0 = performance.now()
    sink(await ours())
    const ta = performance.now() - t0
    t0 = performance.now()
    sink(baseline())
    const tb = performance.now() - t0
    if (i === 0) continue // warm-up
    a.push(ta)
    b.push(tb)
  }
  return { ours: median(a), baseline: median(b) }
}

/** Runs `work(items, i)` for every item with up to `width` in flight (as `openAll` does). */
const windowed = async <A>(items: ReadonlyArray<A>, width: number, work: (item: A) => Promise<unknown>) => {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
}

/** Medians of three async ways of doing the same work, run in turn. */
const threeWays = async (
  ways: Readonly<Record<"oneByOne" | "all" | "window", () => Promise<unknown>>>,
  runs: number
): Promise<Record<"oneByOne" | "all" | "window", number>> => {
  const times = { oneByOne: [] as Array<number>, all: [] as Array<number>, window: [] as Array<number> }
  for (let i = 0; i < runs + 1; i++) {
    for (const name of ["oneByOne", "all", "window"] as const) {
      const t0 = performance.now()
      sink(await ways[name]())
      if (i > 0) times[name].push(performance.now() - t0)
    }
  }
  return { oneByOne: median(times.oneByOne), all: median(times.all), window: median(times.window) }
}

const decryptWays = async (n: number, bytes: number, runs: number) => {
  const subtle = globalThis.crypto.subtle
  const key = await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
  const items = await Promise.all(
    Array.from({ length: n }, async () => {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      return { iv, ct: await subtle.encrypt({ name: "AES-GCM", iv }, key, new Uint8Array(bytes)) }
    })
  )
  const one = (it: (typeof items)[number]) => subtle.decrypt({ name: "AES-GCM", iv: it.iv }, key, it.ct)
  return threeWays(
    {
      oneByOne: async () => {
        for (const it of items) await one(it)
      },
      all: () => Promise.all(items.map(one)),
      window: () => windowed(items, OPEN_WINDOW, one)
    },
    runs
  )
}

const waysRows = (
  size: string,
  what: string,
  t: Record<"oneByOne" | "all" | "window", number>
): Array<Row> => [
  {
    figure: "8 sealed",
    size,
    metric: `${what}, window of ${OPEN_WINDOW}`,
    ours: q(t.window, "ms"),
    baselineName: "one by one",
    baseline: q(t.oneByOne, "ms"),
    ratio: t.window / t.oneByOne,
    target: "report (openAll's way)"
  },
  {
    figure: "8 sealed",
    size,
    metric: `${what}, all at once`,
    ours: q(t.all, "ms"),
    baselineName: "one by one",
    baseline: q(t.oneByOne, "ms"),
    ratio: t.all / t.oneByOne,
    target: "report"
  }
]

export const sealedFigure: Figure = async (ctx: Context) => {
  const rows: Array<Row> = []
  // A fixed key, so runs are comparable (the bench has no effect dependency: Results by their tag).
  const keyText = "Pb6cHQ1uQ0FrVqH0m1oRkXhTzwb1Ny8bG0B8Wc0xk0A"
  const parsed = parseFamilyKey(keyText)
  if (parsed._tag === "Failure") throw parsed.failure
  const key = parsed.success
  const runs = ctx.smoke ? 2 : 7
  for (const days of ctx.sizes) {
    const log = ctx.log(days)
    const n = log.events.length
    const size = sizeLabel(days, n)
    const keys = await deriveLogKeys("family-bench-0001", key)
    const sealed = await sealAll(keys, log.events)
    const entries = sealed.map((s) => [s.key, s.value] as const)
    const json = JSON.stringify(log.events)

    const update = sealedUpdate(log.events, sealed, log.caregivers)
    const plain = storedUpdate(log.events, log.caregivers).byteLength
    const ratio = update.byteLength / Buffer.byteLength(json)
    rows.push({
      figure: "8 sealed",
      size,
      metric: "sealed Yjs bytes/event",
      ours: q(update.byteLength / n, "B/event"),
      baselineName: "compact JSON",
      baseline: q(Buffer.byteLength(json) / n, "B/event"),
      ratio,
      target: "≤ 1.25×",
      met: ratio <= 1.25,
      note: `plaintext Yjs document ${(plain / n).toFixed(0)} B/event; sealed ${(update.byteLength / 1024 / 1024).toFixed(2)} MiB`
    })
    ctx.say(
      `fig 8 at ${days} d: sealed ${(update.byteLength / n).toFixed(1)} B/event, plain ${(plain / n).toFixed(1)}`
    )
    rows.push(
      ...(await sealedLogRows(ctx, {
        size,
        days,
        logId: "family-bench-0001",
        key: keyText,
        events: log.events,
        plainUpdate: storedUpdate(log.events, log.caregivers),
        sealedUpdate: update,
        sealedKeys: sealed.map((x) => x.key),
        projections: optionsFor(log) as never,
        appends: days === ctx.sizes[0]
      }))
    )
    if (days !== ctx.sizes[0]) continue

    const encoded = log.events.map((e) => encodeEvent(e))
    const s = await alternate(
      () => sealAll(keys, log.events),
      () => log.events.map((e) => JSON.stringify(encodeEvent(e))),
      runs
    )
    rows.push({
      figure: "8 sealed",
      size,
      metric: "seal per entry",
      ours: q((s.ours * 1000) / n, "µs"),
      baselineName: "JSON.stringify(encodeEvent)",
      baseline: q((s.baseline * 1000) / n, "µs"),
      ratio: s.ours / s.baseline,
      target: "report",
      note: `${s.ours.toFixed(0)} ms for the whole log, all in flight at once`
    })
    const texts = encoded.map((e) => JSON.stringify(e))
    const o = await alternate(
      async () => {
        const results = await openAll(keys, entries)
        let valid = 0
        for (const r of results) if (r._tag === "Success" && isEvent(decodeEntry(r.success))) valid++
        if (valid !== n) throw new Error(`openAll opened ${valid} of ${n} entries`)
        return results
      },
      () => texts.map((t) => decodeEntry(JSON.parse(t))),
      runs
    )
    rows.push({
      figure: "8 sealed",
      size,
      metric: "open per entry (openAll + decode)",
      ours: q((o.ours * 1000) / n, "µs"),
      baselineName: "JSON.parse + decodeEntry",
      baseline: q((o.baseline * 1000) / n, "µs"),
      ratio: o.ours / o.baseline,
      target: "report",
      note: `${o.ours.toFixed(0)} ms for the whole log`
    })
    const opens = await threeWays(
      {
        oneByOne: async () => {
          for (const [k, v] of entries) await open(keys, k, v)
        },
        all: () => Promise.all(entries.map(([k, v]) => open(keys, k, v))),
        window: () => openAll(keys, entries)
      },
      runs
    )
    rows.push(...waysRows(size, "open the whole log", opens))
    ctx.say(`fig 8 open: ${JSON.stringify(opens)}`)
    for (const bytes of [256, 128]) {
      const d = await decryptWays(n, bytes, runs)
      rows.push(...waysRows(size, `subtle.decrypt of ${bytes} B`, d))
      ctx.say(`fig 8 decrypt ${bytes} B: ${JSON.stringify(d)}`)
    }
  }
  return rows
}
