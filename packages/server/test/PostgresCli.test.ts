// `relactation-relay serve --store postgres://…` and `migrate`, run as an operator runs them (child
// processes from source) against a real Postgres: start errors exit 1 before any port is bound;
// `migrate` copies every log of a SQLite data folder and verifies each.
import { join } from "node:path"
import { type PostgresServer, startPostgres } from "@relactation/testkit"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Y from "yjs"
import { createRelay, DATABASE_FILE, mintToken, PostgresStorage, SqliteStorage } from "../src/index.js"
import { client, tempDir, until } from "./helpers.js"
import { runCli, serve } from "./process.js"

const SECRET = "KqpDkJkwkr32R8Dbi8a2K2jHFRaVUk14ZGoPzCtyKzU"

let postgres: PostgresServer
let databases = 0
const freshUrl = () => postgres.database(`cli_${++databases}`)

beforeAll(async () => {
  postgres = await startPostgres()
})
afterAll(async () => {
  await postgres?.stop()
})

const stateVector = (updates: ReadonlyArray<Uint8Array>): Buffer =>
  Buffer.from(
    updates.length === 0
      ? Y.encodeStateVector(new Y.Doc())
      : Y.encodeStateVectorFromUpdate(Y.mergeUpdates([...updates]))
  )

/** Runs the CLI to its end; resolves with its exit code and output. */
const finish = async (args: Array<string>, env: Record<string, string> = {}) => {
  const run = runCli(args, { RELAY_SECRET: SECRET, ...env })
  const code = await run.exited
  return { code, stdout: run.stdout(), stderr: run.stderr() }
}

describe("relactation-relay serve --store", () => {
  it("serves from Postgres: what a client writes is in Postgres, and a second relay process on it serves it", async () => {
    const url = await freshUrl()
    const logId = "family-cli-pg-01"
    const token = mintToken(SECRET, logId)
    const first = await serve(["--store", url, "--store-pool-size", "2"], { RELAY_SECRET: SECRET })
    try {
      using alice = client(first.url, logId, token)
      await alice.synced()
      alice.events.push(["from alice"])
      await until(
        "the event in Postgres",
        async () => (await loadEvents(url, logId)).includes("from alice"),
        10_000
      )
    } finally {
      first.child.kill("SIGTERM")
      expect(await first.exited).toBe(0)
    }
    // Given by RELAY_STORE this time.
    const second = await serve([], { RELAY_SECRET: SECRET, RELAY_STORE: url })
    try {
      using bob = client(second.url, logId, token)
      await bob.synced()
      expect(bob.events.toArray()).toEqual(["from alice"])
      const health = await fetch(`http://127.0.0.1:${second.port}/healthz`)
      expect(await health.json()).toMatchObject({ status: "ok", store: "ok" })
    } finally {
      second.child.kill("SIGTERM")
      await second.exited
    }
  })

  it("exits 1 naming what failed, before binding a port: a wrong URL, an unreachable server, a failed migration", async () => {
    const badUrl = await finish(["serve", "--port", "0", "--store", "mysql://db/relay"])
    expect(badUrl.code).toBe(1)
    expect(badUrl.stderr).toContain("the Postgres URL must start with postgres:// or postgresql://")

    const unreachable = await finish([
      "serve",
      "--port",
      "0",
      "--store",
      "postgres://relay:s3cret@127.0.0.1:1/relay"
    ])
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr).toMatch(/cannot connect to Postgres at 127\.0\.0\.1:1\/relay: .*ECONNREFUSED/)
    expect(unreachable.stderr).not.toContain("s3cret")

    const url = await freshUrl()
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query("CREATE ROLE cli_visitor LOGIN")
    await admin.end()
    const migration = await finish([
      "serve",
      "--port",
      "0",
      "--store",
      url.replace("postgres://postgres@", "postgres://cli_visitor@")
    ])
    expect(migration.code).toBe(1)
    expect(migration.stderr).toContain(
      "Postgres schema version table failed: permission denied for schema public"
    )

    // None of them got as far as listening.
    for (const run of [badUrl, unreachable, migration])
      expect(run.stdout).not.toContain('"event":"listening"')
  })

  it("says which store flags need --store, and documents them in --help", async () => {
    const orphan = await finish(["serve", "--port", "0", "--store-pool-size", "4"])
    expect(orphan.code).toBe(2)
    expect(orphan.stderr).toContain(
      "--store-pool-size and --store-statement-timeout need --store postgres://"
    )
    const help = await finish(["--help"])
    for (const flag of [
      "--store postgres://",
      "RELAY_STORE",
      "--store-pool-size",
      "--store-statement-timeout",
      "migrate --from"
    ])
      expect(help.stdout).toContain(flag)
  })
})

describe("relactation-relay migrate", () => {
  it("copies every log of a SQLite data folder into Postgres, each with the same state vector", async () => {
    using dir = tempDir()
    const logIds = ["family-mig-0001", "family-mig-0002", "family-mig-0003"]
    // A real relay on SQLite, written by real clients, compacted on one log.
    const relay = await createRelay({
      port: 0,
      dataDir: dir.path,
      secret: SECRET,
      log: () => {},
      limits: { compactAfterUpdates: 10 }
    })
    for (const [n, logId] of logIds.entries()) {
      using phone = client(relay.url, logId, relay.token(logId))
      using observer = client(relay.url, logId, relay.token(logId))
      await Promise.all([phone.synced(), observer.synced()])
      for (let i = 0; i < 5 + n * 10; i++) phone.events.push([`${logId}-${i}`])
      // Relayed means stored.
      await until("the observer to get every event", () => observer.events.length === 5 + n * 10)
    }
    await relay.close()
    const sqlite = SqliteStorage.open({ file: join(dir.path, DATABASE_FILE) })
    const source = new Map<string, Buffer>()
    for (const logId of logIds) source.set(logId, stateVector((await sqlite.load(logId)).data))
    await sqlite.close()

    const url = await freshUrl()
    const run = await finish(["migrate", "--from", dir.path, "--to", url])
    expect(run.stderr).toBe("")
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^migrated 3 logs \(\d+ SQLite rows; 3 copied, 0 already there\) from .* to 127\.0\.0\.1:\d+\/cli_\d+; every log verified/
    )
    const target = await PostgresStorage.open({ url })
    try {
      for (const logId of logIds) {
        const stored = await target.load(logId)
        expect(stateVector(stored.data)).toEqual(source.get(logId))
      }
      expect((await loadEvents(url, logIds[2] as string)).length).toBe(25)
    } finally {
      await target.close()
    }
    // A second run finds everything there and copies nothing.
    const again = await finish(["migrate", "--from", dir.path, "--to", url])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain("0 copied, 3 already there")
  })

  it("exits 1 naming the log whose state differs after the copy, and names a missing SQLite file", async () => {
    using dir = tempDir()
    const logId = "family-mig-0009"
    const relay = await createRelay({ port: 0, dataDir: dir.path, secret: SECRET, log: () => {} })
    {
      using phone = client(relay.url, logId, relay.token(logId))
      using observer = client(relay.url, logId, relay.token(logId))
      await Promise.all([phone.synced(), observer.synced()])
      phone.events.push(["in sqlite"])
      await until("the observer to get it", () => observer.events.length === 1)
    }
    await relay.close()
    // The target already holds something else for that log (a relay wrote there first).
    const url = await freshUrl()
    const target = await PostgresStorage.open({ url })
    const other = new Y.Doc()
    other.getArray<string>("events").push(["only in postgres"])
    await target.append(logId, Y.encodeStateAsUpdate(other))
    await target.close()
    const run = await finish(["migrate", "--from", dir.path, "--to", url])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`migrate: log ${logId} differs after the copy`)

    using empty = tempDir()
    const missing = await finish(["migrate", "--from", empty.path, "--to", url])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`no relay database at ${join(empty.path, DATABASE_FILE)}`)
    const usage = await finish(["migrate", "--from", empty.path])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain("migrate needs --to postgres://")
  })
})

async function loadEvents(url: string, logId: string): Promise<Array<string>> {
  const storage = await PostgresStorage.open({ url, poolSize: 1 })
  try {
    const doc = new Y.Doc()
    for (const update of (await storage.load(logId)).data) Y.applyUpdate(doc, update)
    return doc.getArray<string>("events").toArray()
  } finally {
    await storage.close()
  }
}
