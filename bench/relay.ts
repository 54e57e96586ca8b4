/**
 * Figure 7, relay throughput and latency, side by side with the reference y-websocket server
 * (`@y/websocket-server` 0.1.1 with its own `yjs` 13, installed outside the workspace and started in
 * its own process). L logs × 2 phones; each phone appends events at a steady rate for D seconds.
 * Measured: updates delivered to the other phone per second, p50/p99 latency from append on one
 * phone to arrival on the other, and the server's resident memory per loaded log (VmRSS after all
 * logs are loaded minus before, / L). Our relay runs with token auth and SQLite storage on.
 *
 * The machine has 2 cores shared by the server and the load generators, so the two servers run
 * one after the other with the same load, never at the same time.
 */
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { encodeEvent } from "@relactation/core"
import { mintToken } from "@relactation/server"
import type { Context, Figure } from "./context.js"
import { generateLog } from "./generate.js"
import { quantile, rssOf } from "./measure.js"
import { q } from "./table.js"
import { storedUpdate } from "./ydoc.js"

const here = fileURLToPath(new URL(".", import.meta.url))
const REF_DIR = resolve(here, "../node_modules/.cache/relactation-bench-ref")
const REF_SERVER = join(REF_DIR, "node_modules/@y/websocket-server/src/server.js")
const SECRET = "bench-secret-6T7L5C_KRqi4REuCqWVEv0gIyLuRQt2_Gnm2tts_8yk"

export interface LoadResult {
  readonly server: string
  readonly logs: number
  readonly throughput: number
  /** Updates appended inside the measuring window, and of those, how many arrived (`delivered / sent`). */
  readonly sent: number
  readonly delivered: number
  readonly offered: number
  readonly p50: number
  readonly p99: number
  readonly memPerLogKiB: number
  readonly memEndPerLogKiB: number
  readonly lost: number
  readonly errors: number
}

export interface Load {
  readonly logs: number
  readonly workers: number
  readonly ratePerClient: number
  readonly warmupMs: number
  readonly durationMs: number
  readonly graceMs: number
}

/** Installs the reference server into its private folder if needed; returns why not on failure. */
export const ensureReference = (say: (m: string) => void): string | undefined => {
  if (existsSync(REF_SERVER)) return undefined
  say(`installing @y/websocket-server@0.1.1 into ${REF_DIR}`)
  try {
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefix", REF_DIR, "@y/websocket-server@0.1.1", "yjs@13.6.33"],
      {
        stdio: "ignore",
        timeout: 180_000
      }
    )
  } catch (error) {
    return `could not install @y/websocket-server@0.1.1 (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`
  }
  return existsSync(REF_SERVER) ? undefined : "npm install finished but server.js is missing"
}

const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const s = createServer()
    s.once("error", fail)
    s.listen(0, "127.0.0.1", () => {
      const address = s.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      s.close(() => ok(port))
    })
  })

export const once = <T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> =>
  new Promise((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`timed out waiting for "${type}" from ${child.pid}`)),
      timeoutMs
    )
    const onMessage = (m: { type: string } & T) => {
      if (m.type !== type) return
      clearTimeout(timer)
      child.off("message", onMessage)
      ok(m)
    }
    child.on("message", onMessage)
    child.once("exit", (code) => fail(new Error(`process ${child.pid} exited with ${code} before "${type}"`)))
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** What one load-client process reports after "run" (`relayClient.ts`). */
export interface WorkerResult {
  readonly delivered: number
  readonly sent: number
  readonly windowMs: number
  readonly latencies: Array<number>
  readonly errors: number
  readonly retries: number
  readonly lost: number
  /** Still not arrived `settleMs` after the grace (0 without `settleMs`). */
  readonly missing: number
}

/**
 * Tells every connected load-client process to append at `load`'s rate for its warm-up and window
 * (then wait `settleMs` more for late arrivals, when given) and resolves with their reports.
 */
export const runWorkers = (
  workers: ReadonlyArray<ChildProcess>,
  load: Load,
  settleMs?: number
): Promise<Array<WorkerResult>> => {
  const results = workers.map((w) =>
    once<WorkerResult>(w, "result", load.warmupMs + load.durationMs + 120_000)
  )
  for (const w of workers)
    w.send({
      type: "run",
      warmupMs: load.warmupMs,
      durationMs: load.durationMs,
      ratePerClient: load.ratePerClient,
      graceMs: load.graceMs,
      ...(settleMs === undefined ? {} : { settleMs })
    })
  return Promise.all(results)
}

export const startOurs = async (dataDir: string): Promise<{ child: ChildProcess; url: string }> => {
  const child = fork(join(here, "relayServer.ts"), [], {
    env: { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_SECRET: SECRET },
    stdio: ["ignore", "ignore", "inherit", "ipc"]
  })
  const { port } = await once<{ port: number }>(child, "listening", 60_000)
  return { child, url: `ws://127.0.0.1:${port}` }
}

export const startReference = async (): Promise<{ child: ChildProcess; url: string }> => {
  const port = await freePort()
  const child = spawn(process.execPath, [REF_SERVER], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"]
  })
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("reference server did not start")), 30_000)
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("running at")) {
        clearTimeout(timer)
        ok()
      }
    })
    child.once("exit", (code) => fail(new Error(`reference server exited with ${code}`)))
  })
  return { child, url: `ws://127.0.0.1:${port}` }
}

export const runLoad = async (
  server: string,
  started: { child: ChildProcess; url: string },
  load: Load,
  withTokens: boolean,
  history: Uint8Array,
  template: ReadonlyArray<Record<string, unknown>>
): Promise<LoadResult> => {
  const pid = started.child.pid!
  await sleep(500)
  const rss0 = await rssOf(pid)
  const logs = Array.from({ length: load.logs }, (_, i) => {
    const logId = `bench-log-${String(i).padStart(5, "0")}`
    return { logId, token: withTokens ? mintToken(SECRET, logId) : undefined }
  })
  const workers = Array.from({ length: load.workers }, () =>
    fork(join(here, "relayClient.ts"), [], {
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
  )
  try {
    await Promise.all(workers.map((w) => once(w, "ready", 60_000)))
    const connected = workers.map((w) => once<{ errors: number }>(w, "connected", 300_000))
    workers.forEach((w, k) => {
      w.send({
        type: "connect",
        url: started.url,
        logs: logs.filter((_, i) => i % load.workers === k),
        history,
        template
      })
    })
    await Promise.all(connected)
    await sleep(1000)
    const rss1 = await rssOf(pid)
    const all = await runWorkers(workers, load)
    const rss2 = await rssOf(pid)
    const latencies = all.flatMap((r) => r.latencies).sort((a, b) => a - b)
    const throughput = all.reduce((n, r) => n + (r.delivered * 1000) / r.windowMs, 0)
    return {
      server,
      logs: load.logs,
      throughput,
      sent: all.reduce((n, r) => n + r.sent, 0),
      delivered: all.reduce((n, r) => n + r.delivered, 0),
      offered: load.logs * 2 * load.ratePerClient,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      memPerLogKiB: (rss1 - rss0) / load.logs / 1024,
      memEndPerLogKiB: (rss2 - rss0) / load.logs / 1024,
      lost: all.reduce((n, r) => n + r.lost, 0),
      errors: all.reduce((n, r) => n + r.errors, 0)
    }
  } finally {
    for (const w of workers) if (w.connected) w.send({ type: "close" })
    await sleep(300)
    for (const w of workers) if (w.exitCode === null) w.kill()
  }
}

export const stop = async (child: ChildProcess, graceful: boolean): Promise<void> => {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once("exit", r))
  if (graceful && child.connected) child.send({ type: "close" })
  else child.kill("SIGTERM")
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
  await exited
  clearTimeout(timer)
}

export const relayFigure: Figure = async (ctx: Context) => {
  const load: Load = ctx.smoke
    ? { logs: 5, workers: 1, ratePerClient: 2, warmupMs: 300, durationMs: 2000, graceMs: 500 }
    : { logs: 500, workers: 2, ratePerClient: 1, warmupMs: 3000, durationMs: 30_000, graceMs: 2000 }
  // Every log starts with one week of this family's history, the same bytes on both phones.
  const week = generateLog({ days: 7, seed: ctx.seed })
  const history = storedUpdate(week.events, week.caregivers)
  const template = generateLog({ days: 2, fromDay: 400, seed: ctx.seed }).events.map(encodeEvent)
  const results: Array<LoadResult> = []

  const dataDir = mkdtempSync(join(tmpdir(), "relactation-bench-relay-"))
  ctx.say(
    `fig 7: our relay, ${load.logs} logs × 2 phones × ${load.durationMs / 1000} s at ${load.ratePerClient}/s each`
  )
  const ours = await startOurs(dataDir)
  try {
    results.push(await runLoad("ours", ours, load, true, history, template))
  } finally {
    await stop(ours.child, true)
    rmSync(dataDir, { recursive: true, force: true })
  }
  const why = ensureReference(ctx.say)
  if (why === undefined) {
    ctx.say("fig 7: reference y-websocket server, same load")
    const ref = await startReference()
    try {
      results.push(await runLoad("reference", ref, load, false, history, template))
    } finally {
      await stop(ref.child, false)
    }
  } else {
    ctx.say(`fig 7: skipping the reference server: ${why}`)
  }
  for (const r of results) {
    ctx.say(
      `fig 7 ${r.server}: ${r.throughput.toFixed(0)}/s (offered ${r.offered}/s), p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.memPerLogKiB.toFixed(0)} KiB/log loaded, ${r.memEndPerLogKiB.toFixed(0)} KiB/log at end, lost ${r.lost}, errors ${r.errors}`
    )
  }
  const [o, ref] = [results[0]!, results[1]]
  const size = `${load.logs} logs × 2 × ${load.durationMs / 1000} s`
  const refName = ref === undefined ? `reference skipped: ${why}` : "y-websocket server"
  const cmp = (a: number, b: number | undefined) => (b === undefined ? undefined : a / b)
  const extra = (r: LoadResult) => `offered ${r.offered}/s; lost ${r.lost}; socket errors ${r.errors}`
  return [
    {
      figure: "7 relay",
      size,
      metric: "delivered updates/s",
      ours: q(o.throughput, "updates/s"),
      baselineName: refName,
      ...(ref === undefined ? {} : { baseline: q(ref.throughput, "updates/s") }),
      ...(ref === undefined
        ? {}
        : { ratio: o.throughput / ref.throughput, met: o.throughput >= 0.99 * ref.throughput }),
      target: "≥ reference (1% tolerance)",
      note: `ours: ${extra(o)}${ref === undefined ? "" : `; reference: ${extra(ref)}`}`
    },
    {
      figure: "7 relay",
      size,
      metric: "p50 latency",
      ours: q(o.p50, "ms"),
      baselineName: refName,
      ...(ref === undefined ? {} : { baseline: q(ref.p50, "ms"), ratio: cmp(o.p50, ref.p50)! }),
      target: "report"
    },
    {
      figure: "7 relay",
      size,
      metric: "p99 latency",
      ours: q(o.p99, "ms"),
      baselineName: refName,
      ...(ref === undefined ? {} : { baseline: q(ref.p99, "ms"), ratio: cmp(o.p99, ref.p99)! }),
      target: "< 50 ms",
      met: o.p99 < 50
    },
    {
      figure: "7 relay",
      size,
      metric: "RSS per loaded log",
      ours: q(o.memPerLogKiB, "KiB/log"),
      baselineName: refName,
      ...(ref === undefined
        ? {}
        : {
            baseline: q(ref.memPerLogKiB, "KiB/log"),
            ratio: o.memPerLogKiB / ref.memPerLogKiB,
            met: o.memPerLogKiB <= ref.memPerLogKiB
          }),
      target: "≤ reference",
      note: `after the run: ours ${o.memEndPerLogKiB.toFixed(0)} KiB/log${ref === undefined ? "" : `, reference ${ref.memEndPerLogKiB.toFixed(0)} KiB/log`}`
    }
  ]
}
