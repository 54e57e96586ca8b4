/**
 * The `CredentialStore` of `PostgresStorage`: the access tables of schema version 2 (see
 * `Schema.ts`), shared by every relay process and the CLI. What must hold across processes is done
 * by Postgres itself: a join id is used once because its row is inserted with `ON CONFLICT DO
 * NOTHING` under its primary key; a revocation is first exactly once because only one
 * `UPDATE … WHERE revoked_at IS NULL` can match. Every revocation and deletion sends a `NOTIFY` in
 * its own transaction (delivered when it commits), and each process that listens hears it on one
 * dedicated connection; after that connection was lost (and at its start) the store reads what
 * changed meanwhile from the tables, so a missed notification costs one query, not a revocation.
 * Ids and times only: nothing from any log.
 */
import type pg from "pg"
import type { AccessChange, CredentialStatus, CredentialStore, KnownCredential } from "../../Credentials.js"
import { classify, withClient } from "./Errors.js"

/** The `LISTEN`/`NOTIFY` channel of revocations and deletions. */
export const ACCESS_CHANNEL = "relactation_access"

/** The `application_name` of the listening connection (what `pg_stat_activity` shows). */
export const LISTENER_NAME = "relactation-relay-listen"

/**
 * After a reconnection the store reads changes made since the connection was lost, this much
 * earlier: times are whole seconds from each process's own clock. Hearing a change twice is harmless.
 */
const CATCH_UP_MARGIN_SECONDS = 30
const RETRY_FIRST_MS = 250
const RETRY_MAX_MS = 5_000

const num = (value: unknown): number => Number(value)
const optional = (value: unknown): number | undefined => (value === null ? undefined : Number(value))
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

const STATUS = `
SELECT EXISTS (SELECT 1 FROM relactation_deleted_logs WHERE log_id = $1 AND until > $3) AS deleted,
       (SELECT revoked_at FROM relactation_credentials WHERE log_id = $1 AND credential_id = $2) AS revoked_at`

const ISSUE = `
INSERT INTO relactation_credentials AS c (log_id, credential_id, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (log_id, credential_id) DO UPDATE SET expires_at = greatest(c.expires_at, excluded.expires_at)`

// A connection that closes after its log was deleted must not bring its credential back.
const SEEN = `
INSERT INTO relactation_credentials AS c (log_id, credential_id, expires_at, last_seen)
SELECT $1, $2, $3, $4
WHERE NOT EXISTS (SELECT 1 FROM relactation_deleted_logs WHERE log_id = $1 AND until > $5)
ON CONFLICT (log_id, credential_id) DO UPDATE
  SET expires_at = greatest(c.expires_at, excluded.expires_at),
      last_seen = greatest(coalesce(c.last_seen, 0), excluded.last_seen)`

const LIST = `
SELECT credential_id, expires_at, last_seen, revoked_at FROM relactation_credentials
WHERE log_id = $1 ORDER BY credential_id COLLATE "C"`

const USE_JOIN = `
INSERT INTO relactation_used_joins (log_id, join_id, expires_at) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING`

const MARK_DELETED = `
INSERT INTO relactation_deleted_logs AS d (log_id, deleted_at, until) VALUES ($1, $2, $3)
ON CONFLICT (log_id) DO UPDATE SET deleted_at = excluded.deleted_at, until = greatest(d.until, excluded.until)`

const SWEEP = `
WITH credentials AS (DELETE FROM relactation_credentials WHERE expires_at <= $1),
     joins AS (DELETE FROM relactation_used_joins WHERE expires_at <= $1)
DELETE FROM relactation_deleted_logs WHERE until <= $1`

const CHANGES = `
SELECT log_id, credential_id FROM relactation_credentials WHERE revoked_at >= $1
UNION ALL
SELECT log_id, NULL FROM relactation_deleted_logs WHERE deleted_at >= $1`

/** The payload of a notification: JSON of an `AccessChange` (ids only, far below NOTIFY's 8000 bytes). */
const encodeChange = (change: AccessChange): string => JSON.stringify(change)

const decodeChange = (payload: string | undefined): AccessChange | undefined => {
  if (payload === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(payload)
  } catch {
    return undefined
  }
  if (typeof value !== "object" || value === null) return undefined
  const { kind, logId, credentialId } = value as Record<string, unknown>
  if (typeof logId !== "string") return undefined
  if (kind === "deleted") return { kind, logId }
  if (kind === "revoked" && typeof credentialId === "string") return { kind, logId, credentialId }
  return undefined
}

export class PostgresCredentials implements CredentialStore {
  private readonly pool: pg.Pool
  private readonly listenerClient: () => pg.Client
  private readonly listeners = new Set<(change: AccessChange) => void>()
  /** The connection that listens, once `LISTEN` was acknowledged. */
  private listening: pg.Client | undefined
  /** Bumped whenever listening stops, so a connection attempt of an earlier round gives up. */
  private round = 0
  /** Unix seconds from when changes may not have been heard (set at start and on a lost connection). */
  private unheardSince: number | undefined
  private retryMs = RETRY_FIRST_MS
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private closed = false

  /**
   * @param listenerClient makes the (unconnected) client that `LISTEN`s: one per process, outside
   * the pool, as a listening session must stay open.
   */
  constructor(pool: pg.Pool, listenerClient: () => pg.Client) {
    this.pool = pool
    this.listenerClient = listenerClient
  }

  async status(logId: string, credentialId: string | undefined): Promise<CredentialStatus> {
    const row = (
      await this.query<{ deleted: boolean; revoked_at: string | null }>(STATUS, [
        logId,
        credentialId ?? null,
        nowSeconds()
      ])
    )[0]
    if (row?.deleted === true) return "log-deleted"
    return row?.revoked_at == null ? "ok" : "revoked"
  }

  async issue(logId: string, credentialId: string, expiresAt: number): Promise<void> {
    await this.query(ISSUE, [logId, credentialId, expiresAt])
  }

  async seen(logId: string, credentialId: string, expiresAt: number, at: number): Promise<void> {
    await this.query(SEEN, [logId, credentialId, expiresAt, at, nowSeconds()])
  }

  revoke(logId: string, credentialId: string, at: number, expiresAt: number): Promise<boolean> {
    return this.transaction(async (client) => {
      // The upsert locks the row (there is one from here on), so concurrent revocations of the same
      // id, from any process, queue behind each other and the conditional update matches once.
      await client.query(ISSUE, [logId, credentialId, expiresAt])
      const first = await client.query(
        "UPDATE relactation_credentials SET revoked_at = $3 WHERE log_id = $1 AND credential_id = $2 AND revoked_at IS NULL",
        [logId, credentialId, at]
      )
      await this.notify(client, { kind: "revoked", logId, credentialId })
      return first.rowCount === 1
    })
  }

  async list(logId: string): Promise<ReadonlyArray<KnownCredential>> {
    const rows = await this.query<{
      credential_id: string
      expires_at: string
      last_seen: string | null
      revoked_at: string | null
    }>(LIST, [logId])
    return rows.map((row) => ({
      credentialId: row.credential_id,
      expiresAt: num(row.expires_at),
      lastSeen: optional(row.last_seen),
      revokedAt: optional(row.revoked_at)
    }))
  }

  async useJoin(logId: string, joinId: string, expiresAt: number): Promise<boolean> {
    try {
      return (await this.pool.query(USE_JOIN, [logId, joinId, expiresAt])).rowCount === 1
    } catch (error) {
      throw classify(error)
    }
  }

  deleteLog(logId: string, at: number, until: number): Promise<void> {
    return this.transaction(async (client) => {
      await client.query("DELETE FROM relactation_credentials WHERE log_id = $1", [logId])
      await client.query("DELETE FROM relactation_used_joins WHERE log_id = $1", [logId])
      await client.query(MARK_DELETED, [logId, at, until])
      await this.notify(client, { kind: "deleted", logId })
    })
  }

  async sweep(now: number): Promise<void> {
    await this.query(SWEEP, [now])
  }

  onChange(listener: (change: AccessChange) => void): () => void {
    if (this.closed) return () => {}
    this.listeners.add(listener)
    if (this.listeners.size === 1) {
      // What was committed before `LISTEN` took effect is read from the tables once it did.
      this.unheardSince = nowSeconds()
      this.retryMs = RETRY_FIRST_MS
      void this.listen(this.round)
    }
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.stopListening()
    }
  }

  /** Ends the listening connection; later `onChange` calls hear nothing. */
  async close(): Promise<void> {
    this.closed = true
    this.listeners.clear()
    const client = this.listening
    this.stopListening()
    await client?.end().catch(() => {})
  }

  private stopListening(): void {
    this.round++
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    const client = this.listening
    this.listening = undefined
    void client?.end().catch(() => {})
  }

  private async listen(round: number): Promise<void> {
    const client = this.listenerClient()
    let lost = false
    const onLost = () => {
      if (lost) return
      lost = true
      if (this.listening === client) this.listening = undefined
      void client.end().catch(() => {})
      if (round !== this.round) return
      this.unheardSince ??= nowSeconds()
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined
        if (round === this.round) void this.listen(round)
      }, this.retryMs)
      this.retryTimer.unref()
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS)
    }
    client.on("error", onLost)
    client.on("end", onLost)
    client.on("notification", (message) => {
      if (message.channel !== ACCESS_CHANNEL) return
      const change = decodeChange(message.payload)
      if (change !== undefined) this.deliver(change)
    })
    try {
      await client.connect()
      await client.query(`LISTEN ${ACCESS_CHANNEL}`)
      if (round !== this.round) {
        await client.end()
        return
      }
      this.listening = client
      const since = this.unheardSince
      if (since !== undefined) {
        for (const change of await this.changesSince(since - CATCH_UP_MARGIN_SECONDS)) this.deliver(change)
        this.unheardSince = undefined
      }
      this.retryMs = RETRY_FIRST_MS
    } catch {
      // Postgres unreachable, or the catch-up failed: start over (what was unheard stays unheard).
      onLost()
    }
  }

  private async changesSince(since: number): Promise<Array<AccessChange>> {
    const rows = await this.query<{ log_id: string; credential_id: string | null }>(CHANGES, [since])
    return rows.map((row) =>
      row.credential_id === null
        ? { kind: "deleted", logId: row.log_id }
        : { kind: "revoked", logId: row.log_id, credentialId: row.credential_id }
    )
  }

  private deliver(change: AccessChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change)
      } catch {
        // One listener's failure must not keep the change from the others.
      }
    }
  }

  private notify(client: pg.PoolClient, change: AccessChange): Promise<unknown> {
    return client.query("SELECT pg_notify($1, $2)", [ACCESS_CHANNEL, encodeChange(change)])
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: Array<unknown>): Promise<Array<R>> {
    try {
      return (await this.pool.query<R>(text, values)).rows
    } catch (error) {
      throw classify(error)
    }
  }

  private transaction<A>(body: (client: pg.PoolClient) => Promise<A>): Promise<A> {
    return withClient(this.pool, async (client) => {
      await client.query("BEGIN")
      try {
        const result = await body(client)
        await client.query("COMMIT")
        return result
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {})
        throw error
      }
    })
  }
}
