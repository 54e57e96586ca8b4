/**
 * Figure 4, storage: bytes per event of the log's Yjs document (`Y.encodeStateAsUpdate`, what the
 * relay and the phones store) against compact JSON of the same events (`JSON.stringify` of the
 * array, UTF-8). Target: at most 1.3×.
 */
import * as Y from "yjs"
import type { Context, Figure } from "./context.js"
import { q, type Row, sizeLabel } from "./table.js"
import { buildDocs } from "./ydoc.js"

export const storageFigure: Figure = async (ctx: Context) => {
  const rows: Array<Row> = []
  for (const days of ctx.sizes) {
    const log = ctx.log(days)
    const n = log.events.length
    const { a, b } = buildDocs(log.events, log.caregivers)
    const yjs = Y.encodeStateAsUpdate(a).byteLength
    const yjsV2 = Y.encodeStateAsUpdateV2(a).byteLength
    a.destroy()
    b.destroy()
    const json = Buffer.byteLength(JSON.stringify(log.events))
    const ratio = yjs / json
    rows.push({
      figure: "4 storage",
      size: sizeLabel(days, n),
      metric: "Yjs update bytes/event",
      ours: q(yjs / n, "B/event"),
      baselineName: "compact JSON",
      baseline: q(json / n, "B/event"),
      ratio,
      target: "≤ 1.3×",
      met: ratio <= 1.3,
      note: `${(yjs / 1024 / 1024).toFixed(2)} MiB total; update v2 would be ${(yjsV2 / n).toFixed(0)} B/event`
    })
    ctx.say(`fig 4 at ${days} d: ${(yjs / n).toFixed(1)} vs ${(json / n).toFixed(1)} B/event`)
  }
  return rows
}
