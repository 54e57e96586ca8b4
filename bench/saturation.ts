/**
 * Figure 10, saturation: figure 7's load (logs × 2 phones, raw y-protocols clients in two load
 * processes, each log starting with a week of history), offered at a rising rate step by step, on
 * our relay (its own process, token auth, SQLite with `synchronous: "full"`: every update durable
 * before it is relayed) and on the reference y-websocket server (stores nothing), in the same run.
 * A step is held when its p99 latency is under 50 ms and at least 99 % of the updates appended in
 * the window arrived at the other phone in it. Reported: the highest offered load each server held
 * (issue 14; target: ours ≥ the reference).
 *
 * Each step starts a fresh server (ours with an empty data folder), so every step sees the same
 * state; the two servers alternate step by step and never run a load at the same time. A server
 * stops climbing at its first step not held. The machine has 2 cores shared by the server and the
 * load generators, so the load generators' own cost is part of what saturates: the same for both.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { encodeEvent } from "@relactation/core"
import type { Context, Figure } from "./context.js"
import { generateLog } from "./generate.js"
import {
  ensureReference,
  type Load,
  type LoadResult,
  runLoad,
  startOurs,
  startReference,
  stop
} from "./relay.js"
import { q, type Row } from "./table.js"
import { storedUpdate } from "./ydoc.js"

const P99_LIMIT_MS = 50
const DELIVERY_FLOOR = 0.99

interface Step {
  readonly offered: number
  readonly result: LoadResult
  readonly held: boolean
  readonly load: number
}

const delivery = (r: LoadResult): number => (r.sent === 0 ? 0 : r.delivered / r.sent)
const heldBy = (r: LoadResult): boolean =>
  r.p99 < P99_LIMIT_MS && delivery(r) >= DELIVERY_FLOOR && r.errors === 0

const describe = (s: Step): string =>
  `${s.offered}/s: ${s.result.throughput.toFixed(0)}/s delivered (${(100 * delivery(s.result)).toFixed(1)} %), p50 ${s.result.p50.toFixed(1)} ms, p99 ${s.result.p99.toFixed(1)} ms, lost ${s.result.lost}, errors ${s.result.errors}, load ${s.load.toFixed(1)} ${s.held ? "held" : "NOT held"}`

export const saturationFigure: Figure = async (ctx: Context) => {
  const plan = ctx.smoke
    ? { logs: 3, workers: 1, rates: [2, 4], warmupMs: 300, durationMs: 1000, graceMs: 500 }
    : {
        logs: 100,
        workers: 2,
        // Per phone; offered = logs × 2 × rate: 100 to 10,000 updates/s (the low steps resolve
        // something even on a loaded machine).
        rates: [0.5, 1.25, 2.5, 5, 10, 15, 20, 30, 40, 50],
        warmupMs: 2000,
        durationMs: 6000,
        graceMs: 2000
      }
  const week = generateLog({ days: 7, seed: ctx.seed })
  const history = storedUpdate(week.events, week.caregivers)
  const template = generateLog({ days: 2, fromDay: 400, seed: ctx.seed }).events.map(encodeEvent)
  const why = ensureReference(ctx.say)
  if (why !== undefined) ctx.say(`fig 10: skipping the reference server: ${why}`)

  const steps: Record<"ours" | "reference", Array<Step>> = { ours: [], reference: [] }
  const climbing = { ours: true, reference: why === undefined }
  for (const rate of plan.rates) {
    if (!climbing.ours && !climbing.reference) break
    const load: Load = {
      logs: plan.logs,
      workers: plan.workers,
      ratePerClient: rate,
      warmupMs: plan.warmupMs,
      durationMs: plan.durationMs,
      graceMs: plan.graceMs
    }
    for (const server of ["ours", "reference"] as const) {
      if (!climbing[server]) continue
      let result: LoadResult
      if (server === "ours") {
        const dataDir = mkdtempSync(join(tmpdir(), "relactation-bench-saturation-"))
        const started = await startOurs(dataDir)
        try {
          result = await runLoad("ours", started, load, true, history, template)
        } finally {
          await stop(started.child, true)
          rmSync(dataDir, { recursive: true, force: true })
        }
      } else {
        const started = await startReference()
        try {
          result = await runLoad("reference", started, load, false, history, template)
        } finally {
          await stop(started.child, false)
        }
      }
      const step = { offered: result.offered, result, held: heldBy(result), load: loadavg()[0]! }
      steps[server].push(step)
      ctx.say(`fig 10 ${server} at ${describe(step)}`)
      if (!step.held) climbing[server] = false
    }
  }

  // The highest offered load held before the first step that was not.
  const highest = (list: ReadonlyArray<Step>): number => {
    let best = 0
    for (const s of list) {
      if (!s.held) break
      best = s.offered
    }
    return best
  }
  const ours = highest(steps.ours)
  const ref = why === undefined ? highest(steps.reference) : undefined
  const top = plan.logs * 2 * plan.rates[plan.rates.length - 1]!
  const size = `${plan.logs} logs × 2, ${plan.durationMs / 1000} s a step`
  const notes = [
    `ours: ${steps.ours.map(describe).join("; ")}`,
    ...(why === undefined ? [`reference: ${steps.reference.map(describe).join("; ")}`] : []),
    ...(ours === top || ref === top ? [`the highest step (${top}/s) was held: the limit is above it`] : [])
  ]
  const rows: Array<Row> = [
    {
      figure: "10 saturation",
      size,
      metric: `highest load held (p99 < ${P99_LIMIT_MS} ms, ≥ ${DELIVERY_FLOOR * 100} % delivered)`,
      ours: q(ours, "updates/s"),
      baselineName: why === undefined ? "y-websocket server" : `reference skipped: ${why}`,
      ...(ref === undefined
        ? {}
        : { baseline: q(ref, "updates/s"), ...(ref > 0 ? { ratio: ours / ref } : {}), met: ours >= ref }),
      target: "≥ reference",
      note: notes.join(" | ")
    }
  ]
  return rows
}
