// The CredentialStore contract, one test body run against both stores: SQLite (the relay's file)
// and Postgres (a real PostgreSQL 15 from @relactation/testkit, shared by every relay process).
// Each test opens two stores on the same database, as two processes would: what one records, the
// other sees; a join id is used once and a revocation is first once even when both race; changes
// made through one reach the other's onChange. Postgres alone: the listening connection lost and
// back reads what it missed from the tables.
import { join } from "node:path"
import pg from "pg"
import { describe, expect, it } from "vitest"
import type { AccessChange, CredentialStore } from "../src/Credentials.js"
import { LISTENER_NAME } from "../src/internal/postgres/PostgresCredentials.js"
import { PostgresStorage } from "../src/PostgresStorage.js"
import { DATABASE_FILE, SqliteStorage } from "../src/SqliteStorage.js"
import { postgresForFile, tempDir, until } from "./helpers.js"

const LOG = "family-store-01"
const OTHER = "family-store-02"
// 22 characters each; mixed case, so the order of `list` is the same byte order in both stores.
const PHONE = "aPhone0000000000000001"
const TABLET = "BTablet000000000000002"
const now = () => Math.floor(Date.now() / 1000)

interface Opened {
  readonly credentials: CredentialStore
  close(): Promise<void>
}

/** One database, and a way to open a store on it as another process would. */
interface Database {
  open(): Promise<Opened>
  readonly url?: string
  [Symbol.asyncDispose](): Promise<void>
}

const postgres = postgresForFile("credentials")

const backends: ReadonlyArray<[string, () => Promise<Database>]> = [
  [
    "SQLite",
    async () => {
      const dir = tempDir()
      const file = join(dir.path, DATABASE_FILE)
      return {
        open: async () => SqliteStorage.open({ file }),
        [Symbol.asyncDispose]: async () => dir[Symbol.dispose]()
      }
    }
  ],
  [
    "Postgres",
    async () => {
      const url = await postgres.database()
      return { url, open: () => PostgresStorage.open({ url }), [Symbol.asyncDispose]: async () => {} }
    }
  ]
]

/** Two stores on one database (two processes), closed at the end. */
const twoStores = async (database: Database) => {
  const a = await database.open()
  const b = await database.open()
  return {
    a: a.credentials,
    b: b.credentials,
    [Symbol.asyncDispose]: async () => {
      await a.close()
      await b.close()
    }
  }
}

/** Resolves with the first change `store` hears that `matches`. */
const heard = (store: CredentialStore, matches: (change: AccessChange) => boolean): Promise<AccessChange> =>
  new Promise((resolve) => {
    const stop = (store.onChange as NonNullable<CredentialStore["onChange"]>)((change) => {
      if (!matches(change)) return
      stop()
      resolve(change)
    })
  })

describe.each(backends)("CredentialStore on %s", (_name, database) => {
  it("status: ok, revoked for a revoked id, log-deleted for every token of a deleted log; other logs untouched", async () => {
    await using db = await database()
    await using stores = await twoStores(db)
    const { a, b } = stores
    expect(await a.status(LOG, PHONE)).toBe("ok")
    expect(await a.status(LOG, undefined)).toBe("ok")
    expect(await a.revoke(LOG, PHONE, now(), now() + 3_600)).toBe(true)
    expect(await b.status(LOG, PHONE)).toBe("revoked")
    expect(await b.status(LOG, TABLET)).toBe("ok")
    expect(await b.status(OTHER, PHONE)).toBe("ok")
    await b.deleteLog(LOG, now(), now() + 3_600)
    expect(await a.status(LOG, TABLET)).toBe("log-deleted")
    expect(await a.status(LOG, undefined)).toBe("log-deleted")
    expect(await a.status(OTHER, undefined)).toBe("ok")
  })

  it("issue keeps the later expiry, seen registers an unknown id and keeps the latest use; list is by id", async () => {
    await using db = await database()
    await using stores = await twoStores(db)
    const { a, b } = stores
    const t = now()
    await a.issue(LOG, TABLET, t + 100)
    await b.issue(LOG, TABLET, t + 50)
    await b.seen(LOG, PHONE, t + 200, t - 10)
    await a.seen(LOG, PHONE, t + 300, t - 20)
    await a.issue(OTHER, PHONE, t + 10)
    expect(await b.list(LOG)).toEqual([
      { credentialId: TABLET, expiresAt: t + 100, lastSeen: undefined, revokedAt: undefined },
      { credentialId: PHONE, expiresAt: t + 300, lastSeen: t - 10, revokedAt: undefined }
    ])
    expect(await a.list("family-unknown")).toEqual([])
  })

  it("revoke is first once, also when two processes race; an unknown id is registered revoked", async () => {
    await using db = await database()
    await using stores = await twoStores(db)
    const { a, b } = stores
    const t = now()
    await a.issue(LOG, PHONE, t + 100)
    const raced = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).revoke(LOG, PHONE, t, t + 50))
    )
    expect(raced.filter(Boolean)).toHaveLength(1)
    expect(await b.revoke(LOG, PHONE, t + 5, t + 50)).toBe(false)
    expect(await a.revoke(LOG, TABLET, t, t + 70)).toBe(true)
    expect(await b.list(LOG)).toEqual([
      { credentialId: TABLET, expiresAt: t + 70, lastSeen: undefined, revokedAt: t },
      { credentialId: PHONE, expiresAt: t + 100, lastSeen: undefined, revokedAt: t }
    ])
  })

  it("useJoin is true once per join id, also when two processes race", async () => {
    await using db = await database()
    await using stores = await twoStores(db)
    const { a, b } = stores
    const t = now()
    const raced = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).useJoin(LOG, "join-1", t + 60))
    )
    expect(raced.filter(Boolean)).toHaveLength(1)
    expect(await a.useJoin(LOG, "join-1", t + 60)).toBe(false)
    expect(await b.useJoin(LOG, "join-2", t + 60)).toBe(true)
    expect(await a.useJoin(OTHER, "join-1", t + 60)).toBe(true)
  })

  it("deleteLog forgets the log's credentials and join ids; a later use does not bring a credential back", async () => {
    await using db = await database()
    await using stores = await twoStores(db)
    const { a, b } = stores
    const t = now()
    await a.issue(LOG, PHONE, t + 100)
    await a.useJoin(LOG, "join-1", t + 60)
    await a.issue(OTHER, PHONE, t + 100)
    await b.deleteLog(LOG, t, t + 3_600)
    expect(await a.list(LOG)).toEqual([])
    await a.seen(LOG, PHONE, t + 100, t)
    expect(await b.list(LOG)).toEqual([])
    expect(await b.list(OTHER)).toHaveLength(1)
    // The join id went with the log (a join is refused by the deletion mark anyway).
    expect(await b.useJoin(LOG, "join-1", t + 60)).toBe(true)
  })

  it("sweep drops expired credentials, join ids and deletion marks, and nothing else", async () => {
    await using db = await database()
    await using stores = await twoStores(db)
    const { a, b } = stores
    const t = now()
    await a.issue(LOG, PHONE, t - 5)
    await a.issue(LOG, TABLET, t + 100)
    await a.useJoin(LOG, "old", t - 5)
    await a.useJoin(LOG, "new", t + 100)
    // (Far from now: status compares with the clock, which may tick meanwhile.)
    await a.deleteLog(OTHER, t - 10, t + 60)
    await b.sweep(t)
    expect((await a.list(LOG)).map((entry) => entry.credentialId)).toEqual([TABLET])
    expect(await a.useJoin(LOG, "old", t + 100)).toBe(true)
    expect(await a.useJoin(LOG, "new", t + 100)).toBe(false)
    expect(await a.status(OTHER, undefined)).toBe("log-deleted")
    await b.sweep(t + 60)
    expect(await a.status(OTHER, undefined)).toBe("ok")
  })

  it("onChange hears a revocation and a deletion made through the other process's store", async () => {
    await using db = await database()
    await using stores = await twoStores(db)
    const { a, b } = stores
    const revoked = heard(b, (change) => change.kind === "revoked")
    const deleted = heard(b, (change) => change.kind === "deleted")
    // Postgres: the listener starts now; let it be up (the SQLite store polls from now on).
    if (db.url !== undefined) await listening(db.url)
    await a.revoke(LOG, PHONE, now(), now() + 60)
    expect(await revoked).toEqual({ kind: "revoked", logId: LOG, credentialId: PHONE })
    await a.deleteLog(OTHER, now(), now() + 60)
    expect(await deleted).toEqual({ kind: "deleted", logId: OTHER })
  })
})

/** Runs one statement on its own connection. */
const sql = async (url: string, text: string, values: Array<unknown> = []) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text, values)).rows
  } finally {
    await client.end()
  }
}

/** Waits until a store's listening connection has run its LISTEN; resolves with its backend pid. */
const listening = async (url: string): Promise<number> => {
  let pid: number | undefined
  await until("the store to LISTEN", async () => {
    const rows = await sql(
      url,
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND query LIKE 'LISTEN%'",
      [LISTENER_NAME]
    )
    pid = rows[0]?.pid as number | undefined
    return pid !== undefined
  })
  return pid as number
}

describe("CredentialStore on Postgres, the listening connection", () => {
  it("after it was lost, reads what it missed from the tables", async () => {
    const url = await postgres.database()
    await using store = disposable(await PostgresStorage.open({ url }))
    const changes: Array<AccessChange> = []
    const stop = store.credentials.onChange?.((change) => changes.push(change))
    const pid = await listening(url)
    // A revocation that sends no notification (as if it was lost): only the catch-up can tell.
    await sql(
      url,
      "INSERT INTO relactation_credentials (log_id, credential_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4)",
      [LOG, PHONE, now() + 60, now()]
    )
    expect(await sql(url, "SELECT pg_terminate_backend($1, 5000) AS gone", [pid])).toEqual([{ gone: true }])
    await until("the missed revocation", () =>
      changes.some((change) => change.kind === "revoked" && change.credentialId === PHONE)
    )
    // And it listens again: a revocation made now is heard through its notification.
    const again = await listening(url)
    expect(again).not.toBe(pid)
    await store.credentials.revoke(LOG, TABLET, now(), now() + 60)
    await until("the new revocation", () =>
      changes.some((change) => change.kind === "revoked" && change.credentialId === TABLET)
    )
    stop?.()
  })
})

const disposable = (storage: PostgresStorage) =>
  Object.assign(storage, { [Symbol.asyncDispose]: () => storage.close() })
