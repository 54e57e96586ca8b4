/**
 * The Postgres side of the command line: `serve --store postgres://…` (and `RELAY_STORE`) opens the
 * shared store before the relay binds its port, so a bad URL, an unreachable server or a failed
 * migration exits 1 with nothing started; `migrate --from ./relay-data --to postgres://…` copies
 * every log of a SQLite data folder into Postgres and verifies each one. `Cli.ts` only dispatches
 * here; the helpers it passes keep one way of parsing flags and reporting usage errors.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import Database from "better-sqlite3"
import * as Y from "yjs"
import { PostgresStorage } from "../PostgresStorage.js"
import { DATABASE_FILE } from "../SqliteStorage.js"

type Env = Readonly<Record<string, string | undefined>>
type Values = Record<string, unknown>

/** What `Cli.ts` lends: its flag parser, its flag-or-environment lookup and its usage error. */
export interface CliTools {
  readonly parse: (
    args: ReadonlyArray<string>,
    options: Record<string, { type: "string" | "boolean" }>
  ) => { values: Values; positionals: Array<string> }
  readonly pick: (values: Values, env: Env, flag: string) => string | undefined
  readonly usage: (message: string) => Error
  readonly parseDuration: (name: string, value: string, defaultUnit: "ms" | "s") => number
}

export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

/** The lines `--help` shows for these flags and the `migrate` command. */
export const POSTGRES_USAGE = `Store (serve): --store postgres://user:password@host:5432/database   (RELAY_STORE; default: SQLite in --data)
  --store-pool-size 10        connections to Postgres per process
  --store-statement-timeout 10s   Postgres cancels a statement running longer (the update is refused, not lost)
  Exit code 1 with the reason when the URL is wrong, the server unreachable or the migration fails.
Migrate: relactation-relay migrate --from ./relay-data --to postgres://…
  copies every log of the SQLite data folder into Postgres, checks each (same Yjs state vector), prints
  the count; exit 1 naming the first log that differs. Run it before the relays start on Postgres.
`

/** The `serve` flags this module reads. */
export const STORE_FLAGS: Record<string, { type: "string" }> = {
  store: { type: "string" },
  "store-pool-size": { type: "string" },
  "store-statement-timeout": { type: "string" }
}

const poolSizeOf = (tools: CliTools, values: Values, env: Env): number | undefined => {
  const text = tools.pick(values, env, "store-pool-size")
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 1000)
    throw tools.usage(`--store-pool-size must be a whole number from 1 to 1000 (got "${text}")`)
  return Number(text)
}

/**
 * The Postgres store `serve` was asked for (connected and migrated), or undefined for the SQLite
 * default. Rejects naming what failed; then nothing is open.
 */
export const openStore = async (
  tools: CliTools,
  values: Values,
  env: Env
): Promise<PostgresStorage | undefined> => {
  const url = tools.pick(values, env, "store")
  const poolSize = poolSizeOf(tools, values, env)
  const timeout = tools.pick(values, env, "store-statement-timeout")
  const statementTimeoutMs =
    timeout === undefined ? undefined : tools.parseDuration("--store-statement-timeout", timeout, "ms")
  if (url === undefined) {
    if (poolSize !== undefined || statementTimeoutMs !== undefined)
      throw tools.usage("--store-pool-size and --store-statement-timeout need --store postgres://…")
    return undefined
  }
  return PostgresStorage.open({
    url,
    ...(poolSize === undefined ? {} : { poolSize }),
    ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs })
  })
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])

/** `relactation-relay migrate --from ./relay-data --to postgres://…`. */
export const migrateCommand = async (
  args: ReadonlyArray<string>,
  env: Env,
  io: CliIo,
  tools: CliTools
): Promise<number> => {
  const { values, positionals } = tools.parse(args, { from: { type: "string" }, to: { type: "string" } })
  if (positionals.length > 0) throw tools.usage(`migrate takes no arguments (got "${positionals[0]}")`)
  const from = typeof values.from === "string" ? values.from : undefined
  const to = typeof values.to === "string" ? values.to : env.RELAY_STORE || undefined
  if (from === undefined) throw tools.usage("migrate needs --from <the SQLite data folder>")
  if (to === undefined) throw tools.usage("migrate needs --to postgres://…")
  const file = join(from, DATABASE_FILE)
  if (!existsSync(file)) throw new Error(`no relay database at ${file}`)
  const source = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const target = await PostgresStorage.open({ url: to })
    try {
      const logIds = source
        .prepare<[], { log_id: string }>("SELECT DISTINCT log_id FROM updates ORDER BY log_id")
        .all()
        .map((row) => row.log_id)
      const rowsOf = source.prepare<[string], { data: Uint8Array }>(
        "SELECT data FROM updates WHERE log_id = ? ORDER BY seq"
      )
      let updates = 0
      let copied = 0
      for (const logId of logIds) {
        const rows = rowsOf.all(logId).map((row) => row.data)
        updates += rows.length
        const merged = Y.mergeUpdates(rows)
        const wanted = Y.encodeStateVectorFromUpdate(merged)
        const stateOf = async () => {
          const stored = await target.load(logId)
          return stored.data.length === 0
            ? Y.encodeStateVector(new Y.Doc())
            : Y.encodeStateVectorFromUpdate(Y.mergeUpdates([...stored.data]))
        }
        // A log already there with the same state (a second run) is not copied again; appending it
        // again would be harmless (Yjs merges idempotently) but would grow the table.
        if (!sameBytes(await stateOf(), wanted)) {
          await target.append(logId, merged)
          copied++
        }
        if (!sameBytes(await stateOf(), wanted)) {
          io.stderr(`relactation-relay: migrate: log ${logId} differs after the copy (state vector)\n`)
          return 1
        }
      }
      io.stdout(
        `migrated ${logIds.length} logs (${updates} SQLite rows; ${copied} copied, ${logIds.length - copied} already there) from ${file} to ${target.target}; every log verified (same state vector)\n`
      )
      return 0
    } finally {
      await target.close()
    }
  } finally {
    source.close()
  }
}
