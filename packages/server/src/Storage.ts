/**
 * The storage interface the relay writes through. The protocol code only ever loads a log, appends
 * an update and asks for compaction, so another store (Postgres, object storage) can be added later
 * by implementing these few methods, without touching the websocket side.
 *
 * @since 0.1.0
 */
import type { CredentialStore } from "./Credentials.js"

/**
 * How much a log holds in the store: the number of stored update rows and their total size.
 *
 * @since 0.1.0
 * @category storage
 */
export interface StoredSize {
  readonly updates: number
  readonly bytes: number
}

/**
 * A log as loaded from the store: its Yjs updates (in any order, Yjs merges them commutatively) and
 * its size.
 *
 * @since 0.1.0
 * @category storage
 */
export interface StoredLog extends StoredSize {
  readonly data: ReadonlyArray<Uint8Array>
}

/**
 * A store of Yjs updates, keyed by log id. Implementations must be durable when `append` resolves:
 * the relay relays an update to other clients only after that.
 *
 * @since 0.1.0
 * @category storage
 */
export interface Storage {
  /** Every update stored for the log; an unknown log is empty. */
  load(logId: string): Promise<StoredLog>
  /**
   * Appends one update durably and returns the log's size right after it. The relay may call it
   * several times for one log without waiting in between (the updates received while the previous
   * ones were stored) and awaits them all before relaying; a store may commit such calls together.
   */
  append(logId: string, update: Uint8Array): Promise<StoredSize>
  /**
   * Replaces the log's updates by one merged update. Must be crash-safe: nothing may be removed that
   * the merged update does not hold, and updates appended meanwhile must survive.
   */
  compact(logId: string): Promise<StoredSize>
  /** Optional: the relay unloaded this log; a store may drop what it caches for it. */
  release?(logId: string): void
  /**
   * Optional: removes every update of the log, durably (`relactation-relay delete`, and a device's
   * `DELETE /logs/<logId>`). The relay unloads the log and closes its connections first. Without it
   * the relay answers those requests with 501.
   */
  delete?(logId: string): Promise<void>
  /**
   * Optional: where this store keeps the relay's credentials, revocations, used join tokens and
   * deleted logs (`SqliteStorage` and `PostgresStorage` do); `createRelay` uses it unless given
   * `credentials`.
   */
  readonly credentials?: CredentialStore
  /** Whether the store can take writes right now (used by `GET /healthz`). */
  check(): Promise<boolean>
  /** Releases the store; later calls fail. */
  close(): Promise<void>
}

/**
 * A log as loaded from a shared store: `seq` is the highest per-log sequence number `data` covers
 * (0: empty).
 *
 * @since 0.2.0
 * @category storage
 */
export interface SequencedLog extends StoredLog {
  readonly seq: number
}

/**
 * A store that several relay processes share (Postgres). Sequence numbers are per log, gapless,
 * from 1: a relay that has seen up to `n` and hears of `n + 2` knows it missed `n + 1` and asks
 * `since(logId, n)` for it.
 *
 * @since 0.2.0
 * @category storage
 */
export interface SharedStorage extends Storage {
  readonly shared: true
  load(logId: string): Promise<SequencedLog>
  append(logId: string, update: Uint8Array): Promise<StoredSize & { readonly seq: number }>
  /** Every stored update with seq > after (a compacted row holds everything up to its seq), and the highest seq now. */
  since(logId: string, after: number): Promise<SequencedLog>
}

/**
 * Whether a store is shared by several relay processes.
 *
 * @since 0.2.0
 * @category storage
 */
export const isSharedStorage = (storage: Storage): storage is SharedStorage =>
  (storage as Partial<SharedStorage>).shared === true

/**
 * The store cannot be reached (its server is down, restarting or out of connections): nothing of
 * the call was acknowledged. The relay closes the log's connections with
 * `CloseCode.STORE_UNAVAILABLE` (1013, try again later) and refuses new ones the same way until the
 * store answers again; clients keep their updates and send them again when they reconnect.
 *
 * @since 0.2.0
 * @category errors
 */
export class StoreUnavailableError extends Error {
  readonly _tag = "StoreUnavailableError"
  override readonly name = "StoreUnavailableError"
  /** The driver's error code (`ECONNREFUSED`, `57P01`…), for logs; never client data. */
  readonly code: string | undefined
  constructor(message: string, code?: string) {
    super(message)
    this.code = code
  }
}
