/**
 * The Postgres schema of the relay and its migrations. `relactation_schema` holds the version; each
 * start takes a transaction-scoped advisory lock, so two relay processes starting at once migrate
 * one after the other, and runs whatever migrations the database has not had yet, each in the same
 * transaction as its version bump: a failed migration leaves the previous version intact.
 */
import type { PoolClient } from "pg"

/** First key of every advisory lock the relay takes (ASCII "RLAC"), so it never meets an app's. */
export const LOCK_NAMESPACE = 0x524c4143
/** Second key of the migration lock (log locks use `hashtext(log_id)`). */
const MIGRATION_LOCK = 0

/**
 * One migration per version, in order: index 0 brings an empty database to version 1.
 *
 * - `relactation_logs`: one counter row per log: the highest sequence number given out, and the
 *   number and total size of the rows stored. Every append updates it in its own transaction, so
 *   concurrent appends to one log (from any process) serialize on that row and get gapless numbers.
 * - `relactation_updates`: the Yjs updates, keyed by log and sequence number. A compacted row holds
 *   everything up to its own sequence number.
 *
 * Version 2 adds the access tables of `PostgresCredentials` (ids and times only, nothing from a log):
 * - `relactation_credentials`: per log, each credential id issued or seen, its latest expiry, when
 *   it was last seen and when it was revoked;
 * - `relactation_used_joins`: the join ids already exchanged, until they expire;
 * - `relactation_deleted_logs`: logs deleted, refused until `until`.
 * A version-1 database gets them in place; its logs and updates are untouched.
 */
const MIGRATIONS: ReadonlyArray<string> = [
  `CREATE TABLE relactation_logs (
     log_id text PRIMARY KEY,
     seq bigint NOT NULL,
     updates bigint NOT NULL,
     bytes bigint NOT NULL
   );
   CREATE TABLE relactation_updates (
     log_id text NOT NULL,
     seq bigint NOT NULL,
     data bytea NOT NULL,
     PRIMARY KEY (log_id, seq)
   );`,
  `CREATE TABLE relactation_credentials (
     log_id text NOT NULL,
     credential_id text NOT NULL,
     expires_at bigint NOT NULL,
     last_seen bigint,
     revoked_at bigint,
     PRIMARY KEY (log_id, credential_id)
   );
   CREATE INDEX relactation_credentials_expiry ON relactation_credentials (expires_at);
   CREATE INDEX relactation_credentials_revoked ON relactation_credentials (revoked_at)
     WHERE revoked_at IS NOT NULL;
   CREATE TABLE relactation_used_joins (
     log_id text NOT NULL,
     join_id text NOT NULL,
     expires_at bigint NOT NULL,
     PRIMARY KEY (log_id, join_id)
   );
   CREATE INDEX relactation_used_joins_expiry ON relactation_used_joins (expires_at);
   CREATE TABLE relactation_deleted_logs (
     log_id text PRIMARY KEY,
     deleted_at bigint NOT NULL,
     until bigint NOT NULL
   );`
]

/** The schema version this relay writes. */
export const SCHEMA_VERSION = MIGRATIONS.length

/** A migration (or the version check) failed; `step` says which. */
export class MigrationError extends Error {
  override readonly name = "MigrationError"
  readonly step: string
  constructor(step: string, message: string) {
    super(`Postgres schema ${step} failed: ${message}`)
    this.step = step
  }
}

const messageOf = (error: unknown): string => {
  if (!(error instanceof Error)) return "unknown error"
  const code = (error as { code?: unknown }).code
  return typeof code === "string" ? `${error.message} (${code})` : error.message
}

/** Creates or migrates the schema; resolves with the version before, rejects with `MigrationError`. */
export const migrate = async (client: PoolClient): Promise<number> => {
  let step = "lock"
  try {
    await client.query("BEGIN")
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_NAMESPACE, MIGRATION_LOCK])
    step = "version table"
    await client.query("CREATE TABLE IF NOT EXISTS relactation_schema (version integer NOT NULL)")
    const rows = (await client.query<{ version: number }>("SELECT version FROM relactation_schema")).rows
    const before = rows[0]?.version ?? 0
    if (rows.length > 1) throw new Error(`relactation_schema holds ${rows.length} rows, expected one`)
    if (before > SCHEMA_VERSION) {
      throw new Error(`the database is at version ${before}, newer than this relay's ${SCHEMA_VERSION}`)
    }
    for (let version = before + 1; version <= SCHEMA_VERSION; version++) {
      step = `migration to version ${version}`
      await client.query(MIGRATIONS[version - 1] as string)
    }
    if (before === 0)
      await client.query("INSERT INTO relactation_schema (version) VALUES ($1)", [SCHEMA_VERSION])
    else if (before < SCHEMA_VERSION)
      await client.query("UPDATE relactation_schema SET version = $1", [SCHEMA_VERSION])
    await client.query("COMMIT")
    return before
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {})
    throw new MigrationError(step, messageOf(error))
  }
}
