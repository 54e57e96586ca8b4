/**
 * Our relay in its own process, for figures 7, 10 and 11: `createRelay` with token auth and the
 * embedded SQLite store (default `synchronous: "full"`), exactly as `relactation-relay serve` runs it, except
 * that the per-address limits (connection rate, open sockets: 120/min and 256 by default) are raised
 * because every bench client comes from 127.0.0.1.
 * With `BENCH_POSTGRES_URL` and `BENCH_REDIS_URL` (figure 11) it runs as one process of a cluster
 * instead, as `serve --store postgres://… --bus redis://…` does: `PostgresStorage` and `RedisBus`
 * (channel prefix `BENCH_REDIS_PREFIX`); the raised rate limit is then also the one shared in Redis.
 * `BENCH_SYNCHRONOUS=normal` runs the SQLite store with `synchronous: "normal"` instead.
 * Reports its port over IPC, closes on "close".
 */

const { createRelay, PostgresStorage, RedisBus } = await import("@relactation/server")
const dataDir = process.env.BENCH_DATA_DIR
const secret = process.env.BENCH_SECRET
const postgresUrl = process.env.BENCH_POSTGRES_URL
const redisUrl = process.env.BENCH_REDIS_URL
const clustered = postgresUrl !== undefined && redisUrl !== undefined
if (secret === undefined || (dataDir === undefined && !clustered))
  throw new Error("BENCH_SECRET and BENCH_DATA_DIR (or BENCH_POSTGRES_URL and BENCH_REDIS_URL) are required")
const storage = clustered ? await PostgresStorage.open({ url: postgresUrl }) : undefined
const bus = clustered
  ? await RedisBus.connect({ url: redisUrl, prefix: process.env.BENCH_REDIS_PREFIX ?? "relactation" })
  : undefined
const relay = await createRelay({
  port: 0,
  ...(dataDir === undefined ? {} : { dataDir }),
  ...(storage === undefined ? {} : { storage }),
  ...(bus === undefined ? {} : { bus }),
  // BENCH_SYNCHRONOUS=normal: the row without the fsync per commit (WAL, safe against a crash of
  // the process, not a power cut), to tell the disk's share of the latency from the rest.
  ...(process.env.BENCH_SYNCHRONOUS === "normal" ? { synchronous: "normal" as const } : {}),
  secret,
  limits: { connectionsPerIpPerMinute: 1_000_000, maxSocketsPerAddress: 100_000 },
  // Only errors, on stderr, so a refusal under load shows why (ids and causes; no entries).
  log: (line) => {
    if (line.level === "error") process.stderr.write(`[relay ${process.pid}] ${JSON.stringify(line)}\n`)
  }
})
process.send?.({ type: "listening", port: relay.port })
process.on("message", async (message: { type: string }) => {
  if (message.type === "stats") process.send?.({ type: "stats", stats: relay.stats() })
  if (message.type === "close") {
    await relay.close()
    // The relay does not close a store or bus it was given.
    await bus?.close()
    await storage?.close()
    process.exit(0)
  }
})
