/**
 * The relay's limits, with defaults sized for a small VPS hosting many families: one family has a
 * few phones, a log grows by a few events an hour, and a misbehaving client must not starve others.
 *
 * @since 0.1.0
 */

/**
 * Every limit the relay enforces.
 *
 * @since 0.1.0
 * @category limits
 */
export interface RelayLimits {
  /** Largest websocket message accepted, in bytes (enforced by `ws` `maxPayload`; larger closes with 1009). */
  readonly maxMessageBytes: number
  /** Open connections per log; more are closed with `CloseCode.TOO_MANY_CONNECTIONS`. */
  readonly maxConnectionsPerLog: number
  /** Open connections on the whole relay; more are closed with `CloseCode.TOO_MANY_CONNECTIONS`. */
  readonly maxConnections: number
  /** Stored bytes per log; an update that would exceed it is refused with `CloseCode.LOG_FULL`. */
  readonly maxLogBytes: number
  /** A connection that does not answer a ping within this many milliseconds is closed. */
  readonly idleTimeoutMs: number
  /** New connections per client IP per minute; more are refused at the upgrade with HTTP 429. */
  readonly connectionsPerIpPerMinute: number
  /** Stored rows of one log after which it is compacted into one merged update. */
  readonly compactAfterUpdates: number
  /** Awareness client ids one connection may announce; more closes it with `CloseCode.POLICY`. */
  readonly maxAwarenessClientsPerConnection: number
  /** How long a log stays in memory after its last client left, in milliseconds. */
  readonly unloadAfterMs: number
}

/**
 * The defaults: 1 MiB messages, 16 connections per log, 10 000 in total, 64 MiB per log, 30 s
 * ping timeout, 120 new connections per IP per minute (several families may share one carrier NAT),
 * compaction after 500 rows, 8 awareness clients per connection, unload 5 s after the last client left.
 *
 * @since 0.1.0
 * @category limits
 */
export const defaultLimits: RelayLimits = {
  maxMessageBytes: 1024 * 1024,
  maxConnectionsPerLog: 16,
  maxConnections: 10_000,
  maxLogBytes: 64 * 1024 * 1024,
  idleTimeoutMs: 30_000,
  connectionsPerIpPerMinute: 120,
  compactAfterUpdates: 500,
  maxAwarenessClientsPerConnection: 8,
  unloadAfterMs: 5_000
}

/**
 * Fills in defaults and rejects values that cannot work, naming the field and the rule.
 *
 * @since 0.1.0
 * @category limits
 */
export const resolveLimits = (limits: Partial<RelayLimits> = {}): RelayLimits => {
  for (const key of Object.keys(limits)) {
    if (!Object.hasOwn(defaultLimits, key)) throw new Error(`limits.${key} is not a relay limit`)
  }
  const resolved: RelayLimits = { ...defaultLimits, ...stripUndefined(limits) }
  for (const [key, value] of Object.entries(resolved)) {
    const min = key === "unloadAfterMs" ? 0 : 1
    if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
      throw new Error(`limits.${key} must be a finite number >= ${min}`)
    }
  }
  return resolved
}

const stripUndefined = (limits: Partial<RelayLimits>): Partial<RelayLimits> =>
  Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined))
