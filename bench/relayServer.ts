/**
 * Our relay in its own process, for figure 7: `createRelay` with token auth and the embedded
 * SQLite store (default `synchronous: "full"`), exactly as `relactation-relay serve` runs it, except
 * that the per-address limits (connection rate, open sockets: 120/min and 256 by default) are raised
 * because every bench client comes from 127.0.0.1.
 * Reports its port over IPC, closes on "close".
 */

const { createRelay } = await import("@relactation/server")
const dataDir = process.env.BENCH_DATA_DIR
const secret = process.env.BENCH_SECRET
if (dataDir === undefined || secret === undefined)
  throw new Error("BENCH_DATA_DIR and BENCH_SECRET are required")
const relay = await createRelay({
  port: 0,
  dataDir,
  secret,
  limits: { connectionsPerIpPerMinute: 1_000_000, maxSocketsPerAddress: 100_000 },
  log: () => {}
})
process.send?.({ type: "listening", port: relay.port })
process.on("message", async (message: { type: string }) => {
  if (message.type === "stats") process.send?.({ type: "stats", stats: relay.stats() })
  if (message.type === "close") {
    await relay.close()
    process.exit(0)
  }
})
