/**
 * Sealed presence: a device's awareness state (name, caregiver, running session) encrypted with
 * the presence key of the current epoch, so the relay relays opaque states. y-protocols encodes
 * awareness states with `JSON.stringify`, so here `nonce` and `ct` are base64url strings, not
 * bytes. The plaintext is the state's JSON, zero-padded to a bucket (JSON never contains a zero
 * byte, so the padding is stripped without a length field). The additional data binds the log id,
 * the purpose and the epoch.
 */
import { Predicate, Result } from "effect"
import { UnreadablePresence, type UnreadableReason } from "../Unreadable.js"
import * as Base64url from "./base64url.js"
import { additionalData, NONCE_BYTES, TAG_BYTES } from "./Envelope.js"
import { currentEpoch, keysFor } from "./Epochs.js"
import type { LogKeys } from "./LogKeys.js"
import { PRESENCE_FLOOR, pad } from "./Padding.js"

/** The awareness state a device publishes instead of its plain state. */
export interface SealedPresence {
  readonly type: "sealed"
  readonly v: 1
  readonly epoch: number
  readonly nonce: string
  readonly ct: string
}

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder("utf-8", { fatal: true })
const subtle = (): SubtleCrypto => globalThis.crypto.subtle
const PURPOSE = "presence"

/** Seals an awareness state (a JSON object) under the current epoch's presence key. */
export const sealPresence = async (
  keys: LogKeys,
  state: Readonly<Record<string, unknown>>
): Promise<SealedPresence> => {
  const epoch = currentEpoch(keys)
  const cryptoKey = keysFor(keys, epoch)?.presenceKey
  if (cryptoKey === undefined) throw new RangeError("no presence key for the current epoch")
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ct = await subtle().encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: additionalData(PURPOSE, keys.logId, "", epoch) },
    cryptoKey,
    pad(utf8.encode(JSON.stringify(state)), PRESENCE_FLOOR)
  )
  return {
    type: "sealed",
    v: 1,
    epoch,
    nonce: Base64url.encode(nonce),
    ct: Base64url.encode(new Uint8Array(ct))
  }
}

const problem = (
  reason: UnreadableReason,
  detail: string,
  epoch?: number
): Result.Result<never, UnreadablePresence> => Result.fail(new UnreadablePresence({ reason, detail, epoch }))

/** Opens another device's sealed awareness state: the state object, or why not. Never rejects. */
export const openPresence = async (
  keys: LogKeys,
  raw: unknown
): Promise<Result.Result<Record<string, unknown>, UnreadablePresence>> => {
  if (!Predicate.isObject(raw) || (raw as { type?: unknown }).type !== "sealed") {
    return problem("malformed", 'type: must be "sealed"')
  }
  const { v, epoch, nonce, ct } = raw as Record<string, unknown>
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    return problem("malformed", "v: must be a whole number of at least 1")
  }
  if (v > 1) return problem("newer-version", "v: this library opens presence version 1")
  if (typeof epoch !== "number" || !Number.isSafeInteger(epoch) || epoch < 0) {
    return problem("malformed", "epoch: must be a whole number of at least 0")
  }
  const nonceBytes = typeof nonce === "string" ? Base64url.decode(nonce) : undefined
  if (nonceBytes === undefined || nonceBytes.length !== NONCE_BYTES) {
    return problem("malformed", `nonce: must be ${NONCE_BYTES} bytes in base64url`, epoch)
  }
  const ctBytes = typeof ct === "string" ? Base64url.decode(ct) : undefined
  if (ctBytes === undefined) return problem("malformed", "ct: must be base64url", epoch)
  if (ctBytes.length < PRESENCE_FLOOR + TAG_BYTES) {
    return problem("too-short", `ct: must be at least ${PRESENCE_FLOOR + TAG_BYTES} bytes`, epoch)
  }
  const cryptoKey = keysFor(keys, epoch)?.presenceKey
  if (cryptoKey === undefined) {
    return problem("unknown-epoch", `epoch: this device has no key for epoch ${epoch}`, epoch)
  }
  let plain: Uint8Array
  try {
    plain = new Uint8Array(
      await subtle().decrypt(
        {
          name: "AES-GCM",
          iv: nonceBytes as Uint8Array<ArrayBuffer>,
          additionalData: additionalData(PURPOSE, keys.logId, "", epoch)
        },
        cryptoKey,
        ctBytes as Uint8Array<ArrayBuffer>
      )
    )
  } catch {
    return problem("not-authentic", "ct: failed authentication (changed, or from another log or key)", epoch)
  }
  const end = plain.indexOf(0)
  try {
    const state: unknown = JSON.parse(fromUtf8.decode(end === -1 ? plain : plain.subarray(0, end)))
    if (Predicate.isObject(state) && !Array.isArray(state))
      return Result.succeed(state as Record<string, unknown>)
  } catch {
    // falls through to the problem below
  }
  return problem("malformed-plaintext", "ct: the plaintext is not a JSON object", epoch)
}
