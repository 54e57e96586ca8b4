/**
 * Figure 1, projection rebuild: `dailyTotals` + `weightTrend` + `relactationProgress` over the
 * decoded events of a log, against the floor of a plain loop that only sums the same numbers over
 * the same objects (no days, no time zone, no set semantics). Target: within 10× of the floor (issue
 * 13; 3× the ideal). A second row times the id maps of set semantics alone against the same floor.
 *
 * Also the one place that knows how to call the three projections, for the other figures.
 */
import * as core from "@relactation/core"
import type { Event, LogEntry, Reducer } from "@relactation/core"
import type { Context, Figure } from "./context.js"
import type { FamilyLog } from "./generate.js"
import { sideBySide } from "./measure.js"
import { q, type Row, sizeLabel } from "./table.js"

/** The three projections the figures measure, by their batch and reducer export names. */
const NAMES = [
  ["dailyTotals", "DailyTotalsReducer"],
  ["weightTrend", "WeightTrendReducer"],
  ["relactationProgress", "RelactationProgressReducer"]
] as const

type AnyReducer = Reducer<unknown, unknown, unknown>
type Batch = (entries: Iterable<LogEntry>, options: unknown) => unknown

export interface Projection {
  readonly name: string
  readonly batch: Batch
  readonly reducer: AnyReducer
}

// Looked up by name so the suite keeps running while a projection is still being written; a
// missing one is reported in the table's note instead of failing the run.
const exported = core as unknown as Record<string, unknown>
export const projections: ReadonlyArray<Projection> = NAMES.flatMap(([batch, reducer]) =>
  typeof exported[batch] === "function" && typeof exported[reducer] === "object"
    ? [{ name: batch, batch: exported[batch] as Batch, reducer: exported[reducer] as AnyReducer }]
    : []
)
export const missingProjections = NAMES.map(([batch]) => batch).filter(
  (name) => !projections.some((p) => p.name === name)
)
export const projectionNote = (): string | undefined =>
  missingProjections.length === 0 ? undefined : `not yet in core: ${missingProjections.join(", ")}`

/** The options every projection gets: one superset object (each reads the keys it knows). */
export const optionsFor = (log: FamilyLog): Record<string, unknown> => ({
  timeZone: log.timeZone,
  child: log.child,
  birthDate: log.birthDate,
  sex: log.sex
})

/** Rebuilds all three projections from scratch with their batch functions. */
export const rebuildAll = (
  events: ReadonlyArray<LogEntry>,
  options: Record<string, unknown>
): Array<unknown> => projections.map((p) => p.batch(events, options))

/** The three results of `projectAll` (one set for both day projections), all read. */
export const projectAllRead = (
  events: ReadonlyArray<LogEntry>,
  options: Record<string, unknown>
): Array<unknown> => {
  const all = core.projectAll(events, options as unknown as core.AllProjectionsOptions)
  return [all.dailyTotals, all.weightTrend, all.relactationProgress]
}

/**
 * The sync log's rebuild: the unique-id form (its map holds one entry per id), all three read.
 * `folded` is the log's own index; a fresh fold never consults it.
 */
export const uniqueFoldRead = (
  events: ReadonlyArray<LogEntry>,
  options: Record<string, unknown>,
  folded: (id: string) => LogEntry | undefined
): Array<unknown> => {
  const o = options as unknown as core.AllProjectionsOptions
  const all = core.AllProjectionsReducer.result(
    core.UniqueIdProjections.fold(core.UniqueIdProjections.initial(o, folded), events)
  )
  return [all.dailyTotals, all.weightTrend, all.relactationProgress]
}

/**
 * The floor: one pass over the same objects that sums the numbers the projections sum, and
 * nothing else.
 */
export const plainSums = (events: ReadonlyArray<Event>): number => {
  let latchSec = 0
  let pumpedMl = 0
  let supplementMl = 0
  let grams = 0
  let medications = 0
  let retracted = 0
  for (const e of events) {
    switch (e.type) {
      case "latch":
        latchSec += e.durationSec
        break
      case "pump":
        pumpedMl += e.totalMl
        break
      case "supplement":
        supplementMl += e.ml
        break
      case "weigh-in":
        grams += e.grams
        break
      case "medication":
        medications += 1
        break
      case "retract":
        retracted += 1
        break
      default:
        break
    }
  }
  return latchSec + pumpedMl + supplementMl + grams + medications + retracted
}

/**
 * What set semantics cost by themselves: the one id map each of the two day projections keeps
 * (`dailyTotals`, `relactationProgress`; `weightTrend` records only weigh-ins and profiles), a
 * lookup and an insert per event, and nothing else. Reported beside the floor, so the part of the
 * rebuild that no faster arithmetic can remove is visible.
 */
export const idMapsOnly = (events: ReadonlyArray<Event>): number => {
  let n = 0
  for (let k = 0; k < 2; k++) {
    const ids = new Map<string, Event>()
    for (const e of events) if (ids.get(e.id) === undefined) ids.set(e.id, e)
    n += ids.size
  }
  return n
}

export const projectionsFigure: Figure = async (ctx: Context) => {
  const rows: Array<Row> = []
  for (const days of ctx.sizes) {
    const log = ctx.log(days)
    // "Decoded events": the objects decodeEvents returns from parsed JSON, as an app holds them.
    const events = core.decodeEvents(JSON.parse(JSON.stringify(log.events))).events
    const options = optionsFor(log)
    const r = sideBySide(
      () => rebuildAll(events, options),
      () => plainSums(events),
      ctx.smoke ? { warmup: 1, minRuns: 3, minTimeMs: 20 } : { warmup: 3, minRuns: 10, minTimeMs: 2000 }
    )
    const byId = new Map<string, LogEntry>(events.map((e) => [e.id, e]))
    const timing = ctx.smoke
      ? { warmup: 1, minRuns: 3, minTimeMs: 20 }
      : { warmup: 3, minRuns: 10, minTimeMs: 2000 }
    const all = sideBySide(
      () => projectAllRead(events, options),
      () => plainSums(events),
      timing
    )
    const unique = sideBySide(
      () => uniqueFoldRead(events, options, (id) => byId.get(id)),
      () => plainSums(events),
      timing
    )
    const ids = sideBySide(
      () => idMapsOnly(events),
      () => plainSums(events),
      ctx.smoke ? { warmup: 1, minRuns: 3, minTimeMs: 20 } : { warmup: 3, minRuns: 10, minTimeMs: 1000 }
    )
    const ratio = r.ours / r.baseline
    const note = projectionNote()
    rows.push({
      figure: "1 projection rebuild",
      size: sizeLabel(days, events.length),
      metric: `rebuild ${projections.length} projections`,
      ours: q(r.ours, "ms"),
      baselineName: "plain summing loop",
      baseline: q(r.baseline, "ms"),
      ratio,
      target: "≤ 10× floor (3× ideal)",
      met: ratio <= 10,
      ...(note === undefined ? {} : { note })
    })
    rows.push({
      figure: "1 projection rebuild",
      size: sizeLabel(days, events.length),
      metric: "projectAll (one set for both day projections)",
      ours: q(all.ours, "ms"),
      baselineName: "plain summing loop",
      baseline: q(all.baseline, "ms"),
      ratio: all.ours / all.baseline,
      target: "≤ 10× floor (3× ideal)",
      met: all.ours / all.baseline <= 10
    })
    rows.push({
      figure: "1 projection rebuild",
      size: sizeLabel(days, events.length),
      metric: "unique-id fold (the sync log's rebuild)",
      ours: q(unique.ours, "ms"),
      baselineName: "plain summing loop",
      baseline: q(unique.baseline, "ms"),
      ratio: unique.ours / unique.baseline,
      target: "≤ 10× floor (3× ideal)",
      met: unique.ours / unique.baseline <= 10
    })
    rows.push({
      figure: "1 projection rebuild",
      size: sizeLabel(days, events.length),
      metric: "set semantics alone: 2 id maps",
      ours: q(ids.ours, "ms"),
      baselineName: "plain summing loop",
      baseline: q(ids.baseline, "ms"),
      ratio: ids.ours / ids.baseline,
      target: "report"
    })
    ctx.say(
      `fig 1 at ${days} d: ${r.ours.toFixed(2)} ms vs ${r.baseline.toFixed(3)} ms (${r.runs} runs); projectAll ${all.ours.toFixed(2)} ms, unique-id fold ${unique.ours.toFixed(2)} ms; id maps alone ${ids.ours.toFixed(2)} ms`
    )
  }
  return rows
}
