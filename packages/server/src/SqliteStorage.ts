/**
 * The embedded default store: one SQLite file (better-sqlite3, WAL) holding every log's Yjs updates
 * as rows, owned by a worker thread (`internal/SqliteWorker.ts`), so the relay's event loop keeps
 * serving websockets and HTTP while a commit waits on the disk. Appends are group-committed: the
 * appends requested while the previous commit was on its way to the disk (or within one event-loop
 * turn) go into one transaction, committed (and fsynced) before any of them resolves, so nothing is
 * relayed before it is durable. Compaction swaps a log's rows for one merged update inside a single
 * transaction, so a crash at any point leaves either the old rows or the merged row, never neither.
 *
 * @since 0.1.0
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { Worker } from "node:worker_threads"
import Database from "better-sqlite3"
import type { CredentialStore } from "./Credentials.js"
import { GroupCommit } from "./internal/GroupCommit.js"
import { SqliteCredentials } from "./internal/SqliteCredentials.js"
import { type Reply, type Request, sqliteWorker, type WorkerSetup } from "./internal/SqliteWorker.js"
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
 * `synchronous` defaults to `"full"`: every commit is fsynced before its appends are acknowledged
 * and relayed, so an update survives a power cut, not only a process crash. Appends are committed in
 * groups and off the event loop, so the fsync costs one disk flush per group, and other connections
 * are served meanwhile. `"normal"` (WAL) is still safe against a killed process but may lose the
 * last commits on power loss.
 *
 * @since 0.1.0
 * @category storage
 */
export interface SqliteStorageOptions {
  readonly file: string
  readonly synchronous?: "full" | "normal"
}

/** A request older than this makes `check()` report the store unhealthy (a disk that hangs). */
const STUCK_AFTER_MS = 10_000

// 2 added the access tables (credentials, used join tokens, deleted logs); a version-1 file gets
// them at open, its updates untouched.
const SCHEMA_VERSION = 2

interface Pending {
  readonly since: number
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

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

// Creates the schema (or checks its version) on this thread, so that a bad file fails `open` at once
// with a clear error; the worker then opens the same file for everything else.
const prepareFile = (file: string): void => {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  ownerOnly(file)
  const db = new Database(file)
  try {
    db.pragma("journal_mode = WAL")
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
    if (version !== 0 && version !== 1 && version !== SCHEMA_VERSION) {
      throw new Error(`relay database schema version ${String(version)} is not supported`)
    }
    db.exec(`
      CREATE TABLE IF NOT EXISTS credentials (
        log_id TEXT NOT NULL,
        credential_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        last_seen INTEGER,
        revoked_at INTEGER,
        PRIMARY KEY (log_id, credential_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS used_joins (
        log_id TEXT NOT NULL,
        join_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (log_id, join_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS deleted_logs (
        log_id TEXT PRIMARY KEY,
        deleted_at INTEGER NOT NULL,
        until INTEGER NOT NULL
      ) WITHOUT ROWID;
    `)
    if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`)
  } finally {
    db.close()
  }
}

// The worker runs from `sqliteWorker`'s text as compiled here. Compilers that keep function names
// (esbuild's keepNames, as tsx runs it) wrap functions in a `__name` helper defined outside it.
const workerSource = `"use strict";\nvar __name = (target) => target;\n(${sqliteWorker.toString()})(require)`

const storeError = (reply: Extract<Reply, { ok: false }>): Error =>
  Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code })

/**
 * A {@link Storage} in one SQLite file, written by a worker thread.
 *
 * @since 0.1.0
 * @category storage
 */
export class SqliteStorage implements Storage {
  private readonly worker: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  /** Appends of one turn (or requested while the previous commit was under way) go in one transaction. */
  private readonly appends = new GroupCommit<
    { readonly logId: string; readonly update: Uint8Array },
    StoredSize
  >(
    (appends) => this.send<Array<StoredSize>>({ id: this.nextId++, op: "commit", appends }),
    // Each turn's appends go to the worker at once; it merges those that wait for its previous
    // commit into one transaction, so they do not also wait for that commit's answer to come back.
    { overlap: true }
  )
  private closing: Promise<void> | undefined
  /** Why the worker stopped, if it stopped on its own. */
  private failure: Error | undefined
  /**
   * The relay's access records (credentials, revocations, used join tokens, deleted logs) in the
   * same database, written by the same worker.
   *
   * @since 0.2.0
   */
  readonly credentials: CredentialStore = new SqliteCredentials((call) =>
    this.call({ id: this.nextId++, op: "credentials", call })
  )

  private constructor(setup: WorkerSetup) {
    this.worker = new Worker(workerSource, { eval: true, workerData: setup })
    // Referenced only while a request is out: an idle store never keeps the process alive.
    this.worker.unref()
    this.worker.on("message", (reply: Reply) => this.settle(reply))
    this.worker.on("error", (error) => this.fail(error))
    this.worker.on("exit", (code) => {
      if (this.closing === undefined) this.fail(new Error(`the relay database worker exited (${code})`))
    })
  }

  /**
   * Opens (or creates) the database file, switches it to WAL, creates the schema and starts the
   * worker thread that owns it.
   *
   * @since 0.1.0
   * @category constructors
   */
  static open(options: SqliteStorageOptions): SqliteStorage {
    prepareFile(options.file)
    const resolve = createRequire(import.meta.url).resolve
    return new SqliteStorage({
      file: options.file,
      synchronous: options.synchronous ?? "full",
      betterSqlite3: resolve("better-sqlite3"),
      yjs: resolve("yjs")
    })
  }

  private ensureOpen(): void {
    if (this.failure !== undefined) throw this.failure
    if (this.closing !== undefined) throw new Error("the relay database is closed")
  }

  private send<T>(request: Request): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref()
      this.pending.set(request.id, {
        since: Date.now(),
        resolve: resolve as (value: unknown) => void,
        reject
      })
      this.worker.postMessage(request)
    })
  }

  private call<T>(request: Request): Promise<T> {
    try {
      this.ensureOpen()
    } catch (error) {
      return Promise.reject(error)
    }
    return this.send<T>(request)
  }

  private settle(reply: Reply): void {
    const pending = this.pending.get(reply.id)
    if (pending === undefined) return
    this.pending.delete(reply.id)
    if (this.pending.size === 0) this.worker.unref()
    if (reply.ok) pending.resolve(reply.value)
    else pending.reject(storeError(reply))
  }

  private fail(error: Error): void {
    this.failure ??= new Error(`the relay database stopped: ${error.message}`)
    for (const pending of this.pending.values()) pending.reject(this.failure)
    this.pending.clear()
    this.appends.reject(this.failure)
    this.worker.unref()
  }

  /** @since 0.1.0 */
  load(logId: string): Promise<StoredLog> {
    return this.call<StoredLog>({ id: this.nextId++, op: "load", logId })
  }

  /**
   * Durable when it resolves: the append is committed together with the other appends requested
   * while the previous commit was under way (or in the same event-loop turn), in one transaction
   * (one fsync with `synchronous=FULL`).
   *
   * @since 0.1.0
   */
  append(logId: string, update: Uint8Array): Promise<StoredSize> {
    try {
      this.ensureOpen()
    } catch (error) {
      return Promise.reject(error)
    }
    return this.appends.add({ logId, update })
  }

  /** @since 0.1.0 */
  release(logId: string): void {
    if (this.closing === undefined && this.failure === undefined)
      void this.send({ id: this.nextId++, op: "release", logId }).catch(() => {})
  }

  /**
   * Removes every stored update of the log (durable when it resolves). The relay unloads the log
   * first; its access records are the credential store's (`credentials.deleteLog`).
   *
   * @since 0.2.0
   */
  delete(logId: string): Promise<void> {
    return this.call<void>({ id: this.nextId++, op: "delete", logId })
  }

  /** @since 0.1.0 */
  compact(logId: string): Promise<StoredSize> {
    return this.call<StoredSize>({ id: this.nextId++, op: "compact", logId })
  }

  /**
   * Whether the store takes writes. While requests are under way it answers from them, without
   * queueing a write behind them: healthy unless one has waited longer than 10 s (a hung disk).
   *
   * @since 0.1.0
   */
  async check(): Promise<boolean> {
    if (this.closing !== undefined || this.failure !== undefined) return false
    if (this.pending.size > 0) {
      const oldest = Math.min(...[...this.pending.values()].map((pending) => pending.since))
      return Date.now() - oldest < STUCK_AFTER_MS
    }
    return this.send<boolean>({ id: this.nextId++, op: "check" }).catch(() => false)
  }

  /** @since 0.1.0 */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    if (this.failure !== undefined) {
      await this.worker.terminate()
      return
    }
    // Appends already requested are committed, not dropped: they go ahead of the close.
    await this.appends.flush()
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()))
    await this.send({ id: this.nextId++, op: "close" }).catch(() => {})
    await exited
  }
}
