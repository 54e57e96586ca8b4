/**
 * Where a log's Yjs document is kept on the device, so a phone that restarts offline still has
 * every event. An adapter loads the stored updates into the document before the log connects to
 * the relay (otherwise the relay would resend the whole log), then stores every later update.
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import type * as Y from "yjs"
import { PersistenceError } from "./SyncError.js"

/**
 * An open persistence for one document.
 *
 * @since 0.1.0
 * @category models
 */
export interface PersistenceSession {
  /** The transaction origin of the updates this session applies to the document (loading). */
  readonly origin: unknown
  /** Resolves when every update so far is durable. */
  readonly flush: () => Promise<void>
  /** Flushes, then stops listening to the document. Never deletes stored data. */
  readonly close: () => Promise<void>
}

/**
 * Where an adapter keeps a log's local checkpoint (one opaque byte string per log, written whole).
 * `read` resolves `undefined` when there is none; `write` replaces it so that a crash mid-write
 * leaves the old one or the new one (or, at worst, bytes the log recognises as broken and
 * ignores). The log checks every checkpoint against the document before using it.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckpointStore {
  readonly read: (logId: string) => Promise<Uint8Array | undefined>
  readonly write: (logId: string, bytes: Uint8Array) => Promise<void>
}

/**
 * A way of persisting documents. `open` resolves once the stored state is in `doc`. With
 * `checkpoints`, the log also keeps a checkpoint there, read before `open` so projections can
 * show before the document is loaded.
 *
 * @since 0.1.0
 * @category models
 */
export interface PersistenceAdapter {
  readonly kind: string
  readonly open: (logId: string, doc: Y.Doc) => Promise<PersistenceSession>
  readonly checkpoints?: CheckpointStore
  /**
   * Where a sealed log keeps this device's key pair (the one later key epochs are wrapped for).
   * Without it the device makes a new pair at every open and waits for another device to wrap the
   * current epoch for it again. @since 0.2.0
   */
  readonly deviceKeys?: DeviceKeyStore
}

/**
 * Where a sealed log keeps this device's ECDH P-256 key pair, one per log. `holds: "keys"` keeps
 * the `CryptoKeyPair` itself (IndexedDB stores it by structured clone, the private key
 * non-extractable); `holds: "bytes"` keeps the private key as bytes the log sealed under its
 * local checkpoint key (files). A pair that cannot be read is replaced by a new one.
 *
 * @since 0.2.0
 * @category models
 */
export type DeviceKeyStore =
  | {
      readonly holds: "keys"
      readonly read: (logId: string) => Promise<CryptoKeyPair | undefined>
      readonly write: (logId: string, pair: CryptoKeyPair) => Promise<void>
    }
  | {
      readonly holds: "bytes"
      readonly read: (logId: string) => Promise<Uint8Array | undefined>
      readonly write: (logId: string, bytes: Uint8Array) => Promise<void>
    }

/**
 * What `openLog` accepts as `persistence`. `file` works only with `openLog` from
 * `@relactation/sync/node`; `custom` takes any {@link PersistenceAdapter}.
 *
 * @since 0.1.0
 * @category models
 */
export type PersistenceOption =
  | { readonly kind: "indexeddb" }
  | { readonly kind: "memory" }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "custom"; readonly adapter: PersistenceAdapter }

const noop = (): Promise<void> => Promise.resolve()

/**
 * Keeps nothing: the document lives as long as the log is open (so no checkpoint either: there
 * is nothing to open again).
 *
 * @since 0.1.0
 * @category adapters
 */
export const memoryAdapter: PersistenceAdapter = {
  kind: "memory",
  open: () => Promise.resolve({ origin: undefined, flush: noop, close: noop })
}

// A read-only transaction over the updates store starts only after every earlier read-write
// transaction on that store has committed (IndexedDB ordering rule).
const afterWrites = (db: IDBDatabase): Promise<void> =>
  new Promise((resolve, reject) => {
    const tx = db.transaction(["updates"], "readonly")
    tx.oncomplete = () => resolve()
    tx.onerror = () =>
      reject(new PersistenceError({ kind: "indexeddb", operation: "write", cause: tx.error }))
    tx.objectStore("updates").count()
  })

const CHECKPOINT_DB = "relactation-checkpoints"

const request = <A>(req: IDBRequest<A>): Promise<A> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })

// Puts one record in its own readwrite transaction and resolves once IndexedDB committed it (whole
// or not at all); the database is closed either way.
const putOne = async (
  openDb: () => Promise<IDBDatabase>,
  store: string,
  key: string,
  value: unknown
): Promise<void> => {
  const db = await openDb()
  try {
    const tx = db.transaction(store, "readwrite")
    tx.objectStore(store).put(value, key)
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
      tx.onabort = () => reject(tx.error)
    })
  } finally {
    db.close()
  }
}

const checkpointDb = async (): Promise<IDBDatabase> => {
  const open = indexedDB.open(CHECKPOINT_DB, 1)
  open.onupgradeneeded = () => open.result.createObjectStore("checkpoints")
  return request(open)
}

// One record per log in its own database (y-indexeddb owns `relactation:<logId>`), written in one
// transaction: IndexedDB commits it whole or not at all.
const indexedDbCheckpoints: CheckpointStore = {
  read: async (logId) => {
    if (typeof indexedDB === "undefined") return undefined
    const db = await checkpointDb()
    try {
      const value: unknown = await request(
        db.transaction("checkpoints").objectStore("checkpoints").get(logId)
      )
      return value instanceof Uint8Array
        ? value
        : value instanceof ArrayBuffer
          ? new Uint8Array(value)
          : undefined
    } finally {
      db.close()
    }
  },
  write: (logId, bytes) => putOne(checkpointDb, "checkpoints", logId, bytes)
}

const DEVICE_KEY_DB = "relactation-device-keys"

const deviceKeyDb = async (): Promise<IDBDatabase> => {
  const open = indexedDB.open(DEVICE_KEY_DB, 1)
  open.onupgradeneeded = () => open.result.createObjectStore("pairs")
  return request(open)
}

const isKeyPair = (value: unknown): value is CryptoKeyPair =>
  typeof value === "object" &&
  value !== null &&
  (value as CryptoKeyPair).privateKey instanceof CryptoKey &&
  (value as CryptoKeyPair).publicKey instanceof CryptoKey

// The device's key pair per log, stored as CryptoKeys (structured clone): the private key stays
// non-extractable, so not even this page's scripts can read its bytes.
const indexedDbDeviceKeys: DeviceKeyStore = {
  holds: "keys",
  read: async (logId) => {
    if (typeof indexedDB === "undefined") return undefined
    const db = await deviceKeyDb()
    try {
      const value: unknown = await request(db.transaction("pairs").objectStore("pairs").get(logId))
      return isKeyPair(value) ? value : undefined
    } finally {
      db.close()
    }
  },
  write: (logId, pair) => putOne(deviceKeyDb, "pairs", logId, pair)
}

/**
 * IndexedDB through y-indexeddb, database name `relactation:<logId>`. The browser default. Its
 * checkpoints live in the database `relactation-checkpoints`, one record per log.
 *
 * @since 0.1.0
 * @category adapters
 */
export const indexedDbAdapter: PersistenceAdapter = {
  kind: "indexeddb",
  checkpoints: indexedDbCheckpoints,
  deviceKeys: indexedDbDeviceKeys,
  open: async (logId, doc) => {
    if (typeof indexedDB === "undefined") {
      throw new PersistenceError({
        kind: "indexeddb",
        operation: "open",
        cause: new Error("indexedDB is not available in this environment")
      })
    }
    // Loaded lazily so Node and React Native never evaluate the IndexedDB code.
    const { IndexeddbPersistence } = await import("y-indexeddb")
    const idb = new IndexeddbPersistence(`relactation:${logId}`, doc)
    try {
      await idb.whenSynced
    } catch (cause) {
      throw new PersistenceError({ kind: "indexeddb", operation: "open", cause })
    }
    let closed: Promise<void> | undefined
    return {
      origin: idb,
      // y-indexeddb queues each update in its own IndexedDB transaction as it happens; reading
      // back through the same connection waits for those writes to commit.
      flush: () => (closed === undefined && idb.db !== null ? afterWrites(idb.db) : Promise.resolve()),
      // IDBDatabase.close() lets pending transactions finish first.
      close: () => {
        closed ??= idb.destroy()
        return closed
      }
    }
  }
}

/**
 * Whether this looks like a browser with IndexedDB (the default then is `indexeddb`, else `memory`).
 *
 * @since 0.1.0
 * @category adapters
 */
export const isBrowser = (): boolean => typeof window !== "undefined" && typeof indexedDB !== "undefined"

/**
 * Effect face: the persistence a log opened through `EventLog.layer` uses.
 *
 * @since 0.1.0
 * @category services
 */
export class Persistence extends Context.Service<Persistence, PersistenceAdapter>()(
  "@relactation/sync/Persistence"
) {
  /**
   * Nothing survives the end of the scope.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly memory: Layer.Layer<Persistence> = Layer.succeed(Persistence, memoryAdapter)
  /**
   * IndexedDB (browsers).
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly indexedDb: Layer.Layer<Persistence> = Layer.succeed(Persistence, indexedDbAdapter)
  /**
   * Any adapter. The file adapter is `FilePersistence.layer(path)` from `@relactation/sync/node`.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly custom = (adapter: PersistenceAdapter): Layer.Layer<Persistence> =>
    Layer.succeed(Persistence, adapter)
}
