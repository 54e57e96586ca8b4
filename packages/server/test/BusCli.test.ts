// `relactation-relay serve --bus redis://…`, run as an operator runs it (a child process from
// source): a bus without a shared store is a usage error (exit 2), a bad URL or an unreachable
// Redis exits 1 naming what failed, before any port is bound; with both it serves and names the bus.
import { type PostgresServer, type RedisFixture, startPostgres, startRedis } from "@relactation/testkit"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { tempDir } from "./helpers.js"
import { type CliRun, runCli, serve } from "./process.js"

const SECRET = "KqpDkJkwkr32R8Dbi8a2K2jHFRaVUk14ZGoPzCtyKzU"
let postgres: PostgresServer
let redis: RedisFixture

beforeAll(async () => {
  postgres = await startPostgres()
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
  await postgres?.stop()
})

// A run still going when its test ends (a start that hangs) is killed, never left behind.
const running = new Set<CliRun>()
afterEach(async () => {
  for (const run of running) {
    run.child.kill("SIGKILL")
    await run.exited
  }
  running.clear()
})

/**
 * Runs the CLI until it exits. A start error must end it before any port is bound: one that prints
 * "listening" instead (a half-started relay) is killed at once and reported as `code: "listening"`.
 */
const finish = async (args: Array<string>, env: Record<string, string> = {}) => {
  const run = runCli(args, { RELAY_SECRET: SECRET, ...env })
  running.add(run)
  const listening = new Promise<"listening">((resolve) => {
    run.child.stdout?.on("data", () => {
      if (run.stdout().includes('"event":"listening"')) resolve("listening")
    })
  })
  const first = await Promise.race([run.exited, listening])
  if (first === "listening") run.child.kill("SIGKILL")
  await run.exited
  running.delete(run)
  return { code: first, stdout: run.stdout(), stderr: run.stderr() }
}

describe("relactation-relay serve --bus", () => {
  it("refuses a bus without a shared store, naming both flags", async () => {
    using dir = tempDir()
    const result = await finish(["serve", "--port", "0", "--data", dir.path, "--bus", redis.url])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("--bus needs --store postgres://… (RELAY_STORE)")
    expect(result.stdout).not.toContain('"event":"listening"')
  })

  it("exits 1 naming what failed for a bad URL or an unreachable Redis, with no port bound", async () => {
    using dir = tempDir()
    const bad = await finish(["serve", "--port", "0", "--data", dir.path, "--store", postgres.url], {
      RELAY_BUS: "http://127.0.0.1:6379"
    })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("bus: the Redis URL must start with redis:// or rediss://")
    const down = await finish([
      "serve",
      "--port",
      "0",
      "--data",
      dir.path,
      "--store",
      postgres.url,
      "--bus",
      "redis://:s3cret@127.0.0.1:1"
    ])
    expect(down.code).toBe(1)
    expect(down.stderr).toContain("bus: Redis at redis://:***@127.0.0.1:1 is unreachable")
    expect(down.stderr).not.toContain("s3cret")
    for (const result of [bad, down]) expect(result.stdout).not.toContain('"event":"listening"')
  })

  it("serves with a store and a bus, and /healthz names the bus", async () => {
    using dir = tempDir()
    const relay = await serve(["--data", dir.path, "--store", postgres.url, "--bus", redis.url], {
      RELAY_SECRET: SECRET
    })
    try {
      const health = (await (await fetch(`http://127.0.0.1:${relay.port}/healthz`)).json()) as Record<
        string,
        unknown
      >
      expect(health).toMatchObject({ status: "ok", store: "ok", bus: "up" })
      expect(await (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text()).toContain(
        "relactation_relay_bus_up 1"
      )
    } finally {
      relay.child.kill("SIGTERM")
      expect(await relay.exited).toBe(0)
    }
  })
})
