/**
 * `pnpm bench`: runs the benchmark figures, prints one table (Markdown) and writes the same rows
 * to a JSON file. Each figure is measured beside its baseline in the same run.
 *
 *   node --conditions=source --import tsx bench/run.ts [--smoke] [--only 1,2,5] [--seed 42] [--out …]
 *
 * `--conditions=source` makes the workspace packages resolve to their TypeScript sources; forked
 * processes (relay, load clients) inherit it.
 *
 * `--smoke` runs tiny sizes in a few seconds (CI keeps the suite compiling and running with it).
 * The process exits non-zero only when a figure crashes, never on a missed target.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus, loadavg, totalmem } from "node:os"
import { dirname, resolve } from "node:path"
import { parseArgs } from "node:util"

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    only: { type: "string" },
    seed: { type: "string", default: "1" },
    out: { type: "string", default: "bench/results/latest.json" }
  }
})

const { makeContext } = await import("./context.js")
const { render } = await import("./table.js")
type Row = import("./table.js").Row
type Figure = import("./context.js").Figure

const figures: ReadonlyArray<readonly [number, string, () => Promise<Figure>]> = [
  [1, "projection rebuild", async () => (await import("./projections.js")).projectionsFigure],
  [2, "incremental update", async () => (await import("./incremental.js")).incrementalFigure],
  [3, "decode", async () => (await import("./decode.js")).decodeFigure],
  [4, "storage", async () => (await import("./storage.js")).storageFigure],
  [5, "cold open", async () => (await import("./coldOpen.js")).coldOpenFigure],
  [6, "catch-up sync", async () => (await import("./catchUp.js")).catchUpFigure],
  [7, "relay throughput and latency", async () => (await import("./relay.js")).relayFigure],
  [8, "sealed entries", async () => (await import("./sealed.js")).sealedFigure],
  [9, "instant open (local checkpoint)", async () => (await import("./checkpoint.js")).checkpointFigure],
  [10, "relay saturation", async () => (await import("./saturation.js")).saturationFigure],
  [11, "relay cluster", async () => (await import("./cluster.js")).clusterFigure]
]

const only =
  values.only === undefined ? undefined : new Set(values.only.split(",").map((s) => Number(s.trim())))
const seed = Number(values.seed)
if (!Number.isInteger(seed)) throw new Error("--seed must be a whole number")
const ctx = makeContext({ smoke: values.smoke === true, seed })

const rows: Array<Row> = []
const crashed: Array<string> = []
const started = performance.now()
for (const [n, name, load] of figures) {
  if (only !== undefined && !only.has(n)) continue
  // The machine is shared: the 1-minute load average before and after each figure goes beside its
  // rows, so a number measured on a busy machine is seen as such.
  const before = loadavg()[0]!
  ctx.say(`figure ${n}: ${name} (load average ${before.toFixed(1)})`)
  try {
    const figure = await load()
    const measured = await figure(ctx)
    const loadAverage = `${before.toFixed(1)}–${loadavg()[0]!.toFixed(1)}`
    rows.push(...measured.map((row) => ({ ...row, load: loadAverage })))
  } catch (error) {
    crashed.push(`${n} ${name}`)
    ctx.say(`figure ${n} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  }
}

const table = render(rows)
process.stdout.write(`${table}\n`)
const notes = rows
  .filter((r) => r.note !== undefined)
  .map((r) => `- ${r.figure}, ${r.size}, ${r.metric}: ${r.note}`)
if (notes.length > 0) process.stdout.write(`\nNotes:\n${notes.join("\n")}\n`)
const missed = rows.filter((r) => r.met === false)
process.stdout.write(
  `\n${rows.length} rows, ${missed.length} missed target(s), ${crashed.length} crashed figure(s), ${((performance.now() - started) / 1000).toFixed(1)} s\n`
)

const out = resolve(values.out)
mkdirSync(dirname(out), { recursive: true })
writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      smoke: ctx.smoke,
      seed,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version },
      rows,
      crashed
    },
    null,
    2
  )}\n`
)
ctx.say(`wrote ${out}`)
if (crashed.length > 0) process.exitCode = 1
