/**
 * Figure 2, incremental update: the cost of folding one appended event into the three live
 * projections and reading their results (what a UI does on every new event), median and p99,
 * against a full rebuild of the same projections. Target: median under 20 µs at 1 year, and flat
 * from 1 year to 10 (here: the 10-year median at most 1.5× the 1-year median).
 */
import type { LogEntry } from "@relactation/core"
import type { Context, Figure } from "./context.js"
import { generateLog } from "./generate.js"
import { nowNs, quantile, repeat, sink } from "./measure.js"
import { optionsFor, projectionNote, projections, rebuildAll } from "./projections.js"
import { q, type Row, sizeLabel } from "./table.js"

export const incrementalFigure: Figure = async (ctx: Context) => {
  const rows: Array<Row> = []
  const warmup = ctx.smoke ? 20 : 300
  const timed = ctx.smoke ? 100 : 3000
  let firstMedianUs: number | undefined
  for (const days of ctx.sizes) {
    const log = ctx.log(days)
    const options = optionsFor(log)
    const history: ReadonlyArray<LogEntry> = JSON.parse(JSON.stringify(log.events))
    // The events appended next: the following days of the same family.
    const extraDays = Math.ceil((warmup + timed) / 30) + 1
    const next = generateLog({ days: extraDays, fromDay: days, seed: ctx.seed }).events.slice(
      0,
      warmup + timed
    )
    const states = projections.map((p) => {
      let state = p.reducer.initial(options)
      for (const entry of history) state = p.reducer.apply(state, entry)
      sink(p.reducer.result(state))
      return state
    })
    const samplesUs: Array<number> = []
    for (let i = 0; i < next.length; i++) {
      const entry = next[i]!
      const t0 = nowNs()
      for (let k = 0; k < projections.length; k++) {
        const p = projections[k]!
        states[k] = p.reducer.apply(states[k], entry)
        sink(p.reducer.result(states[k]))
      }
      const t1 = nowNs()
      if (i >= warmup) samplesUs.push((t1 - t0) / 1000)
    }
    samplesUs.sort((a, b) => a - b)
    const p50 = quantile(samplesUs, 0.5)
    const p99 = quantile(samplesUs, 0.99)
    const all = [...history, ...next]
    const rebuild = repeat(
      () => rebuildAll(all, options),
      ctx.smoke ? { warmup: 1, minRuns: 3, minTimeMs: 10 } : { warmup: 2, minRuns: 5, minTimeMs: 1000 }
    )
    const rebuildUs = rebuild.median * 1000
    const first = firstMedianUs === undefined
    firstMedianUs ??= p50
    const size = sizeLabel(days, history.length)
    const note = projectionNote()
    const extra = note === undefined ? {} : { note }
    rows.push({
      figure: "2 incremental update",
      size,
      metric: `median append (${samplesUs.length} appends)`,
      ours: q(p50, "µs"),
      baselineName: "full rebuild",
      baseline: q(rebuildUs, "µs"),
      ratio: p50 / rebuildUs,
      target: first ? "median < 20 µs" : "flat: ≤ 1.5× the 1 y median",
      met: first ? p50 < 20 : p50 <= 1.5 * firstMedianUs,
      ...(first
        ? extra
        : {
            note: `${(p50 / firstMedianUs).toFixed(2)}× the 1 y median${note === undefined ? "" : `; ${note}`}`
          })
    })
    rows.push({
      figure: "2 incremental update",
      size,
      metric: "p99 append",
      ours: q(p99, "µs"),
      baselineName: "full rebuild",
      baseline: q(rebuildUs, "µs"),
      ratio: p99 / rebuildUs,
      target: "report"
    })
    ctx.say(
      `fig 2 at ${days} d: p50 ${p50.toFixed(2)} µs, p99 ${p99.toFixed(2)} µs, rebuild ${rebuild.median.toFixed(2)} ms`
    )
  }
  return rows
}
