/**
 * The operator's access commands: `invite` (a join token for a new device), `devices` (a log's
 * credential ids and when each was last seen), `revoke` (remove one device) and `delete` (remove a
 * log from the store). They work on the relay's database directly, also while `serve` runs on it:
 * the SQLite file in `--data` (the relay polls it), or with `--store postgres://…` (`RELAY_STORE`)
 * the database every relay process shares (they hear it through `LISTEN`/`NOTIFY`); within a second
 * the relays close the matching connections. With a Postgres store, what signs a token needs
 * `RELAY_SECRET` (the deployment's one secret). Output holds ids and times only.
 */
import { join } from "node:path"
import { isCredentialId, isLogId } from "@relactation/core/protocol"
import type { CredentialStore } from "../Credentials.js"
import { PostgresStorage } from "../PostgresStorage.js"
import { DATABASE_FILE, SqliteStorage } from "../SqliteStorage.js"
import { MAX_TOKEN_TTL_SECONDS, mintJoinToken } from "../Token.js"
import { type Env, parse, parseDuration, pick, secretFor, sharedSecret, UsageError } from "./CliArgs.js"

interface Io {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

export const ACCESS_USAGE = `  relactation-relay invite <logId> [--ttl 24h] [--data ./relay-data | --store postgres://…]
  relactation-relay devices <logId> [--data ./relay-data | --store postgres://…]
  relactation-relay revoke <logId> <credentialId> [--data ./relay-data | --store postgres://…]
  relactation-relay delete <logId> [--data ./relay-data | --store postgres://…]
`

/** The flags every access command (and \`token\`) takes to find the store. */
export const STORE_CHOICE = { data: { type: "string" }, store: { type: "string" } } as const

/** What the commands need of a store: its credentials, deleting a log, closing. */
interface AccessStore {
  readonly credentials: CredentialStore
  delete(logId: string): Promise<void>
  close(): Promise<void>
}

const logIdOf = (command: string, positionals: ReadonlyArray<string>, count: number): Array<string> => {
  const [logId] = positionals
  if (logId === undefined) throw new UsageError(`${command} needs a <logId>`)
  if (!isLogId(logId)) throw new UsageError("<logId> must be 8-64 characters of [A-Za-z0-9_-]")
  if (positionals.length > count)
    throw new UsageError(
      `${command} takes ${count === 1 ? "one <logId>" : "<logId> <credentialId>"} (got also "${positionals[count]}")`
    )
  return [...positionals]
}

/** The Postgres URL the command was given (`--store`, `RELAY_STORE`), if any. */
const storeUrl = (values: Record<string, unknown>, env: Env): string | undefined => pick(values, env, "store")

/** Opens the store the command works on (Postgres with `--store`, else the SQLite file in `--data`). */
export const withStore = async <A>(
  values: Record<string, unknown>,
  env: Env,
  use: (store: AccessStore) => Promise<A>
) => {
  const url = storeUrl(values, env)
  const store: AccessStore =
    url === undefined
      ? SqliteStorage.open({ file: join(pick(values, env, "data") ?? "./relay-data", DATABASE_FILE) })
      : await PostgresStorage.open({ url, poolSize: 2 })
  try {
    return await use(store)
  } finally {
    await store.close()
  }
}

const iso = (seconds: number | undefined): string =>
  seconds === undefined ? "never" : new Date(seconds * 1000).toISOString()

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/**
 * The secret a signing command uses: with a Postgres store only `RELAY_SECRET` (exit 1 without
 * it), else `RELAY_SECRET` or the data folder's secret file.
 */
export const signingSecret = (values: Record<string, unknown>, env: Env, command: string): string =>
  storeUrl(values, env) === undefined
    ? secretFor(env, pick(values, env, "data") ?? "./relay-data")
    : sharedSecret(env, command)

const invite = async (args: ReadonlyArray<string>, env: Env, io: Io): Promise<number> => {
  const { values, positionals } = parse(args, { ttl: { type: "string" }, ...STORE_CHOICE })
  const [logId] = logIdOf("invite", positionals, 1) as [string]
  const ttl = pick(values, env, "ttl")
  const ttlSeconds = ttl === undefined ? undefined : Math.ceil(parseDuration("--ttl", ttl, "s") / 1000)
  const secret = signingSecret(values, env, "invite")
  let token: string
  try {
    token = mintJoinToken(secret, logId, ttlSeconds === undefined ? {} : { ttlSeconds }).token
  } catch (error) {
    throw new UsageError(
      `--ttl ${error instanceof Error ? error.message.replace(/^mintJoinToken: /, "") : ""}`
    )
  }
  // On a shared store the log's state is at hand: no invite into a deleted log.
  if (storeUrl(values, env) !== undefined) {
    const status = await withStore(values, env, (store) => store.credentials.status(logId, undefined))
    if (status === "log-deleted") throw new Error(`log ${logId} was deleted: no device can join it`)
  }
  io.stdout(`${token}\n`)
  return 0
}

const devices = async (args: ReadonlyArray<string>, env: Env, io: Io): Promise<number> => {
  const { values, positionals } = parse(args, STORE_CHOICE)
  const [logId] = logIdOf("devices", positionals, 1) as [string]
  const listed = await withStore(values, env, (store) => store.credentials.list(logId))
  io.stdout("credential-id\tlast-seen\texpires\tstatus\n")
  for (const device of listed) {
    const status = device.revokedAt === undefined ? "active" : `revoked ${iso(device.revokedAt)}`
    io.stdout(`${device.credentialId}\t${iso(device.lastSeen)}\t${iso(device.expiresAt)}\t${status}\n`)
  }
  return 0
}

const revoke = async (args: ReadonlyArray<string>, env: Env, io: Io): Promise<number> => {
  const { values, positionals } = parse(args, STORE_CHOICE)
  const [logId, credentialId] = logIdOf("revoke", positionals, 2) as [string, string | undefined]
  if (credentialId === undefined) throw new UsageError("revoke needs a <credentialId> (see devices <logId>)")
  if (!isCredentialId(credentialId))
    throw new UsageError("<credentialId> must be 22 characters of [A-Za-z0-9_-]")
  const fresh = await withStore(values, env, async (store) => {
    const known = (await store.credentials.list(logId)).find((entry) => entry.credentialId === credentialId)
    const now = nowSeconds()
    return store.credentials.revoke(logId, credentialId, now, known?.expiresAt ?? now + MAX_TOKEN_TTL_SECONDS)
  })
  io.stdout(`${fresh ? "revoked" : "already revoked"} ${credentialId}\n`)
  return 0
}

const remove = async (args: ReadonlyArray<string>, env: Env, io: Io): Promise<number> => {
  const { values, positionals } = parse(args, STORE_CHOICE)
  const [logId] = logIdOf("delete", positionals, 1) as [string]
  await withStore(values, env, async (store) => {
    const now = nowSeconds()
    // Marked deleted first, so no device is admitted (or brings the log back) while it goes.
    await store.credentials.deleteLog(logId, now, now + MAX_TOKEN_TTL_SECONDS + 86_400)
    await store.delete(logId)
  })
  io.stdout(`deleted ${logId}\n`)
  return 0
}

export const accessCommands: Readonly<
  Record<
    "invite" | "devices" | "revoke" | "delete",
    (args: ReadonlyArray<string>, env: Env, io: Io) => Promise<number>
  >
> = { invite, devices, revoke, delete: remove }
