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
  /**
   * Bytes that may wait in one connection's send buffer (a client that does not read). A message
   * that would queue beyond it ends the connection (one message alone is always sent).
   */
  readonly maxQueuedBytesPerConnection: number
  /** Sync step 1 messages one connection may send per minute (each is answered with what it lacks). */
  readonly syncRequestsPerMinute: number
  /** Query-awareness messages one connection may send per minute (each is answered with every state). */
  readonly awarenessQueriesPerMinute: number
  /** Updates (and sync step 2 messages) one connection may send per minute. */
  readonly updatesPerMinute: number
  /** Largest awareness state, as JSON text; nesting is bounded at 32 levels. */
  readonly maxAwarenessStateBytes: number
  /** All awareness states of one log together, as JSON text. */
  readonly maxAwarenessBytesPerLog: number
  /**
   * Bytes of updates Yjs could not integrate yet (structs or deletes whose dependencies are missing)
   * that one log holds; an update that leaves more closes its sender, and they are dropped.
   */
  readonly maxPendingBytes: number
  /** Open sockets (websockets and unfinished requests) from one address. */
  readonly maxSocketsPerAddress: number
  /** Open sockets on the whole relay; default `maxConnections + 1000`. */
  readonly maxSockets: number
  /** Time a client has to send its request headers, in milliseconds. */
  readonly headersTimeoutMs: number
}

/**
 * The defaults: 1 MiB messages, 16 connections per log, 10 000 in total, 64 MiB per log, 30 s
 * ping timeout, 120 new connections per IP per minute (several families may share one carrier NAT),
 * compaction after 500 rows (and 25% growth since the last one), 8 awareness clients per connection,
 * unload 5 s after the last client left; 8 MiB queued per connection, 10 sync step 1 and 10
 * query-awareness messages and 3,000 updates per connection and minute, 16 KiB per awareness state
 * and 256 KiB of them per log, 64 KiB of updates Yjs cannot integrate yet per log, 256 sockets per
 * address and 11,000 in all, 10 s to send request headers.
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
  unloadAfterMs: 5_000,
  maxQueuedBytesPerConnection: 8 * 1024 * 1024,
  syncRequestsPerMinute: 10,
  awarenessQueriesPerMinute: 10,
  updatesPerMinute: 3_000,
  maxAwarenessStateBytes: 16 * 1024,
  maxAwarenessBytesPerLog: 256 * 1024,
  maxPendingBytes: 64 * 1024,
  maxSocketsPerAddress: 256,
  maxSockets: 11_000,
  headersTimeoutMs: 10_000
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
  const given = stripUndefined(limits)
  const resolved: RelayLimits = {
    ...defaultLimits,
    ...(given.maxConnections === undefined ? {} : { maxSockets: given.maxConnections + 1_000 }),
    ...given
  }
  for (const [key, value] of Object.entries(resolved)) {
    const min = key === "unloadAfterMs" ? 0 : 1
    if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
      throw new Error(`limits.${key} must be a finite number >= ${min}`)
    }
  }
  if (resolved.maxSockets < resolved.maxConnections)
    throw new Error("limits.maxSockets must be at least limits.maxConnections")
  return resolved
}

const stripUndefined = (limits: Partial<RelayLimits>): Partial<RelayLimits> =>
  Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined))
