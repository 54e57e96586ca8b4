/**
 * Figure 5, cold open: from the stored Yjs update to decoded events and the three projections
 * (apply the update to a fresh Y.Doc, read the map's values, `decodeEvents`, rebuild), against
 * `JSON.parse` of the same events. Target: under 150 ms at 1 year on the machine in the README.
 */
import { decodeEvents } from "@relactation/core"
import * as Y from "yjs"
import type { Context, Figure } from "./context.js"
import { median, sink } from "./measure.js"
import { optionsFor, projectionNote, rebuildAll } from "./projections.js"
import { q, type Row, sizeLabel } from "./table.js"
import { entriesOf, storedUpdate } from "./ydoc.js"

export const coldOpenFigure: Figure = async (ctx: Context) => {
  const rows: Array<Row> = []
  for (const days of ctx.sizes) {
    const log = ctx.log(days)
    const update = storedUpdate(log.events, log.caregivers)
    const json = JSON.stringify(log.events)
    const options = optionsFor(log)
    const runs = ctx.smoke ? 3 : days > 1000 ? 7 : 15
    const total: Array<number> = []
    const phases = {
      apply: [] as Array<number>,
      read: [] as Array<number>,
      decode: [] as Array<number>,
      project: [] as Array<number>
    }
    const parse: Array<number> = []
    for (let i = 0; i < runs + 2; i++) {
      // Alternate with the baseline so both see the same heap and JIT state.
      const t0 = performance.now()
      const doc = new Y.Doc()
      Y.applyUpdate(doc, update)
      const t1 = performance.now()
      const raw = entriesOf(doc)
      const t2 = performance.now()
      const decoded = decodeEvents(raw)
      const t3 = performance.now()
      sink(rebuildAll(decoded.events, options))
      const t4 = performance.now()
      doc.destroy()
      const p0 = performance.now()
      sink(JSON.parse(json))
      const p1 = performance.now()
      if (decoded.events.length !== log.events.length) throw new Error("cold open lost events")
      if (i < 2) continue // warm-up
      total.push(t4 - t0)
      phases.apply.push(t1 - t0)
      phases.read.push(t2 - t1)
      phases.decode.push(t3 - t2)
      phases.project.push(t4 - t3)
      parse.push(p1 - p0)
    }
    const ours = median(total)
    const baseline = median(parse)
    const first = days === ctx.sizes[0]
    const breakdown = `Y.applyUpdate ${median(phases.apply).toFixed(0)} ms, read map ${median(phases.read).toFixed(0)} ms, decode ${median(phases.decode).toFixed(0)} ms, projections ${median(phases.project).toFixed(0)} ms`
    const note = projectionNote()
    rows.push({
      figure: "5 cold open",
      size: sizeLabel(days, log.events.length),
      metric: "update → events + projections",
      ours: q(ours, "ms"),
      baselineName: "JSON.parse",
      baseline: q(baseline, "ms"),
      ratio: ours / baseline,
      target: first ? "< 150 ms" : "report",
      ...(first ? { met: ours < 150 } : {}),
      note: note === undefined ? breakdown : `${breakdown}; ${note}`
    })
    ctx.say(`fig 5 at ${days} d: ${ours.toFixed(1)} ms (${breakdown}) vs ${baseline.toFixed(1)} ms`)
  }
  return rows
}
