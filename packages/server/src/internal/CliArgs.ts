/**
 * What every `relactation-relay` command parses the same way: flags (strict), the environment
 * fallback `RELAY_<FLAG>`, durations, the secret, and the usage error that exits with 2. Shared by
 * `Cli.ts` and the command files beside it (`AccessCli.ts`, and those others add).
 */
import { parseArgs } from "node:util"
import { loadOrCreateSecret, secretWeakness } from "./Secret.js"

/** A usage error: exit code 2. */
export class UsageError extends Error {}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/
const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds from `500ms`, `45s`, `15m`, `12h`, `30d`; a bare number is `defaultUnit`. */
export const parseDuration = (name: string, value: string, defaultUnit: "ms" | "s"): number => {
  const match = DURATION.exec(value.trim())
  if (match === null)
    throw new UsageError(`${name} must be a duration like 30s, 15m, 12h or 30d (got "${value}")`)
  const ms = Number(match[1]) * (DURATION_UNIT_MS[match[2] ?? defaultUnit] ?? 1)
  if (!(ms > 0)) throw new UsageError(`${name} must be greater than zero`)
  return ms
}

export const envName = (flag: string): string => `RELAY_${flag.toUpperCase().replaceAll("-", "_")}`

export type Env = Readonly<Record<string, string | undefined>>

export const parse = (
  args: ReadonlyArray<string>,
  options: Record<string, { type: "string" | "boolean" }>
) => {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : "bad arguments")
  }
}

/** The flag's value, else the environment's, else undefined. */
export const pick = (values: Record<string, unknown>, env: Env, flag: string): string | undefined => {
  const value = values[flag]
  if (typeof value === "string") return value
  const fromEnv = env[envName(flag)]
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv
}

export const secretFor = (env: Env, dataDir: string): string => {
  const secret = env.RELAY_SECRET
  if (secret === undefined || secret === "") return loadOrCreateSecret(dataDir)
  const weakness = secretWeakness(secret)
  if (weakness !== undefined) throw new UsageError(`RELAY_SECRET ${weakness}`)
  return secret
}

/**
 * The secret of a deployment on a shared store (`--store postgres://…`): only `RELAY_SECRET`, the
 * same in every relay process and the CLI. A secret file per data folder would differ between
 * processes, and tokens signed by one would fail on the others: refused with exit code 1.
 */
export const sharedSecret = (env: Env, command: string): string => {
  const secret = env.RELAY_SECRET
  if (secret === undefined || secret === "")
    throw new Error(
      `${command} with a Postgres store (--store or RELAY_STORE) needs RELAY_SECRET, the secret every relay process of the deployment signs tokens with (a secret file per data folder would differ between processes)`
    )
  const weakness = secretWeakness(secret)
  if (weakness !== undefined) throw new UsageError(`RELAY_SECRET ${weakness}`)
  return secret
}
