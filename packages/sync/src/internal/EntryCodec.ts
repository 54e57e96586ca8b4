/**
 * How a log's map entries become log entries and back: the plaintext codec (the map key is the
 * event id, the value its wire JSON, decoded synchronously) and the sealed codec (the map key is
 * the blinded id, the value a sealed envelope that must be opened, asynchronously, before it is
 * decoded). Opening is done ahead (`prepare`) and remembered per stored value, so that the entry
 * index decodes synchronously as it does for plaintext, and an entry is opened once.
 * The codec also seals and opens the local checkpoint of a sealed log.
 */
import { decodeEntry, type Event, isEvent } from "@relactation/core"
import { Predicate, Result } from "effect"
import { UnreadableEntry } from "../Unreadable.js"
import { decodeAt, type IndexEntry } from "./EntryIndex.js"
import { additionalData, isSealed, NONCE_BYTES, openAll, seal } from "./Envelope.js"
import type { Epochs } from "./Epochs.js"

export type { IndexEntry } from "./EntryIndex.js"

export interface EntryCodec {
  /** Whether this is a sealed log. */
  readonly sealed: boolean
  /** The map key and stored value of an event (its wire JSON object `encoded`). */
  readonly encode: (
    event: Event,
    encoded: Readonly<Record<string, unknown>> & { readonly id: string }
  ) =>
    | Promise<{ readonly key: string; readonly value: unknown }>
    | { readonly key: string; readonly value: unknown }
  /** Whether `decode` can decode this entry now (a sealed value must be prepared first). */
  readonly ready: (key: string, raw: unknown) => boolean
  /** Opens the entries that are not ready; never rejects. */
  readonly prepare: (entries: ReadonlyArray<readonly [string, unknown]>) => Promise<void>
  /** Decodes a ready entry. */
  readonly decode: (key: string, raw: unknown) => IndexEntry
  /** Remembers what a stored value decodes to (an entry this device sealed, or from a checkpoint). */
  readonly remember: (key: string, raw: unknown, entry: IndexEntry) => void
  /** Forgets the entries that did not open for want of a key epoch (a new epoch arrived). */
  readonly forgetUnknownEpochs: () => void
  /** The checkpoint's bytes as stored (sealed for a sealed log). */
  readonly wrapCheckpoint: (bytes: Uint8Array) => Promise<Uint8Array>
  /** The checkpoint's bytes from what was stored; `undefined` if it does not open. */
  readonly unwrapCheckpoint: (stored: Uint8Array | undefined) => Promise<Uint8Array | undefined>
}

/** The codec of a plaintext log (the layout before sealing, unchanged). */
export const plaintext: EntryCodec = {
  sealed: false,
  encode: (_event, encoded) => ({ key: encoded.id, value: encoded }),
  ready: () => true,
  prepare: () => Promise.resolve(),
  decode: decodeAt,
  remember: () => {},
  forgetUnknownEpochs: () => {},
  wrapCheckpoint: (bytes) => Promise.resolve(bytes),
  unwrapCheckpoint: (stored) => Promise.resolve(stored)
}

const notSealed = (key: string, raw: unknown): UnreadableEntry =>
  new UnreadableEntry({
    key,
    reason: "not-sealed",
    detail: 'type: a sealed log keeps only "sealed" entries (a plain one could have been written by anyone)',
    epoch: undefined,
    raw
  })

// "RLCS": a checkpoint sealed with the log's checkpoint key: magic, nonce, AES-GCM ciphertext.
const SEALED_MAGIC = [0x52, 0x4c, 0x43, 0x53]
const subtle = (): SubtleCrypto => globalThis.crypto.subtle

/** The codec of a sealed log with these keys. */
export const sealed = (keys: Epochs): EntryCodec => {
  // Per stored value (Yjs hands out the same object for an item every time): what it opened to.
  const opened = new WeakMap<object, { readonly key: string; readonly entry: IndexEntry }>()
  const cached = (key: string, raw: unknown): IndexEntry | undefined => {
    if (!Predicate.isObject(raw)) return undefined
    const hit = opened.get(raw)
    return hit !== undefined && hit.key === key ? hit.entry : undefined
  }
  const ready = (key: string, raw: unknown): boolean => !isSealed(raw) || cached(key, raw) !== undefined
  // The values that did not open for want of an epoch's key, to open again when one arrives.
  const unknownEpoch = new Set<object>()
  const remember = (key: string, raw: unknown, entry: IndexEntry): void => {
    if (!Predicate.isObject(raw)) return
    opened.set(raw, { key, entry })
    if (entry instanceof UnreadableEntry && entry.reason === "unknown-epoch") unknownEpoch.add(raw)
  }
  const aad = additionalData("checkpoint", keys.logId, "", 0)
  return {
    sealed: true,
    encode: async (event, encoded) => {
      const { key, value } = await seal(keys, encoded)
      remember(key, value, event)
      return { key, value }
    },
    ready,
    prepare: async (entries) => {
      const todo = entries.filter(([key, raw]) => !ready(key, raw))
      if (todo.length === 0) return
      const results = await openAll(keys, todo)
      results.forEach((result, i) => {
        const [key, raw] = todo[i]!
        // An open that found no key for its epoch while that epoch's secret was being added (a
        // wrap arrived with the entry) is not remembered: it stays unready and is opened again.
        if (
          Result.isFailure(result) &&
          result.failure.reason === "unknown-epoch" &&
          result.failure.epoch !== undefined &&
          keys.entryKey(result.failure.epoch) !== undefined
        )
          return
        remember(key, raw, Result.isSuccess(result) ? decodeEntry(result.success) : result.failure)
      })
    },
    decode: (key, raw) => {
      if (!isSealed(raw)) return notSealed(key, raw)
      const entry = cached(key, raw)
      // `prepare` runs before every decode; an entry that was not prepared is a bug, not data.
      if (entry === undefined) throw new Error("sealed entry decoded before it was opened")
      return entry
    },
    remember,
    forgetUnknownEpochs: () => {
      for (const raw of unknownEpoch) opened.delete(raw)
      unknownEpoch.clear()
    },
    wrapCheckpoint: async (bytes) => {
      const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
      const ct = new Uint8Array(
        await subtle().encrypt(
          { name: "AES-GCM", iv: nonce, additionalData: aad },
          keys.checkpointKey,
          bytes as Uint8Array<ArrayBuffer>
        )
      )
      const out = new Uint8Array(SEALED_MAGIC.length + NONCE_BYTES + ct.length)
      out.set(SEALED_MAGIC, 0)
      out.set(nonce, SEALED_MAGIC.length)
      out.set(ct, SEALED_MAGIC.length + NONCE_BYTES)
      return out
    },
    unwrapCheckpoint: async (stored) => {
      const head = SEALED_MAGIC.length + NONCE_BYTES
      if (stored === undefined || stored.length < head) return undefined
      for (let i = 0; i < SEALED_MAGIC.length; i++) if (stored[i] !== SEALED_MAGIC[i]) return undefined
      try {
        return new Uint8Array(
          await subtle().decrypt(
            {
              name: "AES-GCM",
              iv: stored.slice(SEALED_MAGIC.length, head),
              additionalData: aad
            },
            keys.checkpointKey,
            stored.slice(head)
          )
        )
      } catch {
        return undefined
      }
    }
  }
}

/** Whether an index entry is a valid event. */
export const isIndexEvent = (entry: IndexEntry): entry is Event =>
  !(entry instanceof UnreadableEntry) && isEvent(entry)
