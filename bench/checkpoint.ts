/**
 * Figure 9, instant open: the time from `openLog` to the first projections an app can show, from
 * a file-persisted log with a year (and ten years) of history: with the local checkpoint (the
 * projections come from it, through `onFirstProjections`, before the document is loaded), and
 * without (`checkpoint: false`: `openLog` resolves after the whole document is loaded, decoded and
 * projected). Baseline: `JSON.parse` of the same events. Target: ≤ 2× `JSON.parse` with the
 * checkpoint (issue 13). The third row is the whole open with the checkpoint (the document still
 * loads completely; decoding is skipped for the entries the checkpoint covers).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { FilePersistence, openLog } from "@relactation/sync/node"
import type { Context, Figure } from "./context.js"
import { median, sink } from "./measure.js"
import { q, type Row, sizeLabel } from "./table.js"
import { storedUpdate } from "./ydoc.js"

export const checkpointFigure: Figure = async (ctx: Context) => {
  const rows: Array<Row> = []
  const dir = mkdtempSync(join(tmpdir(), "relactation-bench-checkpoint-"))
  try {
    for (const days of ctx.sizes) {
      const log = ctx.log(days)
      const path = join(dir, `log-${days}.ylog`)
      writeFileSync(path, FilePersistence.encodeRecord(storedUpdate(log.events, log.caregivers)))
      const json = JSON.stringify(log.events)
      const base = {
        logId: "family-bench-0001",
        caregiver: log.caregivers[0],
        child: log.child,
        persistence: { kind: "file", path } as const,
        projections: { timeZone: log.timeZone, birthDate: log.birthDate, sex: log.sex }
      }
      // Writes the checkpoint (on close).
      const first = await openLog(base)
      sink(first.dailyTotals)
      await first.close()

      const runs = ctx.smoke ? 3 : days > 1000 ? 5 : 11
      const without: Array<number> = []
      const withFirst: Array<number> = []
      const withOpen: Array<number> = []
      const parse: Array<number> = []
      for (let i = 0; i < runs + 1; i++) {
        const t0 = performance.now()
        const plain = await openLog({ ...base, checkpoint: false })
        sink(plain.dailyTotals)
        sink(plain.weightTrend)
        sink(plain.relactationProgress)
        const t1 = performance.now()
        await plain.close()

        let shown = Number.NaN
        const t2 = performance.now()
        const fast = await openLog({
          ...base,
          // Measuring only: nothing new, so close writes nothing.
          checkpoint: { idleMs: 60_000 },
          onFirstProjections: (p) => {
            sink(p.dailyTotals)
            sink(p.weightTrend)
            sink(p.relactationProgress)
            shown = performance.now()
          }
        })
        sink(fast.dailyTotals)
        const t3 = performance.now()
        if (fast.events.length !== log.events.length) throw new Error("open with checkpoint lost events")
        await fast.close()

        const p0 = performance.now()
        sink(JSON.parse(json))
        const p1 = performance.now()
        if (Number.isNaN(shown)) throw new Error("the checkpoint was not used")
        if (i < 1) continue // warm-up
        without.push(t1 - t0)
        withFirst.push(shown - t2)
        withOpen.push(t3 - t2)
        parse.push(p1 - p0)
      }
      const baseline = median(parse)
      const size = sizeLabel(days, log.events.length)
      const row = (metric: string, ours: number, target: string, met?: boolean): Row => ({
        figure: "9 instant open",
        size,
        metric,
        ours: q(ours, "ms"),
        baselineName: "JSON.parse",
        baseline: q(baseline, "ms"),
        ratio: ours / baseline,
        target,
        ...(met === undefined ? {} : { met })
      })
      const fastFirst = median(withFirst)
      rows.push(row("first projections, checkpoint", fastFirst, "≤ 2× JSON.parse", fastFirst <= 2 * baseline))
      rows.push(row("first projections, no checkpoint", median(without), "report"))
      rows.push(row("whole open, checkpoint", median(withOpen), "report"))
      ctx.say(
        `fig 9 at ${days} d: first ${fastFirst.toFixed(1)} ms with checkpoint, ${median(without).toFixed(1)} ms without, whole open ${median(withOpen).toFixed(1)} ms; JSON.parse ${baseline.toFixed(1)} ms`
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}
