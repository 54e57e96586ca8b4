// PostgresStorage against a real PostgreSQL 15 (started by @relactation/testkit): the storage
// contract, gapless sequence numbers under appends from two pools (two processes), group commit,
// compaction by two processes at once while a third appends, an outage, and schema start-up.
import { type PostgresServer, startPostgres } from "@relactation/testkit"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Y from "yjs"
import { isSharedStorage, PostgresStorage, StoreUnavailableError } from "../src/index.js"

const LOG = "family-pg-0001"
const OTHER = "family-pg-0002"

let postgres: PostgresServer
let databases = 0
/** A fresh database per test, so tests never see each other's rows. */
const freshUrl = () => postgres.database(`contract_${++databases}`)

beforeAll(async () => {
  postgres = await startPostgres()
})
afterAll(async () => {
  await postgres?.stop()
})

const query = async <T extends Record<string, unknown>>(
  url: string,
  text: string,
  values: Array<unknown> = []
) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

/** A writer that produces real Yjs updates: each one pushes one event name. */
const writer = (prefix: string) => {
  const doc = new Y.Doc()
  let n = 0
  return {
    next(): { name: string; update: Uint8Array } {
      const before = Y.encodeStateVector(doc)
      const name = `${prefix}${n++}`
      doc.getArray<string>("events").push([name])
      return { name, update: Y.encodeStateAsUpdate(doc, before) }
    }
  }
}

const eventsOf = (updates: ReadonlyArray<Uint8Array>): Array<string> => {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc.getArray<string>("events").toArray().sort()
}

describe("PostgresStorage", () => {
  it("loads an unknown log as empty, hands out seq 1, 2, 3 with sizes, and answers since()", async () => {
    await using storage = disposable(await PostgresStorage.open({ url: await freshUrl() }))
    expect(isSharedStorage(storage)).toBe(true)
    expect(await storage.load(LOG)).toEqual({ data: [], seq: 0, updates: 0, bytes: 0 })
    const w = writer("a")
    const written = [w.next(), w.next(), w.next()]
    const sizes = await Promise.all(written.map(({ update }) => storage.append(LOG, update)))
    let bytes = 0
    expect(sizes).toEqual(
      written.map(({ update }, i) => {
        bytes += update.byteLength
        return { seq: i + 1, updates: i + 1, bytes }
      })
    )
    const loaded = await storage.load(LOG)
    expect(loaded.seq).toBe(3)
    expect(loaded.updates).toBe(3)
    expect(loaded.bytes).toBe(bytes)
    expect(eventsOf(loaded.data)).toEqual(["a0", "a1", "a2"])
    const later = await storage.since(LOG, 1)
    expect(later.seq).toBe(3)
    expect(later.data.map((data) => Buffer.from(data))).toEqual(
      written.slice(1).map(({ update }) => Buffer.from(update))
    )
    expect((await storage.since(LOG, 3)).data).toEqual([])
    expect((await storage.load(OTHER)).seq).toBe(0)
  })

  it("gives gapless per-log sequence numbers to concurrent appends from two pools (two processes)", async () => {
    const url = await freshUrl()
    await using a = disposable(await PostgresStorage.open({ url, poolSize: 3 }))
    await using b = disposable(await PostgresStorage.open({ url, poolSize: 3 }))
    const seqs = new Map<string, Array<number>>([
      [LOG, []],
      [OTHER, []]
    ])
    const writers = [writer("a"), writer("b"), writer("c"), writer("d")]
    // 4 writers x 79 updates, over two logs, from both stores at once.
    await Promise.all(
      writers.map(async (w, k) => {
        const store = k % 2 === 0 ? a : b
        const logId = k < 2 ? LOG : OTHER
        // Bursts of 1-3 appends without waiting in between (what a relay sends for one batch).
        for (let i = 0; i < 40; i++) {
          const burst = Array.from({ length: (i % 3) + 1 }, () => store.append(logId, w.next().update))
          for (const { seq } of await Promise.all(burst)) seqs.get(logId)?.push(seq)
        }
      })
    )
    const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1)
    for (const logId of [LOG, OTHER]) {
      expect([...(seqs.get(logId) ?? [])].sort((x, y) => x - y)).toEqual(oneTo(158))
      const rows = await query<{ seq: string }>(
        url,
        "SELECT seq FROM relactation_updates WHERE log_id = $1 ORDER BY seq",
        [logId]
      )
      expect(rows.map((row) => Number(row.seq))).toEqual(oneTo(158))
    }
    expect(eventsOf((await a.load(LOG)).data)).toHaveLength(158)
  })

  it("commits the appends of one event-loop turn, across logs, in one transaction, and what comes meanwhile in the next", async () => {
    const url = await freshUrl()
    await using storage = disposable(await PostgresStorage.open({ url }))
    const w = writer("g")
    // Rows written by one transaction share its xmin.
    const first = [
      storage.append(LOG, w.next().update),
      storage.append(OTHER, w.next().update),
      storage.append(LOG, w.next().update)
    ]
    // Requested while the first commit is under way: they wait and go together into the second.
    await new Promise((resolve) => setImmediate(resolve))
    const second = [storage.append(OTHER, w.next().update), storage.append(LOG, w.next().update)]
    await Promise.all([...first, ...second])
    const rows = await query<{ log_id: string; seq: string; xmin: string }>(
      url,
      "SELECT log_id, seq, xmin::text AS xmin FROM relactation_updates ORDER BY xmin::text::bigint, log_id, seq"
    )
    expect(rows).toHaveLength(5)
    const transactions = new Set(rows.map((row) => row.xmin))
    expect(transactions.size).toBe(2)
    const [one, two] = [...transactions]
    expect(rows.filter((row) => row.xmin === one).map((row) => [row.log_id, Number(row.seq)])).toEqual([
      [LOG, 1],
      [LOG, 2],
      [OTHER, 1]
    ])
    expect(rows.filter((row) => row.xmin === two).map((row) => [row.log_id, Number(row.seq)])).toEqual([
      [LOG, 3],
      [OTHER, 2]
    ])
  })

  it("compaction leaves one row that keeps the highest seq it covers, and every update", async () => {
    const url = await freshUrl()
    await using storage = disposable(await PostgresStorage.open({ url }))
    const w = writer("c")
    const names: Array<string> = []
    for (let i = 0; i < 50; i++) {
      const { name, update } = w.next()
      names.push(name)
      await storage.append(LOG, update)
    }
    const size = await storage.compact(LOG)
    expect(size.updates).toBe(1)
    const loaded = await storage.load(LOG)
    expect({ seq: loaded.seq, updates: loaded.updates, rows: loaded.data.length }).toEqual({
      seq: 50,
      updates: 1,
      rows: 1
    })
    expect(loaded.bytes).toBe(size.bytes)
    expect(eventsOf(loaded.data)).toEqual(names.sort())
    // A relay that had seen up to 49 gets the merged row: it holds 50 too.
    expect(eventsOf((await storage.since(LOG, 49)).data)).toEqual(names)
    expect((await storage.append(LOG, w.next().update)).seq).toBe(51)
  })

  it("two processes compacting the same log at once while a third appends lose nothing", async () => {
    const url = await freshUrl()
    await using a = disposable(await PostgresStorage.open({ url, poolSize: 2 }))
    await using b = disposable(await PostgresStorage.open({ url, poolSize: 2 }))
    await using c = disposable(await PostgresStorage.open({ url, poolSize: 2 }))
    const w = writer("x")
    const names: Array<string> = []
    const appendOne = async (store: PostgresStorage) => {
      const { name, update } = w.next()
      await store.append(LOG, update)
      names.push(name)
    }
    for (let i = 0; i < 100; i++) await appendOne(c)
    for (let round = 0; round < 5; round++) {
      const appending = (async () => {
        for (let i = 0; i < 40; i++) await appendOne(c)
      })()
      const sizes = await Promise.all([a.compact(LOG), b.compact(LOG), appending])
      expect(sizes[0].updates).toBeGreaterThanOrEqual(1)
      expect(sizes[1].updates).toBeGreaterThanOrEqual(1)
    }
    const loaded = await c.load(LOG)
    expect(loaded.seq).toBe(300)
    expect(eventsOf(loaded.data)).toEqual([...names].sort())
    const counted = await query<{ n: string; bytes: string }>(
      url,
      "SELECT count(*) AS n, sum(length(data)) AS bytes FROM relactation_updates WHERE log_id = $1",
      [LOG]
    )
    expect({ updates: loaded.updates, bytes: loaded.bytes }).toEqual({
      updates: Number(counted[0]?.n),
      bytes: Number(counted[0]?.bytes)
    })
  })

  it("merges a big log (through the merge thread) without losing an update", async () => {
    const url = await freshUrl()
    await using storage = disposable(await PostgresStorage.open({ url }))
    const doc = new Y.Doc()
    const notes = doc.getArray<string>("events")
    // 300 updates of ~2 KiB: past the inline threshold, so the worker thread merges them.
    for (let i = 0; i < 300; i++) {
      const before = Y.encodeStateVector(doc)
      notes.push([`big${i}:${"n".repeat(2_000)}`])
      await storage.append(LOG, Y.encodeStateAsUpdate(doc, before))
    }
    expect((await storage.load(LOG)).bytes).toBeGreaterThan(256 * 1024)
    await storage.compact(LOG)
    const loaded = await storage.load(LOG)
    expect(loaded.data).toHaveLength(1)
    expect(Buffer.from(Y.encodeStateVectorFromUpdate(loaded.data[0] as Uint8Array))).toEqual(
      Buffer.from(Y.encodeStateVector(doc))
    )
    expect(eventsOf(loaded.data)).toHaveLength(300)
  })

  it("keeps every acknowledged append through a crash of Postgres (immediate stop)", async () => {
    const url = await freshUrl()
    const storage = await PostgresStorage.open({ url })
    const w = writer("d")
    const names: Array<string> = []
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const { name, update } = w.next()
        await storage.append(LOG, update)
        names.push(name)
      })
    )
    await postgres.stopServer("immediate")
    await postgres.startServer()
    const reopened = await PostgresStorage.open({ url })
    expect(eventsOf((await reopened.load(LOG)).data)).toEqual(names.sort())
    await Promise.all([storage.close(), reopened.close()])
  })

  it("while Postgres is down: appends fail fast with StoreUnavailableError, check() is false; it recovers by itself", async () => {
    const url = await freshUrl()
    await using storage = disposable(await PostgresStorage.open({ url, connectTimeoutMs: 2_000 }))
    const w = writer("o")
    await storage.append(LOG, w.next().update)
    await postgres.stopServer()
    try {
      const failing = storage.append(LOG, w.next().update)
      await expect(failing).rejects.toBeInstanceOf(StoreUnavailableError)
      await expect(storage.load(LOG)).rejects.toBeInstanceOf(StoreUnavailableError)
      await expect(storage.compact(LOG)).rejects.toBeInstanceOf(StoreUnavailableError)
      expect(await storage.check()).toBe(false)
    } finally {
      await postgres.startServer()
    }
    expect(await storage.check()).toBe(true)
    expect((await storage.append(LOG, w.next().update)).seq).toBe(2)
    expect((await storage.load(LOG)).updates).toBe(2)
  })
})

describe("PostgresStorage.open", () => {
  it("creates the schema at version 2, and two processes starting at once on an empty database both succeed", async () => {
    const url = await freshUrl()
    const [a, b] = await Promise.all([PostgresStorage.open({ url }), PostgresStorage.open({ url })])
    expect(await query(url, "SELECT version FROM relactation_schema")).toEqual([{ version: 2 }])
    await Promise.all([a.close(), b.close()])
    // A restart finds the schema and keeps it.
    await (await PostgresStorage.open({ url })).close()
    expect(await query(url, "SELECT version FROM relactation_schema")).toEqual([{ version: 2 }])
  })

  it("upgrades a version-1 database in place: its logs untouched, the access tables added", async () => {
    const url = await freshUrl()
    // Exactly what a version-1 relay created and wrote.
    await query(
      url,
      `CREATE TABLE relactation_schema (version integer NOT NULL);
       INSERT INTO relactation_schema VALUES (1);
       CREATE TABLE relactation_logs (log_id text PRIMARY KEY, seq bigint NOT NULL, updates bigint NOT NULL, bytes bigint NOT NULL);
       CREATE TABLE relactation_updates (log_id text NOT NULL, seq bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY (log_id, seq));`
    )
    const w = writer("old")
    const rows = [w.next().update, w.next().update]
    const bytes = rows.reduce((sum, row) => sum + row.byteLength, 0)
    await query(url, "INSERT INTO relactation_logs VALUES ($1, 2, 2, $2)", [LOG, bytes])
    for (const [i, row] of rows.entries())
      await query(url, "INSERT INTO relactation_updates VALUES ($1, $2, $3)", [LOG, i + 1, row])

    await using storage = disposable(await PostgresStorage.open({ url }))
    expect(await query(url, "SELECT version FROM relactation_schema")).toEqual([{ version: 2 }])
    const loaded = await storage.load(LOG)
    expect({ seq: loaded.seq, updates: loaded.updates, bytes: loaded.bytes }).toEqual({
      seq: 2,
      updates: 2,
      bytes
    })
    expect(eventsOf(loaded.data)).toEqual(["old0", "old1"])
    expect((await storage.append(LOG, w.next().update)).seq).toBe(3)
    const credentialId = "Q2m1v4WcXl0pJ8bYzRk3aA"
    await storage.credentials.issue(LOG, credentialId, 2_000_000_000)
    expect(await storage.credentials.revoke(LOG, credentialId, 1_900_000_000, 2_000_000_000)).toBe(true)
    expect(await storage.credentials.status(LOG, credentialId)).toBe("revoked")
    expect(await storage.credentials.useJoin(LOG, "join-1", 2_000_000_000)).toBe(true)
  })

  it("refuses a database written by a newer relay, naming the versions", async () => {
    const url = await freshUrl()
    await query(
      url,
      "CREATE TABLE relactation_schema (version integer NOT NULL); INSERT INTO relactation_schema VALUES (99)"
    )
    await expect(PostgresStorage.open({ url })).rejects.toThrow(
      "Postgres schema version table failed: the database is at version 99, newer than this relay's 2"
    )
  })

  it("fails the migration, naming the step, for a role that may not create tables, and leaves no table behind", async () => {
    const url = await freshUrl()
    await query(url, "CREATE ROLE visitor LOGIN")
    const asVisitor = url.replace("postgres://postgres@", "postgres://visitor@")
    await expect(PostgresStorage.open({ url: asVisitor })).rejects.toThrow(
      /^Postgres schema version table failed: permission denied for schema public \(42501\)/
    )
    expect(
      await query(url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'relactation_%'")
    ).toEqual([{ n: 0 }])
  })

  it("names the unreachable server (host, port and database, never the password) and the bad URL", async () => {
    await expect(
      PostgresStorage.open({ url: "postgres://relay:s3cret@127.0.0.1:1/relay", connectTimeoutMs: 2_000 })
    ).rejects.toThrow(/^cannot connect to Postgres at 127\.0\.0\.1:1\/relay: .*ECONNREFUSED/)
    await PostgresStorage.open({ url: "postgres://relay:s3cret@127.0.0.1:1/relay" }).catch((error: Error) =>
      expect(error.message).not.toContain("s3cret")
    )
    await expect(PostgresStorage.open({ url: "not a url" })).rejects.toThrow(/the Postgres URL is not a URL/)
    await expect(PostgresStorage.open({ url: "mysql://db/relay" })).rejects.toThrow(
      /must start with postgres:\/\/ or postgresql:\/\//
    )
  })
})

/** `await using` for a store. */
function disposable<T extends { close(): Promise<void> }>(store: T): T & AsyncDisposable {
  return Object.assign(store, { [Symbol.asyncDispose]: () => store.close() })
}
