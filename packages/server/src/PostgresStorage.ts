/**
 * A store that several relay processes share: PostgreSQL, through the `pg` client and one pool per
 * process. Every log has a counter row that hands out gapless sequence numbers (1, 2, 3…) inside the
 * transaction that stores the update, so appends from any number of processes serialize on that row.
 * Appends are group-committed as with SQLite: the appends requested while the previous commit was on
 * its way (or within one event-loop turn), across logs, go into one transaction, and none resolves
 * before Postgres reports it committed (`synchronous_commit = on`), so nothing is relayed before it
 * is durable. Compaction merges a log's rows into one inside a transaction under a per-log advisory
 * lock; the merge itself runs on a worker thread. The schema is created or migrated by `open`.
 * The relay's credentials (revocations, used join tokens, deleted logs) live in the same database
 * (`credentials`), so every process sees them, and hears of a revocation through `LISTEN`/`NOTIFY`.
 *
 * @since 0.2.0
 */
import pg from "pg"
import type { CredentialStore } from "./Credentials.js"
import { GroupCommit } from "./internal/GroupCommit.js"
import { classify, describeTarget, parsePostgresUrl, withClient } from "./internal/postgres/Errors.js"
import { Merger } from "./internal/postgres/Merger.js"
import { LISTENER_NAME, PostgresCredentials } from "./internal/postgres/PostgresCredentials.js"
import {
  type Append,
  compact,
  groupCommit,
  removeLog,
  type Sequenced,
  since
} from "./internal/postgres/Queries.js"
import { migrate } from "./internal/postgres/Schema.js"
import type { SequencedLog, SharedStorage, StoredSize } from "./Storage.js"

/**
 * Options for {@link PostgresStorage.open}.
 *
 * @since 0.2.0
 * @category storage
 */
export interface PostgresStorageOptions {
  /** `postgres://user:password@host:5432/database` (or `postgresql://`; libpq URL parameters such as `sslmode` work). */
  readonly url: string
  /** Connections this process keeps to Postgres at most; default 10. */
  readonly poolSize?: number
  /** Postgres cancels a statement that runs longer than this (the call then fails); default 10 s. */
  readonly statementTimeoutMs?: number
  /**
   * How long a call waits for a connection (a new one, or a free one in the pool) before it fails
   * with `StoreUnavailableError`; default 5 s. While Postgres refuses connections, calls fail at once.
   */
  readonly connectTimeoutMs?: number
}

/**
 * A {@link SharedStorage} in PostgreSQL.
 *
 * @example
 * const storage = await PostgresStorage.open({ url: "postgres://relay@db:5432/relay" })
 * const relay = await createRelay({ storage, secret: process.env.RELAY_SECRET!, port: 1234 })
 *
 * @since 0.2.0
 * @category storage
 */
export class PostgresStorage implements SharedStorage {
  readonly shared = true as const
  /** `host:port/database`, without user or password: safe for logs. */
  readonly target: string
  private readonly pool: pg.Pool
  private readonly merger = new Merger()
  /** Appends of one turn (or requested while the previous commit was under way) go in one transaction. */
  private readonly appends: GroupCommit<Append, Sequenced>
  private closing: Promise<void> | undefined
  private readonly access: PostgresCredentials
  /**
   * The relay's access records (credentials, revocations, used join tokens, deleted logs) in the
   * same database, shared by every process on it. `onChange` hears revocations and deletions made
   * by any process (another relay, the CLI) through Postgres `LISTEN`/`NOTIFY`, on one extra
   * connection per process, and reads what it missed from the tables after that connection was
   * lost. `createRelay` uses it by default.
   *
   * @since 0.2.0
   */
  readonly credentials: CredentialStore

  private constructor(pool: pg.Pool, target: string, listenerClient: () => pg.Client) {
    this.pool = pool
    this.target = target
    this.appends = new GroupCommit((appends) =>
      groupCommit(pool, appends).catch((error: unknown) => Promise.reject(classify(error)))
    )
    this.access = new PostgresCredentials(pool, listenerClient)
    this.credentials = this.access
  }

  /**
   * Connects, creates or migrates the schema, and resolves with the store. Rejects with an error
   * naming what failed (the URL, the connection to `host:port/database`, or the migration step), and
   * then holds no connection.
   *
   * @since 0.2.0
   * @category constructors
   */
  static async open(options: PostgresStorageOptions): Promise<PostgresStorage> {
    const url = parsePostgresUrl(options.url)
    const target = describeTarget(url)
    const poolSize = options.poolSize ?? 10
    if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error("poolSize must be a whole number >= 1")
    const pool = new pg.Pool({
      connectionString: options.url,
      max: poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      application_name: "relactation-relay",
      // Durable when COMMIT returns, whatever the server's default says.
      options: "-c synchronous_commit=on"
    })
    // An idle connection whose server went away: the pool drops it and connects anew on next use.
    pool.on("error", () => {})
    let client: pg.PoolClient
    try {
      client = await pool.connect()
    } catch (error) {
      await pool.end().catch(() => {})
      const { message, code } = error as { message?: string; code?: string }
      throw Object.assign(
        new Error(`cannot connect to Postgres at ${target}: ${message ?? "unknown error"}`),
        code === undefined ? {} : { code }
      )
    }
    try {
      await migrate(client)
    } catch (error) {
      client.release()
      await pool.end().catch(() => {})
      throw error
    }
    client.release()
    const listenerClient = () =>
      new pg.Client({
        connectionString: options.url,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
        keepAlive: true,
        application_name: LISTENER_NAME
      })
    return new PostgresStorage(pool, target, listenerClient)
  }

  private ensureOpen(): void {
    if (this.closing !== undefined) throw new Error("the Postgres store is closed")
  }

  /**
   * Every update of the log and the highest sequence number they cover.
   *
   * @since 0.2.0
   */
  load(logId: string): Promise<SequencedLog> {
    return this.since(logId, 0)
  }

  /**
   * Every stored update with seq > after (a compacted row holds everything up to its seq), the
   * highest seq now, and the log's whole size.
   *
   * @since 0.2.0
   */
  async since(logId: string, after: number): Promise<SequencedLog> {
    this.ensureOpen()
    try {
      return await since(this.pool, logId, after)
    } catch (error) {
      throw classify(error)
    }
  }

  /**
   * Durable when it resolves, with the update's sequence number in its log: it is committed
   * together with the other appends requested while the previous commit was under way (or in the
   * same event-loop turn), in one transaction. Fails with `StoreUnavailableError` when Postgres
   * cannot be reached; then nothing of the batch is stored.
   *
   * @since 0.2.0
   */
  append(logId: string, update: Uint8Array): Promise<StoredSize & { readonly seq: number }> {
    try {
      this.ensureOpen()
    } catch (error) {
      return Promise.reject(error)
    }
    return this.appends.add({ logId, update })
  }

  /**
   * Merges the log's rows into one (see the module comment); two processes may compact the same
   * log at once, and appends go on meanwhile.
   *
   * @since 0.2.0
   */
  async compact(logId: string): Promise<StoredSize> {
    this.ensureOpen()
    return withClient(this.pool, (client) => compact(client, logId, (updates) => this.merger.merge(updates)))
  }

  /**
   * Removes every update of the log (`relactation-relay delete`, `DELETE /logs/<logId>`); its
   * access records are the credential store's (`credentials.deleteLog`, which comes first).
   *
   * @since 0.2.0
   */
  async delete(logId: string): Promise<void> {
    this.ensureOpen()
    return withClient(this.pool, (client) => removeLog(client, logId))
  }

  /**
   * Whether Postgres answers a query right now (used by `GET /healthz`).
   *
   * @since 0.2.0
   */
  async check(): Promise<boolean> {
    if (this.closing !== undefined) return false
    try {
      await this.pool.query("SELECT 1")
      return true
    } catch {
      return false
    }
  }

  /**
   * Commits the appends already requested, then closes the pool, the merge thread and the
   * credentials' listening connection.
   *
   * @since 0.2.0
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    await this.appends.flush()
    await this.merger.close()
    await this.access.close()
    await this.pool.end()
  }
}
