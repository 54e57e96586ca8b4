/**
 * Figure 11, relay cluster (issue 14): figure 7's load (L logs × 2 phones, a week of history per
 * log, each phone appending at a steady rate) on (a) our relay on SQLite, one process (the
 * baseline, as figure 7); (b) Postgres + Redis, one process; (c) two processes; (d) three. With
 * more than one process, phone A of log i is on process i mod N and phone B on process i+1 mod N,
 * so every update reaches the other phone through Postgres (committed first) and then Redis: the
 * latency is the cross-process delivery. (e) is three processes routed as `deploy/nginx.conf`
 * routes, by log id: both phones of a log on one process, the deployment's usual case. Both phones
 * of a log are in one load process, so the latency is read on one clock.
 *
 * Reported for each: delivered updates/s, p50, p99, RSS per loaded log (the processes' VmRSS growth
 * summed, / L), updates lost, CPU of every process involved and how long the relays waited for a
 * CPU (/proc), Postgres commits per second and updates per commit, and the bus lag that the
 * relays' own `/metrics` histogram (`relactation_relay_bus_lag_seconds`) recorded during the run.
 * `/metrics` has no store latency, so none is reported. Postgres and Redis are the testkit's (real servers, fsync on), started fresh
 * for the figure, with a fresh database and channel prefix per configuration.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { encodeEvent } from "@relactation/core"
import { mintToken } from "@relactation/server"
import {
  findBinary,
  findPostgresBin,
  type PostgresServer,
  type RedisFixture,
  startPostgres,
  startRedis
} from "@relactation/testkit"
import type { Context, Figure } from "./context.js"
import { generateLog } from "./generate.js"
import { quantile, rssOf } from "./measure.js"
import { type Load, once, runWorkers, stop } from "./relay.js"
import { q, type Row } from "./table.js"
import { storedUpdate } from "./ydoc.js"

const here = fileURLToPath(new URL(".", import.meta.url))
const SECRET = "bench-cluster-secret-Q2v9xW4mH7kT1pZ8rN3bY6cJ0fL5sD_aE"

interface Relay {
  readonly child: ChildProcess
  readonly port: number
  readonly url: string
}

interface Config {
  /** "a" … "d", also the database and the Redis channel prefix. */
  readonly key: string
  readonly label: string
  readonly processes: number
  readonly cluster: boolean
  /** Both phones of a log on one process (as `deploy/nginx.conf` routes by log id), not split. */
  readonly routed?: boolean
}

/** A cumulative Prometheus histogram, as read from `/metrics`. */
interface Histogram {
  readonly buckets: ReadonlyArray<readonly [number, number]>
  readonly count: number
  readonly sum: number
}

interface ConfigResult {
  readonly config: Config
  readonly throughput: number
  readonly offered: number
  readonly sent: number
  readonly delivered: number
  readonly p50: number
  readonly p99: number
  readonly memPerLogKiB: number
  /** Not arrived at the other phone within the grace after the last append (figure 7's "lost")... */
  readonly late: number
  readonly graceMs: number
  /** ...and of those, still not arrived `LATE_WAIT_MS` later: lost. */
  readonly lost: number
  readonly errors: number
  /** Sockets closed with "try again later" (1013, 1012) and reopened, while connecting and after. */
  readonly connectRetries: number
  readonly runRetries: number
  readonly busLag: Histogram | undefined
  readonly catchUps: string
  readonly load: string
  /** % of one core over the run (warm-up, window, grace), per group of processes. */
  readonly cpu: { relays: number; busiestRelay: number; clients: number; postgres?: number; redis?: number }
  /** Updates the relays stored during the run (`relactation_relay_updates_stored_total`). */
  readonly stored: number
  /** CPU time per stored update, µs: the relays summed, and Postgres's and Redis's processes. */
  readonly cpuPerUpdateUs: { relays: number; postgres?: number; redis?: number }
  /** % of the run the relays' event loops waited for a CPU (the most of any relay). */
  readonly waitedForCpu: number
  /** Postgres's WAL fsyncs and transactions per second while the phones appended (warm-up and window). */
  readonly postgres?: { walSyncsPerSecond: number; updatesPerWalSync: number; transactionsPerSecond: number }
}

/** How long a run waits, after the grace, for late updates before it calls them lost. */
const LATE_WAIT_MS = 60_000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const startRelay = async (env: Record<string, string>): Promise<Relay> => {
  const child = fork(join(here, "relayServer.ts"), [], {
    env: { ...process.env, BENCH_SECRET: SECRET, ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"]
  })
  try {
    const { port } = await once<{ port: number }>(child, "listening", 60_000)
    return { child, port, url: `ws://127.0.0.1:${port}` }
  } catch (error) {
    child.kill("SIGKILL")
    throw error
  }
}

const metricsOf = async (relay: Relay): Promise<string> => {
  const response = await fetch(`http://127.0.0.1:${relay.port}/metrics`)
  if (!response.ok) throw new Error(`GET /metrics on port ${relay.port} answered ${response.status}`)
  return response.text()
}

/** The bus lag histogram of one `/metrics` text, or undefined when the relay has no bus. */
export const busLagOf = (text: string): Histogram | undefined => {
  const name = "relactation_relay_bus_lag_seconds"
  const buckets: Array<[number, number]> = []
  let count: number | undefined
  let sum = 0
  for (const line of text.split("\n")) {
    const bucket = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`).exec(line)
    if (bucket !== null) {
      if (bucket[1] !== "+Inf") buckets.push([Number(bucket[1]), Number(bucket[2])])
      continue
    }
    if (line.startsWith(`${name}_count `)) count = Number(line.slice(name.length + 7))
    if (line.startsWith(`${name}_sum `)) sum = Number(line.slice(name.length + 5))
  }
  return count === undefined ? undefined : { buckets, count, sum }
}

/** The catch-up counters (`reason` → count) of one `/metrics` text. */
const catchUpsOf = (text: string): Map<string, number> => {
  const out = new Map<string, number>()
  for (const m of text.matchAll(/^relactation_relay_bus_catch_ups_total\{reason="([^"]+)"\} (\S+)$/gm))
    out.set(m[1]!, Number(m[2]))
  return out
}

/** Several processes' histograms added up, minus what they held before (same bucket bounds). */
const lagDuring = (
  before: ReadonlyArray<Histogram | undefined>,
  after: ReadonlyArray<Histogram | undefined>
): Histogram | undefined => {
  let total: Histogram | undefined
  after.forEach((a, i) => {
    if (a === undefined) return
    const b = before[i]
    const diff: Histogram = {
      buckets: a.buckets.map(([le, n], k) => [le, n - (b?.buckets[k]?.[1] ?? 0)] as const),
      count: a.count - (b?.count ?? 0),
      sum: a.sum - (b?.sum ?? 0)
    }
    total =
      total === undefined
        ? diff
        : {
            buckets: total.buckets.map(([le, n], k) => [le, n + (diff.buckets[k]?.[1] ?? 0)] as const),
            count: total.count + diff.count,
            sum: total.sum + diff.sum
          }
  })
  return total
}

/** The upper bound (seconds) of the bucket holding quantile `p`; Infinity past the last bound. */
export const bucketQuantile = (h: Histogram, p: number): number => {
  const rank = p * h.count
  for (const [le, n] of h.buckets) if (n >= rank) return le
  return Number.POSITIVE_INFINITY
}

const TICKS_PER_SECOND = 100 // Linux's USER_HZ (`getconf CLK_TCK`), the unit of /proc/<pid>/stat

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
const cpuOf = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

/**
 * Seconds a process's main thread (for a relay: its event loop) has waited on a run queue for a
 * CPU so far (`/proc/<pid>/schedstat`, second field, nanoseconds); 0 once it is gone.
 */
const runQueueWaitOf = (pid: number): number => {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9
  } catch {
    return 0
  }
}

/** The processes whose parent is `parent` (Postgres's backends, checkpointer, WAL writer…). */
const childrenOf = (parent: number): Array<number> =>
  readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent
      } catch {
        return false
      }
    })

/** The Postgres server's processes: the postmaster (its pid file) and its children. */
const postgresPids = (server: PostgresServer): Array<number> => {
  const postmaster = Number(
    readFileSync(join(server.folder, "data", "postmaster.pid"), "utf8").split("\n")[0]
  )
  return [postmaster, ...childrenOf(postmaster)]
}

/** The redis-server listening on `port` (its process title names the address). */
const redisPids = (port: number): Array<number> =>
  readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8")
        return cmdline.includes("redis-server") && cmdline.includes(`:${port}`)
      } catch {
        return false
      }
    })

/** CPU seconds used so far by each process of each group. */
const cpuSnapshot = (groups: Record<string, ReadonlyArray<number>>): Record<string, Map<number, number>> =>
  Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => [name, new Map(pids.map((pid) => [pid, cpuOf(pid)]))])
  )

/**
 * CPU seconds each process of a group used between two snapshots: a process that started in
 * between counts from 0; one that exited in between is left out (its last seconds are unknown).
 */
const cpuBetween = (before: Map<number, number> | undefined, after: Map<number, number> | undefined) =>
  [...(after ?? new Map<number, number>())].map(([pid, c]) => Math.max(0, c - (before?.get(pid) ?? 0)))

/**
 * Postgres's counters so far, through psql: transactions committed in one database (reads
 * included: loads and catch-ups are transactions too) and WAL fsyncs of the whole server
 * (`pg_stat_wal.wal_sync`, the durable commits' cost; only one configuration runs at a time).
 */
const postgresCounters = (
  server: PostgresServer,
  database: string
): { transactions: number; walSyncs: number } => {
  const out = execFileSync(
    join(server.bin, "psql"),
    [
      "-h",
      "127.0.0.1",
      "-p",
      String(server.port),
      "-U",
      "postgres",
      "-d",
      database,
      "-Atc",
      "SELECT pg_stat_force_next_flush(); SELECT xact_commit, (SELECT wal_sync FROM pg_stat_wal) FROM pg_stat_database WHERE datname = current_database()"
    ],
    { encoding: "utf8" }
  )
  const [transactions, walSyncs] = (out.trim().split("\n").pop() ?? "").split("|").map(Number)
  return { transactions: transactions ?? Number.NaN, walSyncs: walSyncs ?? Number.NaN }
}

/** A counter of one `/metrics` text (no labels). */
const counterOf = (text: string, name: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `))
  return line === undefined ? 0 : Number(line.slice(name.length + 1))
}

/** A quantile of a histogram as its bucket bound: "≤ 25 ms", or "> 5000 ms" past the last. */
const bound = (h: Histogram, p: number): string => {
  const le = bucketQuantile(h, p)
  return Number.isFinite(le) ? `≤ ${1000 * le} ms` : `> ${1000 * (h.buckets.at(-1)?.[0] ?? 0)} ms`
}

const runConfig = async (
  config: Config,
  load: Load,
  settleMs: number,
  history: Uint8Array,
  template: ReadonlyArray<Record<string, unknown>>,
  servers: { postgres: PostgresServer; redis: RedisFixture } | undefined
): Promise<ConfigResult> => {
  const before = loadavg()[0]!
  const relays: Array<Relay> = []
  const dataDir = config.cluster ? undefined : mkdtempSync(join(tmpdir(), "relactation-bench-cluster-"))
  const workers: Array<ChildProcess> = []
  try {
    let env: Record<string, string>
    if (config.cluster) {
      if (servers === undefined) throw new Error("a cluster configuration needs Postgres and Redis")
      env = {
        BENCH_POSTGRES_URL: await servers.postgres.database(`cluster_${config.key}`),
        BENCH_REDIS_URL: servers.redis.url,
        BENCH_REDIS_PREFIX: `bench-${config.key}`
      }
    } else {
      env = { BENCH_DATA_DIR: dataDir! }
    }
    // The load processes start while the relays do (nothing is measured yet).
    for (let k = 0; k < load.workers; k++)
      workers.push(
        fork(join(here, "relayClient.ts"), [], {
          serialization: "advanced",
          stdio: ["ignore", "inherit", "inherit", "ipc"]
        })
      )
    const ready = Promise.all(workers.map((w) => once(w, "ready", 60_000)))
    // The first relay creates the schema; the others find it and start together.
    relays.push(await startRelay(env))
    relays.push(...(await Promise.all(Array.from({ length: config.processes - 1 }, () => startRelay(env)))))
    await ready
    // Let the relays settle before the RSS baseline (less in smoke, where RSS means nothing).
    await sleep(settleMs)
    const rss0 = await Promise.all(relays.map((r) => rssOf(r.child.pid!)))
    const n = relays.length
    const logs = Array.from({ length: load.logs }, (_, i) => {
      const logId = `bench-log-${String(i).padStart(5, "0")}`
      const urls = [relays[i % n]!.url, relays[(i + (config.routed === true ? 0 : 1)) % n]!.url] as const
      return { logId, token: mintToken(SECRET, logId), urls }
    })
    const connected = workers.map((w) => once<{ errors: number; retries: number }>(w, "connected", 300_000))
    workers.forEach((w, k) => {
      w.send({
        type: "connect",
        url: relays[0]!.url,
        logs: logs.filter((_, i) => i % load.workers === k),
        history,
        template
      })
    })
    const connectRetries = (await Promise.all(connected)).reduce((n, c) => n + c.retries, 0)
    await sleep(2 * settleMs)
    const rss1 = await Promise.all(relays.map((r) => rssOf(r.child.pid!)))
    const metrics0 = await Promise.all(relays.map(metricsOf))
    const database = `cluster_${config.key}`
    // Postgres's backends come and go: its processes are listed again at the end.
    const groups = (): Record<string, ReadonlyArray<number>> => ({
      relays: relays.map((r) => r.child.pid!),
      clients: workers.map((w) => w.pid!),
      ...(config.cluster && servers !== undefined
        ? { postgres: postgresPids(servers.postgres), redis: redisPids(servers.redis.port) }
        : {})
    })
    const cpu0 = cpuSnapshot(groups())
    const wait0 = relays.map((r) => runQueueWaitOf(r.child.pid!))
    const pg0 =
      config.cluster && servers !== undefined ? postgresCounters(servers.postgres, database) : undefined
    const t0 = performance.now()
    const all = await runWorkers(workers, load, LATE_WAIT_MS)
    const elapsedS = (performance.now() - t0) / 1000
    const appendingS = (load.warmupMs + load.durationMs) / 1000
    const cpu1 = cpuSnapshot(groups())
    const waited = relays.map((r, i) => (100 * (runQueueWaitOf(r.child.pid!) - wait0[i]!)) / elapsedS)
    const pg1 =
      config.cluster && servers !== undefined ? postgresCounters(servers.postgres, database) : undefined
    const metrics1 = await Promise.all(relays.map(metricsOf))
    const percent = (name: string): Array<number> =>
      cpuBetween(cpu0[name], cpu1[name]).map((c) => (100 * c) / elapsedS)
    const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)
    const stored = sum(
      metrics1.map(
        (text, i) =>
          counterOf(text, "relactation_relay_updates_stored_total") -
          counterOf(metrics0[i]!, "relactation_relay_updates_stored_total")
      )
    )
    const latencies = all.flatMap((r) => r.latencies).sort((a, b) => a - b)
    const catchUps = new Map<string, number>()
    metrics1.forEach((text, i) => {
      const was = catchUpsOf(metrics0[i]!)
      for (const [reason, count] of catchUpsOf(text))
        catchUps.set(reason, (catchUps.get(reason) ?? 0) + count - (was.get(reason) ?? 0))
    })
    return {
      config,
      throughput: all.reduce((s, r) => s + (r.delivered * 1000) / r.windowMs, 0),
      offered: load.logs * 2 * load.ratePerClient,
      sent: all.reduce((s, r) => s + r.sent, 0),
      delivered: all.reduce((s, r) => s + r.delivered, 0),
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      memPerLogKiB: rss1.reduce((s, r, i) => s + r - rss0[i]!, 0) / load.logs / 1024,
      late: all.reduce((s, r) => s + r.lost, 0),
      graceMs: load.graceMs,
      lost: all.reduce((s, r) => s + r.missing, 0),
      errors: all.reduce((s, r) => s + r.errors, 0),
      connectRetries,
      runRetries: all.reduce((s, r) => s + r.retries, 0) - connectRetries,
      busLag: lagDuring(metrics0.map(busLagOf), metrics1.map(busLagOf)),
      catchUps:
        catchUps.size === 0
          ? "none"
          : [...catchUps]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => `${k} ${v}`)
              .join(", "),
      load: `${before.toFixed(1)}–${loadavg()[0]!.toFixed(1)}`,
      cpu: {
        relays: sum(percent("relays")),
        busiestRelay: Math.max(...percent("relays")),
        clients: sum(percent("clients")),
        ...(config.cluster ? { postgres: sum(percent("postgres")), redis: sum(percent("redis")) } : {})
      },
      waitedForCpu: Math.max(...waited),
      stored,
      // CPU seconds over the run / updates stored in it (each is stored once, by its phone's relay).
      cpuPerUpdateUs: {
        relays: (sum(percent("relays")) * elapsedS * 1e4) / Math.max(stored, 1),
        ...(config.cluster
          ? {
              postgres: (sum(percent("postgres")) * elapsedS * 1e4) / Math.max(stored, 1),
              redis: (sum(percent("redis")) * elapsedS * 1e4) / Math.max(stored, 1)
            }
          : {})
      },
      ...(pg0 !== undefined && pg1 !== undefined
        ? {
            postgres: {
              walSyncsPerSecond: (pg1.walSyncs - pg0.walSyncs) / appendingS,
              updatesPerWalSync: stored / Math.max(pg1.walSyncs - pg0.walSyncs, 1),
              transactionsPerSecond: (pg1.transactions - pg0.transactions) / appendingS
            }
          }
        : {})
    }
  } finally {
    for (const w of workers) if (w.connected) w.send({ type: "close" })
    await sleep(300)
    for (const w of workers) if (w.exitCode === null) w.kill()
    await Promise.all(relays.map((r) => stop(r.child, true)))
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Why Postgres or Redis cannot be started here, or undefined when both can. */
const missingServers = async (): Promise<string | undefined> => {
  try {
    if (findPostgresBin() === undefined)
      return "no PostgreSQL binaries on this machine (see packages/testkit)"
    findBinary("redis-server", "REDIS_SERVER", "redis-server", ["/usr/bin/redis-server"])
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  return undefined
}

export const clusterFigure: Figure = async (ctx: Context) => {
  const load: Load = ctx.smoke
    ? { logs: 3, workers: 1, ratePerClient: 2, warmupMs: 300, durationMs: 2000, graceMs: 500 }
    : { logs: 500, workers: 2, ratePerClient: 1, warmupMs: 3000, durationMs: 30_000, graceMs: 2000 }
  const configs: ReadonlyArray<Config> = [
    { key: "a", label: "SQLite, 1 process", processes: 1, cluster: false },
    // Smoke: the baseline and two processes (every code path of the figure) in a few seconds.
    ...(ctx.smoke
      ? []
      : [
          { key: "b", label: "Postgres + Redis, 1 process", processes: 1, cluster: true },
          { key: "c", label: "Postgres + Redis, 2 processes", processes: 2, cluster: true },
          { key: "d", label: "Postgres + Redis, 3 processes", processes: 3, cluster: true },
          // Not every delivery crossing: what a deployment routed by log id does (a log on one process).
          {
            key: "e",
            label: "Postgres + Redis, 3 processes, routed by log id",
            processes: 3,
            cluster: true,
            routed: true
          }
        ]),
    ...(ctx.smoke ? [{ key: "c", label: "Postgres + Redis, 2 processes", processes: 2, cluster: true }] : [])
  ]
  const size = `${load.logs} logs × 2 × ${load.durationMs / 1000} s`
  const why = await missingServers()
  if (why !== undefined) {
    ctx.say(`fig 11: skipped: ${why}`)
    return [
      {
        figure: "11 relay cluster",
        size,
        metric: "not measured",
        ours: q(Number.NaN, ""),
        baselineName: "SQLite, 1 process",
        target: "report",
        note: `skipped: ${why}`
      }
    ]
  }
  const week = generateLog({ days: 7, seed: ctx.seed })
  const history = storedUpdate(week.events, week.caregivers)
  const template = generateLog({ days: 2, fromDay: 400, seed: ctx.seed }).events.map(encodeEvent)

  const results: Array<ConfigResult> = []
  let postgres: PostgresServer | undefined
  let redis: RedisFixture | undefined
  try {
    const [pg, rd] = await Promise.allSettled([startPostgres(), startRedis()])
    postgres = pg.status === "fulfilled" ? pg.value : undefined
    redis = rd.status === "fulfilled" ? rd.value : undefined
    if (pg.status === "rejected") throw pg.reason
    if (rd.status === "rejected") throw rd.reason
    const servers = { postgres: pg.value, redis: rd.value }
    for (const config of configs) {
      ctx.say(
        `fig 11 (${config.key}) ${config.label}: ${load.logs} logs × 2 phones × ${load.durationMs / 1000} s at ${load.ratePerClient}/s each`
      )
      const r = await runConfig(config, load, ctx.smoke ? 100 : 500, history, template, servers)
      const lag =
        r.busLag === undefined || r.busLag.count === 0
          ? "no bus messages"
          : `bus lag mean ${((1000 * r.busLag.sum) / r.busLag.count).toFixed(2)} ms over ${r.busLag.count} messages, p99 ${bound(r.busLag, 0.99)}`
      ctx.say(
        `fig 11 (${config.key}): ${r.throughput.toFixed(0)}/s (offered ${r.offered}/s), p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.memPerLogKiB.toFixed(0)} KiB/log, late ${r.late}, lost ${r.lost}, errors ${r.errors}, retries ${r.connectRetries}+${r.runRetries}, ${lag}, catch-ups ${r.catchUps}, CPU ${JSON.stringify(r.cpu)}, µs/update ${JSON.stringify(r.cpuPerUpdateUs)} of ${r.stored}, waited for a CPU ${r.waitedForCpu.toFixed(0)} %, Postgres ${JSON.stringify(r.postgres)}, load ${r.load}`
      )
      results.push(r)
    }
  } finally {
    await redis?.stop()
    await postgres?.stop()
  }
  return rowsOf(results, size)
}

const rowsOf = (results: ReadonlyArray<ConfigResult>, size: string): Array<Row> => {
  const base = results[0]!
  const baselineName = base.config.label
  const rows: Array<Row> = []
  for (const r of results) {
    const isBase = r === base
    const figure = `11 cluster (${r.config.key}) ${r.config.label}`
    const vs = (ours: number, baseline: number, unit: "updates/s" | "ms" | "KiB/log") =>
      isBase
        ? { baselineName: "(the baseline)" }
        : { baselineName, baseline: q(baseline, unit), ratio: ours / baseline }
    const crosses = r.config.processes > 1 && r.config.routed !== true
    const note = `offered ${r.offered}/s; ${r.delivered} arrivals in the window, ${r.sent} appends in it; socket errors ${r.errors}; "try again later" closes (reconnected) while connecting ${r.connectRetries}, in the run ${r.runRetries}; bus catch-ups ${r.catchUps}; load ${r.load}`
    rows.push(
      {
        figure,
        size,
        metric: "delivered updates/s",
        ours: q(r.throughput, "updates/s"),
        ...vs(r.throughput, base.throughput, "updates/s"),
        target: isBase ? "report" : "≥ SQLite (1% tolerance)",
        ...(isBase ? {} : { met: r.throughput >= 0.99 * base.throughput }),
        note
      },
      {
        figure,
        size,
        metric: "p50 latency",
        ours: q(r.p50, "ms"),
        ...vs(r.p50, base.p50, "ms"),
        target: "report"
      },
      {
        figure,
        size,
        metric: crosses ? "cross-process delivery p99" : "p99 latency",
        ours: q(r.p99, "ms"),
        ...vs(r.p99, base.p99, "ms"),
        target: "< 50 ms",
        met: r.p99 < 50
      },
      {
        figure,
        size,
        metric: "RSS per loaded log (all processes)",
        ours: q(r.memPerLogKiB, "KiB/log"),
        ...vs(r.memPerLogKiB, base.memPerLogKiB, "KiB/log"),
        target: "report"
      },
      {
        figure,
        size,
        metric: `updates lost (not arrived ${LATE_WAIT_MS / 1000} s after the grace)`,
        ours: q(r.lost, ""),
        note: `${r.late} had not arrived ${r.graceMs / 1000} s after the last append (late, figure 7's "lost"); ${r.lost} of them never did`,
        baselineName: "none",
        target: "0",
        met: r.lost === 0
      }
    )
    const cpuNote = [
      `${r.stored} updates stored in the run`,
      ...(r.cpuPerUpdateUs.postgres === undefined
        ? []
        : [`Postgres ${r.cpuPerUpdateUs.postgres.toFixed(0)} µs per update`]),
      ...(r.cpuPerUpdateUs.redis === undefined
        ? []
        : [`Redis ${r.cpuPerUpdateUs.redis.toFixed(0)} µs per update`]),
      `CPU: relays ${r.cpu.relays.toFixed(0)} %`,
      `busiest relay ${r.cpu.busiestRelay.toFixed(0)} %`,
      `load clients ${r.cpu.clients.toFixed(0)} %`,
      ...(r.cpu.postgres === undefined ? [] : [`Postgres ${r.cpu.postgres.toFixed(0)} %`]),
      ...(r.cpu.redis === undefined ? [] : [`Redis ${r.cpu.redis.toFixed(0)} %`]),
      `a relay's event loop waited for a CPU up to ${r.waitedForCpu.toFixed(0)} % of the run`,
      "of one core, over warm-up, window and grace; the machine has 2 cores (200 %)"
    ].join(", ")
    rows.push({
      figure,
      size,
      metric: "relay CPU per stored update (processes summed)",
      ours: q(r.cpuPerUpdateUs.relays, "µs"),
      ...(isBase
        ? { baselineName: "(the baseline)" }
        : {
            baselineName,
            baseline: q(base.cpuPerUpdateUs.relays, "µs"),
            ratio: r.cpuPerUpdateUs.relays / base.cpuPerUpdateUs.relays
          }),
      target: "report",
      note: cpuNote
    })
    if (r.postgres !== undefined)
      rows.push({
        figure,
        size,
        metric: "Postgres WAL fsyncs/s (pg_stat_wal)",
        ours: q(r.postgres.walSyncsPerSecond, ""),
        baselineName: "none",
        target: "report",
        note: `${r.postgres.updatesPerWalSync.toFixed(1)} updates stored per WAL fsync (group commit); ${r.postgres.transactionsPerSecond.toFixed(0)} transactions/s in its database, reads (loads, catch-ups) included; counted from before the warm-up to after the grace, divided by the appending time`
      })
    if (crosses && r.busLag !== undefined && r.busLag.count > 0) {
      rows.push({
        figure,
        size,
        metric: "bus lag (relays' /metrics), mean",
        ours: q((1000 * r.busLag.sum) / r.busLag.count, "ms"),
        baselineName: "none",
        target: "report",
        note: `${r.busLag.count} bus messages received in the run; p50 ${bound(r.busLag, 0.5)}, p99 ${bound(r.busLag, 0.99)} (histogram bucket bounds); /metrics has no store latency`
      })
    }
  }
  return rows
}
