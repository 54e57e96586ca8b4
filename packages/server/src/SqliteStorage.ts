/**
 * The embedded default store: one SQLite file (better-sqlite3, WAL) holding every log's Yjs updates
 * as rows. Appends are group-committed: every append requested within one event-loop turn (across
 * logs) goes into one transaction, committed (and fsynced) before any of them resolves. Compaction
 * swaps a log's rows for one merged update inside a single transaction, so a crash at any point
 * leaves either the old rows or the merged row, never neither.
 *
 * @since 0.1.0
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import Database from "better-sqlite3"
import * as Y from "yjs"
import type { Storage, StoredLog, StoredSize } from "./Storage.js"

/**
 * File name of the database inside the relay's data folder.
 *
 * @since 0.1.0
 * @category storage
 */
export const DATABASE_FILE = "relay.sqlite"

/**
 * Options for {@link SqliteStorage.open}.
 *
 * `synchronous` defaults to `"full"`: every group commit is fsynced before its appends are
 * acknowledged and relayed, so an update survives a power cut, not only a process crash. Appends are
 * committed together (one transaction and one fsync per event-loop turn, across logs), so the fsync
 * costs one disk flush per burst, not one per update. `"normal"` (WAL) is still safe against a killed
 * process but may lose the last commits on power loss.
 *
 * @since 0.1.0
 * @category storage
 */
export interface SqliteStorageOptions {
  readonly file: string
  readonly synchronous?: "full" | "normal"
}

interface Row {
  readonly seq: number
  readonly data: Uint8Array
}

interface QueuedAppend {
  readonly logId: string
  readonly update: Uint8Array
  readonly resolve: (size: StoredSize) => void
  readonly reject: (error: unknown) => void
}

interface SizeRow {
  readonly updates: number
  readonly bytes: number
}

const SCHEMA_VERSION = 1

// The database holds every family's log: created 0600 (SQLite gives its WAL and SHM files the
// database file's mode), and an existing one loses group and world access.
const ownerOnly = (file: string): void => {
  if (!existsSync(file)) writeFileSync(file, "", { flag: "wx", mode: 0o600 })
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(path)) continue
    const mode = statSync(path).mode & 0o777
    if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o600)
  }
}

/**
 * A {@link Storage} in one SQLite file. Calls are synchronous underneath (better-sqlite3) and
 * wrapped in promises to fit the interface.
 *
 * @since 0.1.0
 * @category storage
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database
  private readonly statements: {
    readonly load: Database.Statement<[string], Row>
    readonly size: Database.Statement<[string], SizeRow>
    readonly insert: Database.Statement<[string, Uint8Array]>
    readonly deleteUpTo: Database.Statement<[string, number]>
    readonly health: Database.Statement<[string]>
  }
  private closed = false
  /** Appends waiting for the next group commit. */
  private queue: Array<QueuedAppend> = []
  private commitScheduled = false
  /**
   * Size of each log the relay holds, kept up to date by load, append and compact so an append
   * does not have to count the log's rows again; dropped by `release` when the log unloads.
   */
  private readonly sizes = new Map<string, StoredSize>()

  private constructor(db: Database.Database) {
    this.db = db
    this.statements = {
      load: db.prepare<[string], Row>("SELECT seq, data FROM updates WHERE log_id = ? ORDER BY seq"),
      size: db.prepare<[string], SizeRow>(
        "SELECT count(*) AS updates, coalesce(sum(length(data)), 0) AS bytes FROM updates WHERE log_id = ?"
      ),
      insert: db.prepare<[string, Uint8Array]>("INSERT INTO updates (log_id, data) VALUES (?, ?)"),
      deleteUpTo: db.prepare<[string, number]>("DELETE FROM updates WHERE log_id = ? AND seq <= ?"),
      health: db.prepare<[string]>(
        "INSERT INTO meta (key, value) VALUES ('health', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
      )
    }
  }

  /**
   * Opens (or creates) the database file, switches it to WAL and creates the schema.
   *
   * @since 0.1.0
   * @category constructors
   */
  static open(options: SqliteStorageOptions): SqliteStorage {
    mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 })
    ownerOnly(options.file)
    const db = new Database(options.file)
    try {
      db.pragma("journal_mode = WAL")
      db.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`)
      // Another process (a backup, a second relay by mistake) may hold the write lock briefly.
      db.pragma("busy_timeout = 5000")
      db.exec(`
        CREATE TABLE IF NOT EXISTS updates (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          log_id TEXT NOT NULL,
          data BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS updates_by_log ON updates (log_id, seq);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `)
      const version = db.pragma("user_version", { simple: true })
      if (version === 0) db.pragma(`user_version = ${SCHEMA_VERSION}`)
      else if (version !== SCHEMA_VERSION) {
        throw new Error(`relay database schema version ${String(version)} is not supported`)
      }
      return new SqliteStorage(db)
    } catch (error) {
      db.close()
      throw error
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error("the relay database is closed")
  }

  private sizeOf(logId: string): StoredSize {
    const row = this.statements.size.get(logId)
    return { updates: row?.updates ?? 0, bytes: row?.bytes ?? 0 }
  }

  /** @since 0.1.0 */
  async load(logId: string): Promise<StoredLog> {
    this.ensureOpen()
    const rows = this.statements.load.all(logId)
    let bytes = 0
    for (const row of rows) bytes += row.data.byteLength
    this.sizes.set(logId, { updates: rows.length, bytes })
    return { data: rows.map((row) => row.data), updates: rows.length, bytes }
  }

  /**
   * Durable when it resolves: the append is committed together with every other append requested in
   * the same event-loop turn, in one transaction (one fsync with `synchronous=FULL`).
   *
   * @since 0.1.0
   */
  append(logId: string, update: Uint8Array): Promise<StoredSize> {
    try {
      this.ensureOpen()
    } catch (error) {
      return Promise.reject(error)
    }
    return new Promise<StoredSize>((resolve, reject) => {
      this.queue.push({ logId, update, resolve, reject })
      if (this.commitScheduled) return
      this.commitScheduled = true
      setImmediate(() => this.commit())
    })
  }

  /** @since 0.1.0 */
  release(logId: string): void {
    this.sizes.delete(logId)
  }

  private commit(): void {
    this.commitScheduled = false
    const batch = this.queue
    this.queue = []
    if (batch.length === 0) return
    const sizes = new Map<string, StoredSize>()
    const after: Array<StoredSize> = []
    try {
      this.ensureOpen()
      this.db.transaction(() => {
        for (const { logId, update } of batch) {
          this.statements.insert.run(logId, update)
          const before = sizes.get(logId) ?? this.sizes.get(logId)
          const size =
            before === undefined
              ? this.sizeOf(logId)
              : { updates: before.updates + 1, bytes: before.bytes + update.byteLength }
          sizes.set(logId, size)
          after.push(size)
        }
      })()
    } catch (error) {
      // Nothing of the batch is stored; forget what we knew about these logs rather than guess.
      for (const { logId } of batch) this.sizes.delete(logId)
      for (const entry of batch) entry.reject(error)
      return
    }
    for (const [logId, size] of sizes) this.sizes.set(logId, size)
    for (const [i, entry] of batch.entries()) entry.resolve(after[i] as StoredSize)
  }

  /** @since 0.1.0 */
  async compact(logId: string): Promise<StoredSize> {
    this.ensureOpen()
    // IMMEDIATE takes the write lock up front, so the rows we merge are exactly the rows we delete:
    // only rows up to the highest seq we read are removed, and they go in the same commit that adds
    // the merged row.
    const run = this.db.transaction((): StoredSize => {
      const rows = this.statements.load.all(logId)
      const last = rows[rows.length - 1]
      if (last === undefined || rows.length < 2) return this.sizeOf(logId)
      const merged = Y.mergeUpdates(rows.map((row) => row.data))
      this.statements.insert.run(logId, merged)
      this.statements.deleteUpTo.run(logId, last.seq)
      return this.sizeOf(logId)
    })
    const size = run.immediate()
    this.sizes.set(logId, size)
    return size
  }

  /** @since 0.1.0 */
  async check(): Promise<boolean> {
    if (this.closed) return false
    try {
      this.statements.health.run(new Date().toISOString())
      return true
    } catch {
      return false
    }
  }

  /** @since 0.1.0 */
  async close(): Promise<void> {
    if (this.closed) return
    // Appends already requested are committed, not dropped.
    this.commit()
    this.closed = true
    this.db.close()
  }
}
