/**
 * The bus side of the command line: `serve --bus redis://…` (and `RELAY_BUS`) connects to Redis
 * before the relay binds its port, so a bad URL or an unreachable Redis exits 1 with nothing
 * started. A bus needs a shared store (`--store postgres://…`): with SQLite every process would
 * hold its own copy of a log, and the bus would relay what the others cannot load. `Cli.ts` only
 * dispatches here.
 */
import { RedisBus } from "../RedisBus.js"
import type { Storage } from "../Storage.js"
import { isSharedStorage } from "../Storage.js"

type Env = Readonly<Record<string, string | undefined>>
type Values = Record<string, unknown>

/** What `Cli.ts` lends: its flag-or-environment lookup and its usage error. */
export interface BusCliTools {
  readonly pick: (values: Values, env: Env, flag: string) => string | undefined
  readonly usage: (message: string) => Error
}

/** The lines `--help` shows for the bus. */
export const BUS_USAGE = `Bus (serve): --bus redis://[user:password@]host:6379   (RELAY_BUS; several processes behind a load balancer)
  needs --store postgres://…; see the README, "Several processes". Exit code 1 naming what failed
  when the URL is wrong or Redis unreachable.
`

/** The `serve` flags this module reads. */
export const BUS_FLAGS: Record<string, { type: "string" }> = { bus: { type: "string" } }

/** The bus URL `serve` was asked for, checked against the store flags before anything is opened. */
export const busUrl = (tools: BusCliTools, values: Values, env: Env): string | undefined => {
  const url = tools.pick(values, env, "bus")
  if (url === undefined) return undefined
  if (tools.pick(values, env, "store") === undefined)
    throw tools.usage(
      "--bus needs --store postgres://… (RELAY_STORE): the processes on one bus must share one store"
    )
  return url
}

/**
 * Connects the bus for a store that was opened already; rejects naming what failed (then nothing
 * of the bus is open).
 */
export const openBus = async (
  url: string | undefined,
  storage: Storage | undefined,
  log: (line: Record<string, unknown>) => void
): Promise<RedisBus | undefined> => {
  if (url === undefined) return undefined
  if (storage === undefined || !isSharedStorage(storage))
    throw new Error("--bus needs a shared store (--store postgres://…)")
  return RedisBus.connect({ url, log })
}
