/**
 * The operator's access commands: `invite` (a join token for a new device), `devices` (a log's
 * credential ids and when each was last seen), `revoke` (remove one device) and `delete` (remove a
 * log from the store). They work on the relay's database directly, also while `serve` runs on it:
 * the relay hears a revocation or deletion within a second (it polls the file) and closes the
 * matching connections. Output holds ids and times only.
 */
import { join } from "node:path"
import { isCredentialId, isLogId } from "@relactation/core/protocol"
import { DATABASE_FILE, SqliteStorage } from "../SqliteStorage.js"
import { MAX_TOKEN_TTL_SECONDS, mintJoinToken } from "../Token.js"
import { type Env, parse, parseDuration, pick, secretFor, UsageError } from "./CliArgs.js"

interface Io {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

export const ACCESS_USAGE = `  relactation-relay invite <logId> [--ttl 24h] [--data ./relay-data]
  relactation-relay devices <logId> [--data ./relay-data]
  relactation-relay revoke <logId> <credentialId> [--data ./relay-data]
  relactation-relay delete <logId> [--data ./relay-data]
`

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

const withStore = async <A>(
  values: Record<string, unknown>,
  env: Env,
  use: (store: SqliteStorage) => Promise<A>
) => {
  const dataDir = pick(values, env, "data") ?? "./relay-data"
  const store = SqliteStorage.open({ file: join(dataDir, DATABASE_FILE) })
  try {
    return await use(store)
  } finally {
    await store.close()
  }
}

const iso = (seconds: number | undefined): string =>
  seconds === undefined ? "never" : new Date(seconds * 1000).toISOString()

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

const invite = async (args: ReadonlyArray<string>, env: Env, io: Io): Promise<number> => {
  const { values, positionals } = parse(args, { ttl: { type: "string" }, data: { type: "string" } })
  const [logId] = logIdOf("invite", positionals, 1) as [string]
  const ttl = pick(values, env, "ttl")
  const ttlSeconds = ttl === undefined ? undefined : Math.ceil(parseDuration("--ttl", ttl, "s") / 1000)
  const dataDir = pick(values, env, "data") ?? "./relay-data"
  let token: string
  try {
    token = mintJoinToken(
      secretFor(env, dataDir),
      logId,
      ttlSeconds === undefined ? {} : { ttlSeconds }
    ).token
  } catch (error) {
    throw new UsageError(
      `--ttl ${error instanceof Error ? error.message.replace(/^mintJoinToken: /, "") : ""}`
    )
  }
  io.stdout(`${token}\n`)
  return 0
}

const devices = async (args: ReadonlyArray<string>, env: Env, io: Io): Promise<number> => {
  const { values, positionals } = parse(args, { data: { type: "string" } })
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
  const { values, positionals } = parse(args, { data: { type: "string" } })
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
  const { values, positionals } = parse(args, { data: { type: "string" } })
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
