/**
 * Figure 9, instant open: the time from `openLog` to the first projections an app can show, from
 * a file-persisted log with a year (and ten years) of history: with the local checkpoint (the
 * projections come from it, through `onFirstProjections`, before the document is loaded), and
 * without (`checkpoint: false`: `openLog` resolves after the whole document is loaded, decoded and
 * projected). Plaintext and sealed (the sealed checkpoint is one AES-GCM decryption; without it
 * every entry is opened). Baseline: `JSON.parse` of the same events. Target: ≤ 2× `JSON.parse`
 * with the checkpoint (issue 13). Also the whole open with the checkpoint (the document still
 * loads completely; decoding is skipped for the entries the checkpoint covers).
 *
 * And a checkpoint a day old: the log's last day (~35 entries) reached the file after the
 * checkpoint was written. The projections then come from the checkpoint's reducer states plus
 * only those entries; beside it the rebuild path (the same checkpoint without its states: every
 * entry folded). Timed from the document being loaded to `openLog` resolving (index and
 * projections, what the states change), and the whole open.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AllProjectionsReducer, type Event, type LogEntry, UniqueIdProjections } from "@relactation/core"
import * as Y from "yjs"
import { parseFamilyKey } from "../packages/sync/src/FamilyKey.js"
import * as Checkpoint from "../packages/sync/src/internal/Checkpoint.js"
import { deriveLogKeys } from "../packages/sync/src/internal/LogKeys.js"
import {
  FilePersistence,
  openLog,
  type OpenLogOptions,
  type PersistenceAdapter
} from "../packages/sync/src/node.js"
import { openLogWith } from "../packages/sync/src/EventLog.js"
import type { Context, Figure } from "./context.js"
import { median, sideBySide, sink } from "./measure.js"
import { sealAll, sealedUpdate } from "./sealed.js"
import { q, type Row, sizeLabel } from "./table.js"
import { appendTo, EVENTS_MAP, storedUpdate } from "./ydoc.js"

const LOG_ID = "family-bench-0001"
// The same fixed key as figure 8, so runs are comparable.
const KEY = "Pb6cHQ1uQ0FrVqH0m1oRkXhTzwb1Ny8bG0B8Wc0xk0A"

/** The file adapter, telling when the document has loaded. */
const timedFile = (path: string) => {
  const file = FilePersistence.adapter(path)
  const clock = { loaded: Number.NaN }
  const adapter: PersistenceAdapter = {
    kind: "file",
    checkpoints: file.checkpoints!,
    open: async (logId, doc) => {
      const session = await file.open(logId, doc)
      clock.loaded = performance.now()
      return session
    }
  }
  return { adapter, clock }
}

const readAll = (log: { dailyTotals: unknown; weightTrend: unknown; relactationProgress: unknown }) => {
  sink(log.dailyTotals)
  sink(log.weightTrend)
  sink(log.relactationProgress)
}

/** The same checkpoint bytes without the projections' states (what the rebuild path reads). */
const withoutStates = (bytes: Uint8Array): Uint8Array => {
  const c = Checkpoint.decode(bytes, LOG_ID)
  if (c === undefined) throw new Error("the plaintext checkpoint did not decode")
  return Checkpoint.encode({
    logId: c.logId,
    options: c.options,
    stateVector: c.stateVector,
    entries: c.entries,
    results: c.results,
    state: undefined
  })
}

interface Kind {
  readonly name: "plaintext" | "sealed"
  readonly key: string | undefined
  /** The stored document of `events`, and the update adding `later` to it. */
  readonly files: (
    events: ReadonlyArray<Event>,
    later: ReadonlyArray<Event>
  ) => Promise<{ readonly all: Uint8Array; readonly before: Uint8Array; readonly added: Uint8Array }>
}

const plaintext: Kind = {
  name: "plaintext",
  key: undefined,
  files: async (events, later) => {
    const caregivers = [events[0]!.by, events.find((e) => e.by !== events[0]!.by)?.by ?? "x"] as const
    const before = storedUpdate(events, caregivers)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, before)
    const sv = Y.encodeStateVector(doc)
    for (const e of later) appendTo(doc, e)
    const added = Y.encodeStateAsUpdate(doc, sv)
    const all = Y.encodeStateAsUpdate(doc)
    doc.destroy()
    return { all, before, added }
  }
}

const sealed: Kind = {
  name: "sealed",
  key: KEY,
  files: async (events, later) => {
    const parsed = parseFamilyKey(KEY)
    if (parsed._tag === "Failure") throw parsed.failure
    const keys = await deriveLogKeys(LOG_ID, parsed.success)
    const caregivers = [events[0]!.by, events.find((e) => e.by !== events[0]!.by)?.by ?? "x"] as const
    const before = sealedUpdate(events, await sealAll(keys, events), caregivers)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, before)
    const sv = Y.encodeStateVector(doc)
    const map = doc.getMap<unknown>(EVENTS_MAP)
    for (const { key, value } of await sealAll(keys, later)) doc.transact(() => map.set(key, value))
    const added = Y.encodeStateAsUpdate(doc, sv)
    const all = Y.encodeStateAsUpdate(doc)
    doc.destroy()
    return { all, before, added }
  }
}

export const checkpointFigure: Figure = async (ctx: Context) => {
  const rows: Array<Row> = []
  const dir = mkdtempSync(join(tmpdir(), "relactation-bench-checkpoint-"))
  try {
    for (const days of ctx.sizes) {
      const log = ctx.log(days)
      const lastDay = Date.parse(log.events.at(-1)!.at) - 86_400_000
      const earlier = log.events.filter((e) => Date.parse(e.at) < lastDay)
      const later = log.events.filter((e) => Date.parse(e.at) >= lastDay)
      const json = JSON.stringify(log.events)
      const size = sizeLabel(days, log.events.length)
      const parse: Array<number> = []
      const timeParse = () => {
        const p0 = performance.now()
        sink(JSON.parse(json))
        parse.push(performance.now() - p0)
      }
      const measured: Array<{ metric: string; times: Array<number>; target?: "≤ 2× JSON.parse" }> = []
      const add = (metric: string, times: Array<number>, target?: "≤ 2× JSON.parse") =>
        measured.push({ metric, times, ...(target === undefined ? {} : { target }) })

      for (const kind of [plaintext, sealed]) {
        const files = await kind.files(earlier, later)
        const path = join(dir, `log-${days}-${kind.name}.ylog`)
        const base = (adapter: PersistenceAdapter): OpenLogOptions => ({
          logId: LOG_ID,
          caregiver: log.caregivers[0],
          child: log.child,
          persistence: { kind: "custom", adapter },
          projections: { timeZone: log.timeZone, birthDate: log.birthDate, sex: log.sex },
          ...(kind.key === undefined ? {} : { key: kind.key })
        })
        // The sealed open without a checkpoint opens every entry: minutes at 10 y on a loaded
        // machine, so fewer runs there.
        const runs = ctx.smoke ? 2 : days > 1000 ? (kind.name === "sealed" ? 2 : 4) : 7

        // The whole log, its checkpoint written by a first open's close.
        writeFileSync(path, FilePersistence.encodeRecord(files.all))
        const first = await openLog(base(FilePersistence.adapter(path)))
        readAll(first)
        await first.close()
        const without: Array<number> = []
        const withFirst: Array<number> = []
        const withOpen: Array<number> = []
        for (let i = 0; i < runs + 1; i++) {
          const t0 = performance.now()
          const plain = await openLog({ ...base(FilePersistence.adapter(path)), checkpoint: false })
          readAll(plain)
          const t1 = performance.now()
          await plain.close()

          let shown = Number.NaN
          const t2 = performance.now()
          const fast = await openLog({
            ...base(FilePersistence.adapter(path)),
            // Measuring only: nothing new, so close writes nothing.
            checkpoint: { idleMs: 60_000 },
            onFirstProjections: (p) => {
              readAll(p)
              shown = performance.now()
            }
          })
          readAll(fast)
          const t3 = performance.now()
          if (fast.events.length !== log.events.length) throw new Error("open with checkpoint lost events")
          await fast.close()
          timeParse()
          if (Number.isNaN(shown)) throw new Error("the checkpoint was not used")
          if (i < 1) continue // warm-up
          without.push(t1 - t0)
          withFirst.push(shown - t2)
          withOpen.push(t3 - t2)
        }
        const tag = kind.name === "sealed" ? ", sealed" : ""
        add(`first projections${tag}, checkpoint`, withFirst, "≤ 2× JSON.parse")
        add(`first projections${tag}, no checkpoint`, without)
        add(`whole open${tag}, checkpoint`, withOpen)
        ctx.say(
          `fig 9 at ${days} d ${kind.name}: first ${median(withFirst).toFixed(1)} ms with checkpoint, ${median(without).toFixed(1)} ms without, whole open ${median(withOpen).toFixed(1)} ms`
        )

        if (kind.name === "sealed") continue
        // A checkpoint a day old: written with the earlier entries, then the last day arrives.
        writeFileSync(path, FilePersistence.encodeRecord(files.before))
        const older = await openLog(base(FilePersistence.adapter(path)))
        readAll(older)
        await older.close()
        const withState = readFileSync(`${path}.checkpoint`)
        const stateless = withoutStates(withState)
        const grownFile = Buffer.concat([
          FilePersistence.encodeRecord(files.before),
          FilePersistence.encodeRecord(files.added)
        ])
        const afterLoad = { state: [] as Array<number>, rebuild: [] as Array<number> }
        const whole = { state: [] as Array<number>, rebuild: [] as Array<number> }
        for (let i = 0; i < runs + 1; i++) {
          for (const which of ["state", "rebuild"] as const) {
            // Each open's close writes a new checkpoint: put the day-old one back first.
            writeFileSync(path, grownFile)
            writeFileSync(`${path}.checkpoint`, which === "state" ? withState : stateless)
            const { adapter, clock } = timedFile(path)
            let from = ""
            const t0 = performance.now()
            const opened = await openLogWith(
              { ...base(adapter), checkpoint: { idleMs: 60_000 } },
              undefined,
              {
                projectionsFrom: (f) => {
                  from = f
                }
              }
            )
            readAll(opened)
            const t1 = performance.now()
            const expected = which === "state" ? "checkpoint state" : "fold"
            if (from !== expected)
              throw new Error(`the day-old open took the path '${from}', not '${expected}'`)
            if (opened.events.length !== log.events.length)
              throw new Error("the day-old checkpoint lost events")
            await opened.close()
            if (i < 1) continue
            afterLoad[which].push(t1 - clock.loaded)
            whole[which].push(t1 - t0)
          }
        }
        // The projections alone, what the states change: the checkpoint's state restored and the
        // new day folded in, against a fold of every entry (both all three results read).
        const saved = Checkpoint.decode(withState, LOG_ID)
        if (saved === undefined || saved.state === undefined) throw new Error("the checkpoint has no state")
        const byId = new Map<string, LogEntry>(log.events.map((e) => [e.id, e]))
        const folded = (id: string) => byId.get(id)
        const everything = [...saved.entries.map(([, , entry]) => entry), ...later]
        const o = { timeZone: log.timeZone, birthDate: log.birthDate, sex: log.sex }
        const readState = (state: Parameters<typeof AllProjectionsReducer.result>[0] | undefined) => {
          if (state === undefined) throw new Error("the state did not restore")
          readAll(AllProjectionsReducer.result(state))
        }
        const alone = sideBySide(
          () =>
            readState(UniqueIdProjections.fold(UniqueIdProjections.restore(o, saved.state, folded)!, later)),
          () => readState(UniqueIdProjections.fold(UniqueIdProjections.initial(o, folded), everything)),
          ctx.smoke ? { warmup: 1, minRuns: 3, minTimeMs: 20 } : { warmup: 3, minRuns: 10, minTimeMs: 1500 }
        )
        const n = later.length
        add(`projections only: states restored + 1 day (${n}) folded`, [alone.ours])
        add(`projections only: every entry folded (the rebuild path)`, [alone.baseline])
        add(`after load: checkpoint states + 1 day (${n}) of new entries`, afterLoad.state)
        add(`after load: rebuild path (checkpoint without states) + 1 day (${n})`, afterLoad.rebuild)
        add(`whole open: checkpoint states + 1 day (${n})`, whole.state)
        add(`whole open: rebuild path + 1 day (${n})`, whole.rebuild)
        ctx.say(
          `fig 9 at ${days} d, a day-old checkpoint: after load ${median(afterLoad.state).toFixed(1)} ms with states, ${median(afterLoad.rebuild).toFixed(1)} ms rebuilding`
        )
      }

      const baseline = median(parse)
      for (const m of measured) {
        const ours = median(m.times)
        rows.push({
          figure: "9 instant open",
          size,
          metric: m.metric,
          ours: q(ours, "ms"),
          baselineName: "JSON.parse",
          baseline: q(baseline, "ms"),
          ratio: ours / baseline,
          target: m.target ?? "report",
          ...(m.target === undefined ? {} : { met: ours <= 2 * baseline })
        })
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}
