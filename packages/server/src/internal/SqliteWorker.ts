/**
 * The thread that owns the relay's SQLite database: every load (its rows merged into one update
 * here), group commit, compaction and health write runs here, so a commit waiting on the disk (fsync, a lock held by a backup) blocks this
 * thread and never the relay's event loop. It answers each request after its statement or
 * transaction returned, so an append reported stored is committed (and fsynced with `FULL`). The
 * commit requests that queued up while a transaction was under way are committed together.
 *
 * `sqliteWorker` runs from its source text (`new Worker(code, { eval: true })`): the same module
 * then works from the TypeScript sources (tests, tsx) and from the built ESM and CJS bundles,
 * without a separate worker file to resolve. So it must not use anything from its surroundings:
 * only its parameter and what it loads through it.
 */
import type * as WorkerThreads from "node:worker_threads"
import type BetterSqlite3 from "better-sqlite3"
import type * as YModule from "yjs"

/** What the worker is started with. */
export interface WorkerSetup {
  readonly file: string
  readonly synchronous: "full" | "normal"
  /** Resolved paths, so the worker loads the same packages as the relay. */
  readonly betterSqlite3: string
  readonly yjs: string
}

/** One log's stored size, as in `Storage`. */
export interface Size {
  readonly updates: number
  readonly bytes: number
}

/** A request to the worker; the worker answers each with a `Reply` of the same id, in order. */
export type Request =
  | { readonly id: number; readonly op: "load"; readonly logId: string }
  | {
      readonly id: number
      readonly op: "commit"
      readonly appends: ReadonlyArray<{ readonly logId: string; readonly update: Uint8Array }>
    }
  | { readonly id: number; readonly op: "compact"; readonly logId: string }
  | { readonly id: number; readonly op: "release"; readonly logId: string }
  | { readonly id: number; readonly op: "check" }
  | { readonly id: number; readonly op: "close" }
  | { readonly id: number; readonly op: "delete"; readonly logId: string }
  | { readonly id: number; readonly op: "credentials"; readonly call: CredentialCall }

/** A `CredentialStore` method, as the worker runs it (times in Unix seconds). */
export type CredentialCall =
  | { readonly fn: "status"; readonly logId: string; readonly credentialId: string | undefined }
  | {
      readonly fn: "issue"
      readonly logId: string
      readonly credentialId: string
      readonly expiresAt: number
    }
  | {
      readonly fn: "seen"
      readonly logId: string
      readonly credentialId: string
      readonly expiresAt: number
      readonly at: number
    }
  | {
      readonly fn: "revoke"
      readonly logId: string
      readonly credentialId: string
      readonly at: number
      readonly expiresAt: number
    }
  | { readonly fn: "list"; readonly logId: string }
  | { readonly fn: "useJoin"; readonly logId: string; readonly joinId: string; readonly expiresAt: number }
  | { readonly fn: "deleteLog"; readonly logId: string; readonly at: number; readonly until: number }
  | { readonly fn: "sweep"; readonly now: number }
  | { readonly fn: "changes"; readonly since: number }

export type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code: string | undefined }

/**
 * The worker's whole program. Sizes of the logs the relay holds are cached here (kept up to date by
 * load, commit and compact, dropped by release), so an append does not count a log's rows again.
 */
export function sqliteWorker(load: NodeJS.Require): void {
  const { parentPort, receiveMessageOnPort, workerData } = load("node:worker_threads") as typeof WorkerThreads
  const setup = workerData as WorkerSetup
  const Database = load(setup.betterSqlite3) as typeof BetterSqlite3
  const Y = load(setup.yjs) as typeof YModule
  if (parentPort === null) throw new Error("sqliteWorker runs in a worker thread")
  const port = parentPort

  const db = new Database(setup.file)
  db.pragma(`synchronous = ${setup.synchronous === "normal" ? "NORMAL" : "FULL"}`)
  // Another process (a backup, a second relay by mistake) may hold the write lock briefly.
  db.pragma("busy_timeout = 5000")
  const statements = {
    load: db.prepare<[string], { seq: number; data: Uint8Array }>(
      "SELECT seq, data FROM updates WHERE log_id = ? ORDER BY seq"
    ),
    size: db.prepare<[string], Size>(
      "SELECT count(*) AS updates, coalesce(sum(length(data)), 0) AS bytes FROM updates WHERE log_id = ?"
    ),
    insert: db.prepare<[string, Uint8Array]>("INSERT INTO updates (log_id, data) VALUES (?, ?)"),
    deleteUpTo: db.prepare<[string, number]>("DELETE FROM updates WHERE log_id = ? AND seq <= ?"),
    health: db.prepare<[string]>(
      "INSERT INTO meta (key, value) VALUES ('health', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    ),
    deleteLog: db.prepare<[string]>("DELETE FROM updates WHERE log_id = ?")
  }
  const credentials = credentialStatements(db)

  const sizes = new Map<string, Size>()
  const sizeOf = (logId: string): Size => {
    const row = statements.size.get(logId)
    return { updates: row?.updates ?? 0, bytes: row?.bytes ?? 0 }
  }

  const commit = (appends: ReadonlyArray<{ logId: string; update: Uint8Array }>): Array<Size> => {
    const after: Array<Size> = []
    const changed = new Map<string, Size>()
    try {
      db.transaction(() => {
        for (const { logId, update } of appends) {
          statements.insert.run(logId, update)
          const before = changed.get(logId) ?? sizes.get(logId)
          const size =
            before === undefined
              ? sizeOf(logId)
              : { updates: before.updates + 1, bytes: before.bytes + update.byteLength }
          changed.set(logId, size)
          after.push(size)
        }
      })()
    } catch (error) {
      // Nothing of the batch is stored; forget what we knew about these logs rather than guess.
      for (const { logId } of appends) sizes.delete(logId)
      throw error
    }
    for (const [logId, size] of changed) sizes.set(logId, size)
    return after
  }

  // IMMEDIATE takes the write lock up front, so the rows merged are exactly the rows deleted: only
  // rows up to the highest seq read are removed, in the same commit that adds the merged row.
  const compact = db.transaction((logId: string): Size => {
    const rows = statements.load.all(logId)
    const last = rows[rows.length - 1]
    if (last === undefined || rows.length < 2) return sizeOf(logId)
    statements.insert.run(logId, Y.mergeUpdates(rows.map((row) => row.data)))
    statements.deleteUpTo.run(logId, last.seq)
    return sizeOf(logId)
  })

  const handle = (request: Request): unknown => {
    switch (request.op) {
      case "load": {
        const rows = statements.load.all(request.logId)
        let bytes = 0
        for (const row of rows) bytes += row.data.byteLength
        sizes.set(request.logId, { updates: rows.length, bytes })
        // Merged here, so the relay's event loop applies one update instead of every row (applying
        // rows one by one into its document costs a few times more than one merged update).
        const data =
          rows.length > 1 ? [Y.mergeUpdates(rows.map((row) => row.data))] : rows.map((row) => row.data)
        return { data, updates: rows.length, bytes }
      }
      case "commit":
        return commit(request.appends)
      case "compact": {
        const size = compact.immediate(request.logId)
        sizes.set(request.logId, size)
        return size
      }
      case "release":
        sizes.delete(request.logId)
        return undefined
      case "check":
        statements.health.run(new Date().toISOString())
        return true
      case "close":
        db.close()
        return undefined
      case "delete":
        statements.deleteLog.run(request.logId)
        sizes.delete(request.logId)
        return undefined
      case "credentials":
        return credentials(request.call)
    }
  }

  // The access tables (see `CredentialStore`): ids and times only.
  function credentialStatements(database: BetterSqlite3.Database) {
    const q = {
      deleted: database.prepare<[string, number], { until: number }>(
        "SELECT until FROM deleted_logs WHERE log_id = ? AND until > ?"
      ),
      revoked: database.prepare<[string, string], { revoked_at: number | null }>(
        "SELECT revoked_at FROM credentials WHERE log_id = ? AND credential_id = ?"
      ),
      issue: database.prepare<[string, string, number]>(
        "INSERT INTO credentials (log_id, credential_id, expires_at) VALUES (?, ?, ?) " +
          "ON CONFLICT (log_id, credential_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)"
      ),
      seen: database.prepare<[string, string, number, number]>(
        "INSERT INTO credentials (log_id, credential_id, expires_at, last_seen) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (log_id, credential_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at), " +
          "last_seen = max(coalesce(last_seen, 0), excluded.last_seen)"
      ),
      // Only one revocation of an id can match, whichever process (the CLI, a relay) races it.
      revoke: database.prepare<[number, string, string]>(
        "UPDATE credentials SET revoked_at = ? WHERE log_id = ? AND credential_id = ? AND revoked_at IS NULL"
      ),
      list: database.prepare<
        [string],
        { credential_id: string; expires_at: number; last_seen: number | null; revoked_at: number | null }
      >(
        "SELECT credential_id, expires_at, last_seen, revoked_at FROM credentials WHERE log_id = ? ORDER BY credential_id"
      ),
      useJoin: database.prepare<[string, string, number]>(
        "INSERT INTO used_joins (log_id, join_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
      ),
      forget: database.prepare<[string]>("DELETE FROM credentials WHERE log_id = ?"),
      forgetJoins: database.prepare<[string]>("DELETE FROM used_joins WHERE log_id = ?"),
      markDeleted: database.prepare<[string, number, number]>(
        "INSERT INTO deleted_logs (log_id, deleted_at, until) VALUES (?, ?, ?) " +
          "ON CONFLICT (log_id) DO UPDATE SET until = max(until, excluded.until)"
      ),
      revokedSince: database.prepare<[number], { log_id: string; credential_id: string }>(
        "SELECT log_id, credential_id FROM credentials WHERE revoked_at >= ?"
      ),
      deletedSince: database.prepare<[number], { log_id: string }>(
        "SELECT log_id FROM deleted_logs WHERE deleted_at >= ?"
      ),
      sweepCredentials: database.prepare<[number]>("DELETE FROM credentials WHERE expires_at <= ?"),
      sweepJoins: database.prepare<[number]>("DELETE FROM used_joins WHERE expires_at <= ?"),
      sweepDeleted: database.prepare<[number]>("DELETE FROM deleted_logs WHERE until <= ?")
    }
    const revoke = database.transaction(
      (logId: string, credentialId: string, at: number, expiresAt: number): boolean => {
        q.issue.run(logId, credentialId, expiresAt)
        return q.revoke.run(at, logId, credentialId).changes === 1
      }
    )
    const deleteLog = database.transaction((logId: string, at: number, until: number) => {
      q.forget.run(logId)
      q.forgetJoins.run(logId)
      q.markDeleted.run(logId, at, until)
    })
    return (call: CredentialCall): unknown => {
      switch (call.fn) {
        case "status": {
          if (q.deleted.get(call.logId, Math.floor(Date.now() / 1000)) !== undefined) return "log-deleted"
          if (call.credentialId === undefined) return "ok"
          const row = q.revoked.get(call.logId, call.credentialId)
          return row?.revoked_at == null ? "ok" : "revoked"
        }
        case "issue":
          q.issue.run(call.logId, call.credentialId, call.expiresAt)
          return undefined
        case "seen":
          // A connection that closes after its log was deleted must not bring its credential back.
          if (q.deleted.get(call.logId, Math.floor(Date.now() / 1000)) !== undefined) return undefined
          q.seen.run(call.logId, call.credentialId, call.expiresAt, call.at)
          return undefined
        case "revoke":
          // IMMEDIATE: the write lock first, so another process's revocation waits for this one.
          return revoke.immediate(call.logId, call.credentialId, call.at, call.expiresAt)
        case "list":
          return q.list.all(call.logId).map((row) => ({
            credentialId: row.credential_id,
            expiresAt: row.expires_at,
            lastSeen: row.last_seen ?? undefined,
            revokedAt: row.revoked_at ?? undefined
          }))
        case "useJoin":
          return q.useJoin.run(call.logId, call.joinId, call.expiresAt).changes === 1
        case "deleteLog":
          deleteLog(call.logId, call.at, call.until)
          return undefined
        case "changes":
          return [
            ...q.revokedSince
              .all(call.since)
              .map((row) => ({ kind: "revoked", logId: row.log_id, credentialId: row.credential_id })),
            ...q.deletedSince.all(call.since).map((row) => ({ kind: "deleted", logId: row.log_id }))
          ]
        case "sweep":
          q.sweepCredentials.run(call.now)
          q.sweepJoins.run(call.now)
          q.sweepDeleted.run(call.now)
          return undefined
      }
    }
  }

  const failed = (id: number, error: unknown): Reply => {
    const { message, code } = error as { message?: unknown; code?: unknown }
    return {
      id,
      ok: false,
      message: typeof message === "string" ? message : String(error),
      code: typeof code === "string" ? code : undefined
    }
  }

  const answer = (request: Request): void => {
    let reply: Reply
    try {
      reply = { id: request.id, ok: true, value: handle(request) }
    } catch (error) {
      reply = failed(request.id, error)
    }
    port.postMessage(reply)
    if (request.op === "close") port.close()
  }

  // Group commit across requests: the commits that arrived while the previous transaction was on
  // its way to the disk are waiting in the port; they go into one transaction (one fsync), and each
  // is answered once it returned. A request of another kind ends the group and is answered after
  // it, so requests are still handled in the order they were sent.
  const commitGroup = (first: Extract<Request, { op: "commit" }>): Request | undefined => {
    const group = [first]
    let next: Request | undefined
    for (;;) {
      const received = receiveMessageOnPort(port) as { message: Request } | undefined
      if (received === undefined) break
      if (received.message.op !== "commit") {
        next = received.message
        break
      }
      group.push(received.message)
    }
    let sizes: Array<Size>
    try {
      sizes = commit(group.length === 1 ? first.appends : group.flatMap((request) => request.appends))
    } catch (error) {
      for (const request of group) port.postMessage(failed(request.id, error))
      return next
    }
    let at = 0
    for (const request of group) {
      const value = sizes.slice(at, at + request.appends.length)
      at += request.appends.length
      port.postMessage({ id: request.id, ok: true, value } satisfies Reply)
    }
    return next
  }

  port.on("message", (request: Request) => {
    if (request.op !== "commit") return answer(request)
    const next = commitGroup(request)
    if (next !== undefined) answer(next)
  })
}
