/**
 * The `relactation-relay` command line: `serve`, `token`, and the access commands of
 * `AccessCli.ts` (`invite`, `devices`, `revoke`, `delete`), `migrate` and `serve --store` of
 * `PostgresCli.ts`; flag parsing is `CliArgs.ts`. Every flag can also come from the
 * environment (flags win), so the relay runs the same under systemd, Docker or a shell. Usage errors
 * exit with 2 and say which flag and which rule.
 */
import { isIP } from "node:net"
import { isLogId } from "@relactation/core/protocol"
import type { RelayLimits } from "../Limits.js"
import { createRelay } from "../Relay.js"
import { mintCredential } from "../Token.js"
import { ACCESS_USAGE, accessCommands, STORE_CHOICE, signingSecret, withStore } from "./AccessCli.js"
import { BUS_FLAGS, BUS_USAGE, busUrl, openBus } from "./BusCli.js"
import type { TrustProxy } from "./ClientAddress.js"
import { type Env, parse, parseDuration, pick, secretFor, sharedSecret, UsageError } from "./CliArgs.js"
import { type CliTools, migrateCommand, openStore, POSTGRES_USAGE, STORE_FLAGS } from "./PostgresCli.js"

export { parseDuration } from "./CliArgs.js"

export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

const USAGE = `Usage:
  relactation-relay serve [--host 127.0.0.1] [--port 1234] [--data ./relay-data] [limits...]
  relactation-relay token <logId> [--ttl 30d] [--data ./relay-data | --store postgres://…]
  relactation-relay migrate --from ./relay-data --to postgres://…
${ACCESS_USAGE}
Environment: RELAY_HOST, RELAY_PORT, RELAY_DATA, RELAY_SECRET (default: a secret generated in the
data folder; required with a Postgres store, where every process signs with it), RELAY_STORE, and RELAY_<LIMIT> for each limit flag (e.g. RELAY_MAX_CONNECTIONS_PER_LOG). Flags win.

Limits (serve):
  --max-message-bytes 1MiB     --max-connections-per-log 16   --max-connections 10000
  --max-log-bytes 64MiB        --idle-timeout 30s             --rate-per-ip 120 (per minute)
  --compact-after 500 (rows)   --unload-after 5s              --max-awareness-clients 8
  --max-queued-bytes 8MiB      --sync-requests-per-minute 10  --awareness-queries-per-minute 10
  --updates-per-minute 3000    --max-awareness-state-bytes 16KiB --max-awareness-bytes-per-log 256KiB
  --max-pending-bytes 64KiB    --max-sockets-per-address 256  --max-sockets 11000
  --headers-timeout 10s
Other (serve): --synchronous full|normal
  --trust-proxy               one reverse proxy in front: the client is the X-Forwarded-For entry it added
  --trusted-proxies 2|a,b     that many proxies in front, or the proxies' addresses
${POSTGRES_USAGE}${BUS_USAGE}`

const SIZE = /^(\d+)(B|KiB|K|MiB|M|GiB|G)?$/
const SIZE_UNIT: Record<string, number> = {
  B: 1,
  K: 1024,
  KiB: 1024,
  M: 1024 ** 2,
  MiB: 1024 ** 2,
  G: 1024 ** 3,
  GiB: 1024 ** 3
}

const parseSize = (name: string, value: string): number => {
  const match = SIZE.exec(value.trim())
  if (match === null)
    throw new UsageError(`${name} must be a size like 1048576, 512KiB or 64MiB (got "${value}")`)
  const bytes = Number(match[1]) * (SIZE_UNIT[match[2] ?? "B"] ?? 1)
  if (!(bytes > 0)) throw new UsageError(`${name} must be greater than zero`)
  return bytes
}

const parseCount = (name: string, value: string, min = 1): number => {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UsageError(`${name} must be a whole number >= ${min} (got "${value}")`)
  }
  return Number(value)
}

const parsePort = (value: string): number => {
  const port = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!(port >= 0 && port <= 65_535))
    throw new UsageError(`--port must be a whole number from 0 to 65535 (got "${value}")`)
  return port
}

const LIMIT_FLAGS: ReadonlyArray<{
  readonly flag: string
  readonly limit: keyof RelayLimits
  readonly parse: (name: string, value: string) => number
}> = [
  { flag: "max-message-bytes", limit: "maxMessageBytes", parse: parseSize },
  { flag: "max-connections-per-log", limit: "maxConnectionsPerLog", parse: (n, v) => parseCount(n, v) },
  { flag: "max-connections", limit: "maxConnections", parse: (n, v) => parseCount(n, v) },
  { flag: "max-log-bytes", limit: "maxLogBytes", parse: parseSize },
  { flag: "idle-timeout", limit: "idleTimeoutMs", parse: (n, v) => parseDuration(n, v, "ms") },
  { flag: "rate-per-ip", limit: "connectionsPerIpPerMinute", parse: (n, v) => parseCount(n, v) },
  { flag: "compact-after", limit: "compactAfterUpdates", parse: (n, v) => parseCount(n, v) },
  {
    flag: "max-awareness-clients",
    limit: "maxAwarenessClientsPerConnection",
    parse: (n, v) => parseCount(n, v)
  },
  { flag: "max-queued-bytes", limit: "maxQueuedBytesPerConnection", parse: parseSize },
  { flag: "sync-requests-per-minute", limit: "syncRequestsPerMinute", parse: (n, v) => parseCount(n, v) },
  {
    flag: "awareness-queries-per-minute",
    limit: "awarenessQueriesPerMinute",
    parse: (n, v) => parseCount(n, v)
  },
  { flag: "updates-per-minute", limit: "updatesPerMinute", parse: (n, v) => parseCount(n, v) },
  { flag: "max-awareness-state-bytes", limit: "maxAwarenessStateBytes", parse: parseSize },
  { flag: "max-awareness-bytes-per-log", limit: "maxAwarenessBytesPerLog", parse: parseSize },
  { flag: "max-pending-bytes", limit: "maxPendingBytes", parse: parseSize },
  { flag: "max-sockets-per-address", limit: "maxSocketsPerAddress", parse: (n, v) => parseCount(n, v) },
  { flag: "max-sockets", limit: "maxSockets", parse: (n, v) => parseCount(n, v) },
  { flag: "headers-timeout", limit: "headersTimeoutMs", parse: (n, v) => parseDuration(n, v, "ms") },
  {
    flag: "unload-after",
    limit: "unloadAfterMs",
    parse: (n, v) => (v.trim() === "0" ? 0 : parseDuration(n, v, "ms"))
  }
]

/**
 * `--trust-proxy` alone means one proxy; `--trusted-proxies` (or `RELAY_TRUSTED_PROXIES`, or
 * `RELAY_TRUST_PROXY`) takes a count or a comma-separated list of the proxies' addresses.
 */
const parseTrustProxy = (flag: boolean, value: string | undefined): TrustProxy => {
  const text = value?.trim() ?? ""
  if (text === "" || text === "false" || text === "0") return flag
  if (text === "true") return true
  if (/^\d+$/.test(text)) {
    const count = Number(text)
    if (count > 16)
      throw new UsageError(
        `--trusted-proxies must be a count from 0 to 16 or a list of addresses (got "${value}")`
      )
    return count
  }
  const list = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
  if (list.some((entry) => !isIP(entry.replace(/^\[|\]$/g, ""))))
    throw new UsageError(
      `--trusted-proxies must be a count or a comma-separated list of IP addresses (got "${value}")`
    )
  return list
}

const tools: CliTools = { parse, pick, usage: (message) => new UsageError(message), parseDuration }

const jsonLine = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`)
}

const serve = async (args: ReadonlyArray<string>, env: Env, io: CliIo): Promise<number> => {
  const options: Record<string, { type: "string" | "boolean" }> = {
    host: { type: "string" },
    port: { type: "string" },
    data: { type: "string" },
    synchronous: { type: "string" },
    "trust-proxy": { type: "boolean" },
    "trusted-proxies": { type: "string" }
  }
  for (const { flag } of LIMIT_FLAGS) options[flag] = { type: "string" }
  Object.assign(options, STORE_FLAGS, BUS_FLAGS)
  const { values, positionals } = parse(args, options)
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments (got "${positionals[0]}")`)
  const host = pick(values, env, "host") ?? "127.0.0.1"
  const portText = pick(values, env, "port")
  const port = portText === undefined ? 1234 : parsePort(portText)
  const dataDir = pick(values, env, "data") ?? "./relay-data"
  const synchronous = pick(values, env, "synchronous") ?? "full"
  if (synchronous !== "full" && synchronous !== "normal") {
    throw new UsageError(`--synchronous must be "full" or "normal" (got "${synchronous}")`)
  }
  const limits: Partial<Record<keyof RelayLimits, number>> = {}
  for (const { flag, limit, parse: parseLimit } of LIMIT_FLAGS) {
    const value = pick(values, env, flag)
    if (value !== undefined) limits[limit] = parseLimit(`--${flag}`, value)
  }
  const trustProxy = parseTrustProxy(
    values["trust-proxy"] === true,
    pick(values, env, "trusted-proxies") ?? env.RELAY_TRUST_PROXY
  )

  // A bus without a shared store is a usage error, found before anything is opened.
  const busAt = busUrl(tools, values, env)
  const secret =
    pick(values, env, "store") === undefined ? secretFor(env, dataDir) : sharedSecret(env, "serve")
  // The store first, then the bus: if either cannot be opened, no port is bound and nothing else
  // has started.
  const storage = await openStore(tools, values, env)
  const bus = await openBus(busAt, storage, jsonLine).catch(async (error: unknown) => {
    await storage?.close()
    throw error
  })
  const relay = await createRelay({
    host,
    port,
    dataDir,
    secret,
    limits,
    synchronous,
    trustProxy,
    ...(storage === undefined ? {} : { storage }),
    ...(bus === undefined ? {} : { bus })
  }).catch(async (error: unknown) => {
    await bus?.close()
    await storage?.close()
    throw error
  })
  // The relay's own "listening" log line (JSON, with host, port and url) tells scripts where it is.
  return new Promise<number>((resolve) => {
    let stopping = false
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal means "now": skip the graceful part.
        process.exit(1)
      }
      stopping = true
      io.stderr(`relactation-relay: ${signal} received, shutting down\n`)
      relay
        .close()
        .then(() => bus?.close())
        .then(() => storage?.close())
        .then(
          () => resolve(0),
          () => resolve(1)
        )
    }
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
  })
}

const token = async (args: ReadonlyArray<string>, env: Env, io: CliIo): Promise<number> => {
  const { values, positionals } = parse(args, { ttl: { type: "string" }, ...STORE_CHOICE })
  const [logId, ...rest] = positionals
  if (logId === undefined) throw new UsageError("token needs a <logId>")
  if (rest.length > 0) throw new UsageError(`token takes one <logId> (got also "${rest[0]}")`)
  if (!isLogId(logId)) throw new UsageError("<logId> must be 8-64 characters of [A-Za-z0-9_-]")
  const ttl = pick(values, env, "ttl")
  const ttlSeconds = ttl === undefined ? undefined : Math.ceil(parseDuration("--ttl", ttl, "s") / 1000)
  // A device credential of its own (v2); the relay records it at its first use, a shared store now
  // (so `devices` lists it at once).
  const credential = mintCredential(
    signingSecret(values, env, "token"),
    logId,
    ttlSeconds === undefined ? {} : { ttlSeconds }
  )
  if (pick(values, env, "store") !== undefined)
    await withStore(values, env, (store) =>
      store.credentials.issue(logId, credential.credentialId, credential.expiresAt)
    )
  io.stdout(`${credential.token}\n`)
  return 0
}

/** Runs the CLI and resolves with the exit code. */
export const runCli = async (argv: ReadonlyArray<string>, env: Env, io: CliIo): Promise<number> => {
  const [command, ...args] = argv
  try {
    switch (command) {
      case "serve":
        return await serve(args, env, io)
      case "token":
        return await token(args, env, io)
      case "invite":
      case "devices":
      case "revoke":
      case "delete":
        return await accessCommands[command](args, env, io)
      case "migrate":
        return await migrateCommand(args, env, io, tools)
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE)
        return 0
      case undefined:
        throw new UsageError("missing command")
      default:
        throw new UsageError(`unknown command "${command}"`)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`relactation-relay: ${error.message}\n\n${USAGE}`)
      return 2
    }
    const code = (error as { code?: unknown }).code
    io.stderr(
      `relactation-relay: ${error instanceof Error ? error.message : "failed"}${typeof code === "string" ? ` (${code})` : ""}\n`
    )
    return 1
  }
}
