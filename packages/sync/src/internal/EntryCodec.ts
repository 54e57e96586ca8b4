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
import { isSealed, NONCE_BYTES, openAll, seal } from "./Envelope.js"
import * as Checkpoint from "./Checkpoint.js"
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
  /** The checkpoint's bytes as stored (sealed for a sealed log: head and entries apart). */
  readonly wrapCheckpoint: (bytes: Uint8Array) => Promise<Uint8Array>
  /**
   * The checkpoint's head (header and head section) from what was stored, and a way to its
   * entries section, opened only when asked (`undefined` if it does not open); `undefined` if
   * the head does not open.
   */
  readonly openCheckpoint: (stored: Uint8Array | undefined) => Promise<OpenedCheckpoint | undefined>
}

/** A stored checkpoint whose head is open. */
export interface OpenedCheckpoint {
  readonly head: Uint8Array
  readonly entries: () => Promise<Uint8Array | undefined>
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
  openCheckpoint: (stored) => {
    const parts = Checkpoint.split(stored)
    return Promise.resolve(
      parts === undefined ? undefined : { head: parts.head, entries: () => Promise.resolve(parts.body) }
    )
  }
}

const notSealed = (key: string, raw: unknown): UnreadableEntry =>
  new UnreadableEntry({
    key,
    reason: "not-sealed",
    detail: 'type: a sealed log keeps only "sealed" entries (a plain one could have been written by anyone)',
    epoch: undefined,
    raw
  })

// "RLCS": a checkpoint sealed with the log's checkpoint key as two AES-GCM messages, so the first
// projections decrypt only the small head: magic, format (u32 BE), the head's nonce, the head
// ciphertext's length (u32 BE), the head ciphertext, the entries' nonce, the entries ciphertext.
// The head's additional data names the entries ciphertext's length and GCM tag: a swapped or cut
// entries section makes the head not open; a flipped one makes the entries not open.
const SEALED_MAGIC = [0x52, 0x4c, 0x43, 0x53]
const SEALED_HEADER = SEALED_MAGIC.length + 4 + NONCE_BYTES + 4
const TAG_BYTES = 16
const subtle = (): SubtleCrypto => globalThis.crypto.subtle
const utf8 = new TextEncoder()
const sectionData = (
  logId: string,
  section: "head" | "entries",
  entries?: Uint8Array
): Uint8Array<ArrayBuffer> =>
  utf8.encode(
    JSON.stringify([
      "relactation/checkpoint/v2",
      logId,
      Checkpoint.FORMAT,
      section,
      ...(entries === undefined ? [] : [entries.length, toHex(entries.subarray(entries.length - TAG_BYTES))])
    ])
  )
const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

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
      const parts = Checkpoint.split(bytes)
      if (parts === undefined) throw new Error("checkpoint bytes of another format")
      const encrypt = async (
        nonce: Uint8Array<ArrayBuffer>,
        additionalData: Uint8Array<ArrayBuffer>,
        plain: Uint8Array
      ) =>
        new Uint8Array(
          await subtle().encrypt(
            { name: "AES-GCM", iv: nonce, additionalData },
            keys.checkpointKey,
            plain as Uint8Array<ArrayBuffer>
          )
        )
      const entriesNonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
      const entries = await encrypt(entriesNonce, sectionData(keys.logId, "entries"), parts.body)
      const headNonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
      const head = await encrypt(headNonce, sectionData(keys.logId, "head", entries), parts.head)
      const out = new Uint8Array(SEALED_HEADER + head.length + NONCE_BYTES + entries.length)
      const view = new DataView(out.buffer)
      out.set(SEALED_MAGIC, 0)
      view.setUint32(4, Checkpoint.FORMAT)
      out.set(headNonce, 8)
      view.setUint32(8 + NONCE_BYTES, head.length)
      out.set(head, SEALED_HEADER)
      out.set(entriesNonce, SEALED_HEADER + head.length)
      out.set(entries, SEALED_HEADER + head.length + NONCE_BYTES)
      return out
    },
    openCheckpoint: async (stored) => {
      if (stored === undefined || stored.length < SEALED_HEADER) return undefined
      for (let i = 0; i < SEALED_MAGIC.length; i++) if (stored[i] !== SEALED_MAGIC[i]) return undefined
      const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength)
      if (view.getUint32(4) !== Checkpoint.FORMAT) return undefined
      const headLength = view.getUint32(8 + NONCE_BYTES)
      const entriesAt = SEALED_HEADER + headLength + NONCE_BYTES
      if (entriesAt + TAG_BYTES > stored.length) return undefined
      const decrypt = async (nonce: Uint8Array, additionalData: Uint8Array<ArrayBuffer>, ct: Uint8Array) => {
        try {
          return new Uint8Array(
            await subtle().decrypt(
              { name: "AES-GCM", iv: nonce.slice(), additionalData },
              keys.checkpointKey,
              ct as Uint8Array<ArrayBuffer>
            )
          )
        } catch {
          return undefined
        }
      }
      const entries = stored.subarray(entriesAt)
      const head = await decrypt(
        stored.subarray(8, 8 + NONCE_BYTES),
        sectionData(keys.logId, "head", entries),
        stored.subarray(SEALED_HEADER, SEALED_HEADER + headLength)
      )
      if (head === undefined) return undefined
      return {
        head,
        entries: () =>
          decrypt(
            stored.subarray(entriesAt - NONCE_BYTES, entriesAt),
            sectionData(keys.logId, "entries"),
            entries
          )
      }
    }
  }
}

/** Whether an index entry is a valid event. */
export const isIndexEvent = (entry: IndexEntry): entry is Event =>
  !(entry instanceof UnreadableEntry) && isEvent(entry)
