/**
 * Sealed entries of the `events` map. The map key is the event's blinded id: base64url of the
 * first 16 bytes of HMAC-SHA256(idKey, id), so the relay never sees a UUIDv7's timestamp and the
 * same event always lands under the same key (appending it twice is still a no-op). The value is
 * `{ type: "sealed", v: 1, epoch, nonce, ct }`: AES-256-GCM under the epoch's entry key with a
 * random 12-byte nonce, over the packed, padded event; `nonce` and `ct` are `Uint8Array`, which Yjs
 * stores as binary. The additional data binds the log id, the map key and the epoch, so an entry
 * moved to another key or log does not open. Opening never throws: it gives the raw event object
 * or an `UnreadableEntry` with its reason.
 */
import { Predicate, Result } from "effect"
import { UnreadableEntry, type UnreadableReason } from "../Unreadable.js"
import * as Base64url from "./base64url.js"
import { currentEpoch, keysFor } from "./Epochs.js"
import type { LogKeys } from "./LogKeys.js"
import * as Packed from "./Packed.js"
import { ENTRY_FLOOR, pad } from "./Padding.js"

/** The stored form of a sealed entry. */
export interface SealedEntry {
  readonly type: "sealed"
  readonly v: 1
  readonly epoch: number
  readonly nonce: Uint8Array
  readonly ct: Uint8Array
}

/** Bytes of the AES-GCM nonce and tag. */
export const NONCE_BYTES = 12
export const TAG_BYTES = 16
/** Bytes of HMAC output kept for a blinded id: 128 bits, 22 characters. */
export const BLINDED_BYTES = 16

const utf8 = new TextEncoder()
const subtle = (): SubtleCrypto => globalThis.crypto.subtle

/** Whether a raw map value claims to be a sealed envelope (of any version). */
export const isSealed = (raw: unknown): boolean =>
  Predicate.isObject(raw) && (raw as { type?: unknown }).type === "sealed"

/**
 * The additional data of one sealed value: an unambiguous encoding of what it is bound to (JSON
 * of an array, so no two different tuples give the same bytes).
 */
export const additionalData = (
  purpose: string,
  logId: string,
  key: string,
  epoch: number
): Uint8Array<ArrayBuffer> => utf8.encode(JSON.stringify([`relactation/${purpose}/v1`, logId, key, epoch]))

/** The map key of an event id in this log. */
export const blindId = async (keys: LogKeys, id: string): Promise<string> => {
  const mac = await subtle().sign("HMAC", keys.idKey, utf8.encode(id))
  return Base64url.encode(new Uint8Array(mac, 0, BLINDED_BYTES))
}

/**
 * Seals one event's wire JSON object (`encodeEvent(event)`) under the current epoch: its map key
 * and value.
 */
export const seal = async (
  keys: LogKeys,
  entry: Readonly<Record<string, unknown>> & { readonly id: string }
): Promise<{ readonly key: string; readonly value: SealedEntry }> => {
  const epoch = currentEpoch(keys)
  const cryptoKey = keysFor(keys, epoch)?.entryKey
  if (cryptoKey === undefined) throw new RangeError("no entry key for the current epoch")
  const key = await blindId(keys, entry.id)
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ct = await subtle().encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: additionalData("entry", keys.logId, key, epoch) },
    cryptoKey,
    pad(Packed.pack(entry), ENTRY_FLOOR)
  )
  return { key, value: { type: "sealed", v: 1, epoch, nonce, ct: new Uint8Array(ct) } }
}

const problem = (
  key: string,
  raw: unknown,
  reason: UnreadableReason,
  detail: string,
  epoch?: number
): Result.Result<never, UnreadableEntry> =>
  Result.fail(new UnreadableEntry({ key, reason, detail, epoch, raw }))

/** The envelope's fields when they have the version-1 shape, else the problem. */
export const checkShape = (
  raw: unknown
):
  | { readonly ok: true; readonly epoch: number; readonly nonce: Uint8Array; readonly ct: Uint8Array }
  | { readonly ok: false; readonly reason: UnreadableReason; readonly detail: string } => {
  if (!isSealed(raw)) return { ok: false, reason: "malformed", detail: 'type: must be "sealed"' }
  const { v, epoch, nonce, ct } = raw as Record<string, unknown>
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    return { ok: false, reason: "malformed", detail: "v: must be a whole number of at least 1" }
  }
  if (v > 1) return { ok: false, reason: "newer-version", detail: "v: this library opens envelope version 1" }
  if (typeof epoch !== "number" || !Number.isSafeInteger(epoch) || epoch < 0) {
    return { ok: false, reason: "malformed", detail: "epoch: must be a whole number of at least 0" }
  }
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) {
    return { ok: false, reason: "malformed", detail: `nonce: must be ${NONCE_BYTES} bytes` }
  }
  if (!(ct instanceof Uint8Array)) return { ok: false, reason: "malformed", detail: "ct: must be bytes" }
  return { ok: true, epoch, nonce, ct }
}

const decrypt = async (
  cryptoKey: CryptoKey,
  nonce: Uint8Array,
  ct: Uint8Array,
  aad: Uint8Array
): Promise<Uint8Array | undefined> => {
  try {
    return new Uint8Array(
      await subtle().decrypt(
        {
          name: "AES-GCM",
          iv: nonce as Uint8Array<ArrayBuffer>,
          additionalData: aad as Uint8Array<ArrayBuffer>
        },
        cryptoKey,
        ct as Uint8Array<ArrayBuffer>
      )
    )
  } catch {
    return undefined
  }
}

/**
 * Opens the sealed value stored under `key`: the event's raw wire object (to be decoded by core
 * like any plain entry), or an `UnreadableEntry`. Never rejects.
 */
export const open = async (
  keys: LogKeys,
  key: string,
  raw: unknown
): Promise<Result.Result<Record<string, unknown>, UnreadableEntry>> => {
  const shape = checkShape(raw)
  if (!shape.ok) return problem(key, raw, shape.reason, shape.detail)
  const { epoch, nonce, ct } = shape
  if (ct.length < ENTRY_FLOOR + TAG_BYTES) {
    return problem(key, raw, "too-short", `ct: must be at least ${ENTRY_FLOOR + TAG_BYTES} bytes`, epoch)
  }
  const cryptoKey = keysFor(keys, epoch)?.entryKey
  if (cryptoKey === undefined) {
    return problem(key, raw, "unknown-epoch", `epoch: this device has no key for epoch ${epoch}`, epoch)
  }
  const plain = await decrypt(cryptoKey, nonce, ct, additionalData("entry", keys.logId, key, epoch))
  if (plain === undefined) {
    return problem(
      key,
      raw,
      "not-authentic",
      "ct: failed authentication (changed, moved to another key or log, or sealed with another family key)",
      epoch
    )
  }
  const entry = Packed.unpack(plain)
  if (entry === undefined) {
    return problem(key, raw, "malformed-plaintext", "ct: the plaintext is not a packed entry", epoch)
  }
  if (typeof entry.id !== "string" || (await blindId(keys, entry.id)) !== key) {
    return problem(key, raw, "id-mismatch", "id: must blind to the entry's key in the events map", epoch)
  }
  return Result.succeed(entry)
}

/**
 * How many opens `openAll` keeps in flight. WebCrypto's calls are asynchronous and each costs far
 * more in scheduling than in AES: awaiting them one by one serialises that cost, and starting all
 * of a year's at once floods the scheduler; a window of 64 was the fastest of the three on the
 * 2-core machine of the benchmarks (figure 8 measures all three in every run).
 */
export const OPEN_WINDOW = 64

/**
 * Opens many entries (a cold open, a large sync): the same results as `open` one by one, in the
 * same order, with up to `window` opens in flight together.
 */
export const openAll = async (
  keys: LogKeys,
  entries: ReadonlyArray<readonly [string, unknown]>,
  window = OPEN_WINDOW
): Promise<Array<Result.Result<Record<string, unknown>, UnreadableEntry>>> => {
  const results = new Array<Result.Result<Record<string, unknown>, UnreadableEntry>>(entries.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const i = next++
      const [key, raw] = entries[i]!
      results[i] = await open(keys, key, raw)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(window, entries.length)) }, worker))
  return results
}
