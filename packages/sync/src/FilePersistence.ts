/**
 * Node persistence: one append-only file of Yjs updates per log, so a Node client (tests, CLIs,
 * desktop) survives a restart. Each record is `[length u32 BE][FNV-1a u32 BE][update]`, written
 * and fsync'ed as updates happen. On open the records are loaded; a torn or corrupt tail (a crash
 * mid-write) is dropped, never fatal; a long file is compacted into one record of the whole state
 * (written to a temporary file, fsync'ed, then renamed over the old one).
 *
 * Node-only: exported from `@relactation/sync/node`, never from the main entry.
 *
 * @since 0.1.0
 */
import { mkdir, open, readFile, rename } from "node:fs/promises"
import { dirname } from "node:path"
import { Layer } from "effect"
import * as Y from "yjs"
import {
  type CheckpointStore,
  type DeviceKeyStore,
  Persistence,
  type PersistenceAdapter,
  type PersistenceSession
} from "./Persistence.js"
import { PersistenceError } from "./SyncError.js"

const HEADER = 8

/**
 * Records after which the file is compacted on the next open.
 *
 * @since 0.1.0
 * @category constants
 */
export const COMPACT_AFTER = 64

const fnv1a = (bytes: Uint8Array): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/**
 * One update as a file record.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeRecord = (update: Uint8Array): Uint8Array => {
  const out = new Uint8Array(HEADER + update.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, update.length)
  view.setUint32(4, fnv1a(update))
  out.set(update, HEADER)
  return out
}

/**
 * Reads the records of a file: the updates up to the first torn or corrupt record, and whether
 * such a tail was found (and dropped).
 *
 * @since 0.1.0
 * @category encoding
 */
export const decodeRecords = (bytes: Uint8Array): { updates: Array<Uint8Array>; torn: boolean } => {
  const updates: Array<Uint8Array> = []
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let pos = 0
  while (pos < bytes.length) {
    if (bytes.length - pos < HEADER) return { updates, torn: true }
    const length = view.getUint32(pos)
    const sum = view.getUint32(pos + 4)
    if (bytes.length - pos - HEADER < length) return { updates, torn: true }
    const update = bytes.subarray(pos + HEADER, pos + HEADER + length)
    if (fnv1a(update) !== sum) return { updates, torn: true }
    updates.push(update)
    pos += HEADER + length
  }
  return { updates, torn: false }
}

const fail = (operation: "open" | "write" | "close", cause: unknown): PersistenceError =>
  new PersistenceError({ kind: "file", operation, cause })

const readIfExists = async (path: string): Promise<Uint8Array> => {
  try {
    return await readFile(path)
  } catch (cause) {
    if ((cause as { code?: unknown }).code === "ENOENT") return new Uint8Array(0)
    throw cause
  }
}

const writeDurably = async (path: string, bytes: Uint8Array): Promise<void> => {
  const tmp = `${path}.tmp`
  const handle = await open(tmp, "w")
  try {
    await handle.write(bytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(tmp, path)
  // Make the rename itself durable where the platform allows syncing a directory.
  try {
    const dir = await open(dirname(path), "r")
    try {
      await dir.sync()
    } finally {
      await dir.close()
    }
  } catch {
    // Not supported everywhere (Windows); the rename is still atomic.
  }
}

const applyAll = (doc: Y.Doc, updates: ReadonlyArray<Uint8Array>, origin: unknown): boolean => {
  if (updates.length === 0) return true
  try {
    Y.applyUpdate(doc, Y.mergeUpdates(updates as Array<Uint8Array>), origin)
    return true
  } catch {
    // A record with a valid checksum that Yjs still rejects: keep what applies, one by one.
    let clean = true
    for (const update of updates) {
      try {
        Y.applyUpdate(doc, update, origin)
      } catch {
        clean = false
      }
    }
    return clean
  }
}

/**
 * The checkpoint next to the log's file: `<path>.checkpoint`, replaced whole (written to a
 * temporary file, fsync'ed, renamed over the old one), so a crash leaves the old or the new one.
 *
 * @since 0.1.0
 * @category adapters
 */
export const checkpoints = (path: string): CheckpointStore => ({
  read: async () => {
    const bytes = await readIfExists(`${path}.checkpoint`)
    return bytes.length === 0 ? undefined : bytes
  },
  write: (_logId, bytes) => writeDurably(`${path}.checkpoint`, bytes)
})

/**
 * A sealed log's device key next to the log's file: `<path>.device`, the private key sealed
 * under the log's local checkpoint key (never in clear on disk), replaced whole like the
 * checkpoint.
 *
 * @since 0.2.0
 * @category adapters
 */
export const deviceKeys = (path: string): DeviceKeyStore => ({
  holds: "bytes",
  read: async () => {
    const bytes = await readIfExists(`${path}.device`)
    return bytes.length === 0 ? undefined : bytes
  },
  write: (_logId, bytes) => writeDurably(`${path}.device`, bytes)
})

/**
 * The file adapter: the document of the log is kept in the file at `path` (the folder is
 * created), its checkpoint in `<path>.checkpoint`. One file holds one log; do not open it from
 * two processes at once.
 *
 * @since 0.1.0
 * @category adapters
 */
export const adapter = (path: string): PersistenceAdapter => ({
  kind: "file",
  checkpoints: checkpoints(path),
  deviceKeys: deviceKeys(path),
  open: async (_logId, doc) => {
    const origin = Symbol("@relactation/sync/file")
    try {
      await mkdir(dirname(path), { recursive: true })
      const { updates, torn } = decodeRecords(await readIfExists(path))
      const clean = applyAll(doc, updates, origin)
      if (torn || !clean || updates.length > COMPACT_AFTER) {
        await writeDurably(path, encodeRecord(Y.encodeStateAsUpdate(doc)))
      }
    } catch (cause) {
      throw cause instanceof PersistenceError ? cause : fail("open", cause)
    }
    let handle: Awaited<ReturnType<typeof open>>
    try {
      handle = await open(path, "a")
    } catch (cause) {
      throw fail("open", cause)
    }

    let pending: Array<Uint8Array> = []
    let failure: PersistenceError | undefined
    let chain: Promise<void> = Promise.resolve()
    const drain = async (): Promise<void> => {
      const batch = pending
      pending = []
      if (batch.length === 0 || failure !== undefined) return
      try {
        await handle.write(Buffer.concat(batch))
        await handle.datasync()
      } catch (cause) {
        failure = fail("write", cause)
      }
    }
    const onUpdate = (update: Uint8Array, from: unknown): void => {
      if (from === origin) return
      pending.push(encodeRecord(update))
      chain = chain.then(drain)
    }
    doc.on("update", onUpdate)

    const flush = async (): Promise<void> => {
      await chain
      if (failure !== undefined) throw failure
    }
    let closed: Promise<void> | undefined
    const session: PersistenceSession = {
      origin,
      flush,
      close: () => {
        closed ??= (async () => {
          doc.off("update", onUpdate)
          try {
            await flush()
          } finally {
            await handle.close().catch(() => {})
          }
        })()
        return closed
      }
    }
    return session
  }
})

/**
 * Effect face: the file persistence as a `Persistence` layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (path: string): Layer.Layer<Persistence> => Layer.succeed(Persistence, adapter(path))
