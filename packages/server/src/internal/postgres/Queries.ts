/**
 * The statements `PostgresStorage` runs. A group commit is one statement (a data-modifying `WITH`):
 * Postgres runs it as one transaction, so one round trip and one WAL flush store a whole batch,
 * across logs, or nothing of it. Loads read rows and the counter in one statement, so they see one
 * snapshot: the highest sequence number returned is exactly what the rows cover.
 */
import type { Pool, PoolClient } from "pg"
import { LOCK_NAMESPACE } from "./Schema.js"

export interface Size {
  readonly updates: number
  readonly bytes: number
}

export interface Sequenced extends Size {
  readonly seq: number
}

export interface Rows extends Sequenced {
  readonly data: Array<Uint8Array>
}

export interface Append {
  readonly logId: string
  readonly update: Uint8Array
}

// Counters are bigint, which pg returns as text; they stay far below 2^53.
const num = (value: unknown): number => Number(value)

const GROUP_COMMIT = `
WITH counters AS (
  INSERT INTO relactation_logs AS l (log_id, seq, updates, bytes)
  SELECT * FROM unnest($1::text[], $2::bigint[], $2::bigint[], $3::bigint[])
  ON CONFLICT (log_id) DO UPDATE
    SET seq = l.seq + excluded.seq, updates = l.updates + excluded.updates, bytes = l.bytes + excluded.bytes
  RETURNING log_id, seq, updates, bytes
), batch AS (
  SELECT * FROM unnest($1::text[], $2::bigint[]) AS b(log_id, n)
), stored AS (
  INSERT INTO relactation_updates (log_id, seq, data)
  SELECT u.log_id, c.seq - b.n + u.ord, u.data
  FROM unnest($4::text[], $5::bigint[], $6::bytea[]) AS u(log_id, ord, data)
  JOIN counters c USING (log_id) JOIN batch b USING (log_id)
)
SELECT log_id, seq, updates, bytes FROM counters`

/**
 * Stores a batch in one transaction and returns, per append (in the batch's order), the log's
 * sequence number and size right after it. Log ids go in sorted, so two processes whose batches
 * share logs lock their counter rows in the same order and never deadlock.
 */
export const groupCommit = async (pool: Pool, appends: ReadonlyArray<Append>): Promise<Array<Sequenced>> => {
  const byLog = new Map<string, Array<number>>()
  for (const [i, { logId }] of appends.entries()) {
    const list = byLog.get(logId)
    if (list === undefined) byLog.set(logId, [i])
    else list.push(i)
  }
  const logIds = [...byLog.keys()].sort()
  const counts: Array<number> = []
  const totals: Array<number> = []
  const rowLogs: Array<string> = []
  const rowOrds: Array<number> = []
  const rowData: Array<Uint8Array> = []
  for (const logId of logIds) {
    const indexes = byLog.get(logId) as Array<number>
    let bytes = 0
    for (const [ord, index] of indexes.entries()) {
      const update = (appends[index] as Append).update
      bytes += update.byteLength
      rowLogs.push(logId)
      rowOrds.push(ord + 1)
      rowData.push(update)
    }
    counts.push(indexes.length)
    totals.push(bytes)
  }
  const result = await pool.query<{ log_id: string; seq: string; updates: string; bytes: string }>(
    GROUP_COMMIT,
    [logIds, counts, totals, rowLogs, rowOrds, rowData]
  )
  const after: Array<Sequenced> = new Array(appends.length)
  for (const row of result.rows) {
    const indexes = byLog.get(row.log_id) as Array<number>
    // Walk back from the log's counters after the batch to each append's own.
    let seq = num(row.seq)
    let updates = num(row.updates)
    let bytes = num(row.bytes)
    for (let k = indexes.length - 1; k >= 0; k--) {
      const index = indexes[k] as number
      after[index] = { seq, updates, bytes }
      seq--
      updates--
      bytes -= (appends[index] as Append).update.byteLength
    }
  }
  return after
}

const SINCE = `
SELECT l.seq AS head, l.updates, l.bytes, u.seq, u.data
FROM relactation_logs l LEFT JOIN relactation_updates u ON u.log_id = l.log_id AND u.seq > $2
WHERE l.log_id = $1
ORDER BY u.seq`

/** Rows with seq > after, with the log's highest seq and whole size, from one snapshot. */
export const since = async (pool: Pool, logId: string, after: number): Promise<Rows> => {
  const result = await pool.query<{
    head: string
    updates: string
    bytes: string
    seq: string | null
    data: Buffer | null
  }>(SINCE, [logId, after])
  const first = result.rows[0]
  if (first === undefined) return { data: [], seq: 0, updates: 0, bytes: 0 }
  const data: Array<Uint8Array> = []
  for (const row of result.rows) if (row.data !== null) data.push(row.data)
  return { data, seq: num(first.head), updates: num(first.updates), bytes: num(first.bytes) }
}

/** The log's size as counted on its counter row. */
export const sizeOf = async (client: Pool | PoolClient, logId: string): Promise<Size> => {
  const row = (
    await client.query<{ updates: string; bytes: string }>(
      "SELECT updates, bytes FROM relactation_logs WHERE log_id = $1",
      [logId]
    )
  ).rows[0]
  return row === undefined ? { updates: 0, bytes: 0 } : { updates: num(row.updates), bytes: num(row.bytes) }
}

/**
 * Replaces a log's rows by one merged row, in one transaction under the log's advisory lock (a
 * second compaction of the same log, from any process, waits and then merges what the first left).
 * Appends do not take that lock: their rows get sequence numbers above every row read here, so they
 * are neither read nor deleted, and survive. The merged row keeps the highest sequence number it
 * covers. `merge` runs while the transaction is open, off the event loop.
 */
export const compact = async (
  client: PoolClient,
  logId: string,
  merge: (updates: ReadonlyArray<Uint8Array>) => Promise<Uint8Array>
): Promise<Size> => {
  await client.query("BEGIN")
  try {
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_NAMESPACE, logId])
    const rows = (
      await client.query<{ seq: string; data: Buffer }>(
        "SELECT seq, data FROM relactation_updates WHERE log_id = $1 ORDER BY seq",
        [logId]
      )
    ).rows
    const last = rows[rows.length - 1]
    if (last === undefined || rows.length < 2) {
      const size = await sizeOf(client, logId)
      await client.query("COMMIT")
      return size
    }
    let removed = 0
    for (const row of rows) removed += row.data.byteLength
    const merged = await merge(rows.map((row) => row.data))
    const deleted = await client.query("DELETE FROM relactation_updates WHERE log_id = $1 AND seq <= $2", [
      logId,
      last.seq
    ])
    // Only rows read above may go: anything else means the rows changed under us, so keep them all.
    if (deleted.rowCount !== rows.length) {
      throw new Error(`compaction read ${rows.length} rows but would delete ${String(deleted.rowCount)}`)
    }
    await client.query("INSERT INTO relactation_updates (log_id, seq, data) VALUES ($1, $2, $3)", [
      logId,
      last.seq,
      merged
    ])
    const size = (
      await client.query<{ updates: string; bytes: string }>(
        "UPDATE relactation_logs SET updates = updates - $2, bytes = bytes - $3 WHERE log_id = $1 RETURNING updates, bytes",
        [logId, rows.length - 1, removed - merged.byteLength]
      )
    ).rows[0]
    await client.query("COMMIT")
    return size === undefined
      ? { updates: 0, bytes: 0 }
      : { updates: num(size.updates), bytes: num(size.bytes) }
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {})
    throw error
  }
}

/**
 * Removes every row of a log and its counter, in one transaction under the log's advisory lock (so
 * a compaction of it, from any process, finishes first or finds nothing).
 */
export const removeLog = async (client: PoolClient, logId: string): Promise<void> => {
  await client.query("BEGIN")
  try {
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_NAMESPACE, logId])
    await client.query("DELETE FROM relactation_updates WHERE log_id = $1", [logId])
    await client.query("DELETE FROM relactation_logs WHERE log_id = $1", [logId])
    await client.query("COMMIT")
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {})
    throw error
  }
}
