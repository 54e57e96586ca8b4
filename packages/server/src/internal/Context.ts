/**
 * What the relay's parts share: limits, the store, counters, the log sink and the hooks. Passed
 * explicitly so `Document` and `ClientConnection` stay testable and free of globals.
 */
import type { RelayHooks } from "../Hooks.js"
import type { RelayLimits } from "../Limits.js"
import type { Metrics } from "../Metrics.js"
import type { RedisBus } from "../RedisBus.js"
import type { SharedStorage, Storage } from "../Storage.js"

/** One structured log line; ids and counts only. */
export type LogLine = Record<string, unknown>

type HookEvent<K extends keyof RelayHooks> = Parameters<NonNullable<RelayHooks[K]>>[0]

export interface RelayContext {
  readonly limits: RelayLimits
  readonly storage: Storage
  readonly metrics: Metrics
  readonly log: (line: LogLine) => void
  /** With several processes: the bus between them and the store they share. */
  readonly cluster?: { readonly bus: RedisBus; readonly storage: SharedStorage }
  /** Calls an observer hook; a throwing hook is logged and counted, not propagated. */
  readonly notify: <K extends Exclude<keyof RelayHooks, "onAuthenticate">>(
    name: K,
    event: HookEvent<K>
  ) => void
}

/** Builds `notify` so a faulty hook can never break the relay. */
export const makeNotify =
  (hooks: RelayHooks, log: (line: LogLine) => void, metrics: Metrics): RelayContext["notify"] =>
  (name, event) => {
    const hook = hooks[name] as ((event: unknown) => void) | undefined
    if (hook === undefined) return
    try {
      hook(event)
    } catch {
      metrics.error("internal")
      log({ level: "error", event: "hook-failed", hook: name })
    }
  }
