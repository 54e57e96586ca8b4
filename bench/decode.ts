/**
 * Figure 3, decode: `decodeEvents` over the parsed log (validating every entry against its
 * schema) against `JSON.parse` of the same events. Reported as a ratio; no target.
 */
import { decodeEvents } from "@relactation/core"
import type { Context, Figure } from "./context.js"
import { sideBySide } from "./measure.js"
import { q, type Row, sizeLabel } from "./table.js"

export const decodeFigure: Figure = async (ctx: Context) => {
  const rows: Array<Row> = []
  for (const days of ctx.sizes) {
    const log = ctx.log(days)
    const json = JSON.stringify(log.events)
    // Fresh objects, as they come out of JSON.parse or a Y.Map, not the generator's own.
    const parsed: ReadonlyArray<unknown> = JSON.parse(json)
    const r = sideBySide(
      () => {
        const decoded = decodeEvents(parsed)
        if (decoded.events.length !== parsed.length) throw new Error("decodeEvents dropped generated events")
        return decoded
      },
      () => JSON.parse(json),
      ctx.smoke ? { warmup: 1, minRuns: 3, minTimeMs: 10 } : { warmup: 3, minRuns: 10, minTimeMs: 2000 }
    )
    rows.push({
      figure: "3 decode",
      size: sizeLabel(days, parsed.length),
      metric: "decodeEvents",
      ours: q(r.ours, "ms"),
      baselineName: "JSON.parse",
      baseline: q(r.baseline, "ms"),
      ratio: r.ours / r.baseline,
      target: "report",
      note: `${((r.ours * 1e6) / parsed.length).toFixed(0)} ns/event`
    })
    ctx.say(`fig 3 at ${days} d: decode ${r.ours.toFixed(2)} ms vs parse ${r.baseline.toFixed(2)} ms`)
  }
  return rows
}
