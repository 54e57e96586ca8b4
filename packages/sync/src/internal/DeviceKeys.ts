/**
 * This device's key pair in a sealed log, and the records that publish the devices' public keys.
 * Later key epochs (after a device is removed) are wrapped for these keys, so the relay and a
 * removed device cannot read them. ECDH on P-256 (WebCrypto): the one curve every WebCrypto has
 * (X25519 is in Node 20 and current Chromium, but not in older Safari and Chromium builds, nor in
 * every polyfill an embedding app may use); both give about 128-bit security here.
 *
 * A device's record in `doc.getMap("deviceKeys")`, under its credential id: `{ type: "sealed",
 * v: 1, nonce, ct }`, AES-256-GCM under the log's device-record key (HKDF of the family key, info
 * `"device-keys\0<logId>"`) over the raw public key (65 bytes), additional data
 * `["relactation/device-key/v1", logId, credentialId, 0]`: the relay can neither read nor forge
 * one, nor move it to another credential id. The names in the `devices` map are sealed the same
 * way in a sealed log (`sealName`, `openName`).
 */
import { Redacted } from "effect"
import type * as Y from "yjs"
import type { FamilyKey } from "../FamilyKey.js"
import type { DeviceKeyStore } from "../Persistence.js"
import { additionalData, NONCE_BYTES } from "./Envelope.js"
import { pad } from "./Padding.js"

/** The name of the Yjs map of the devices' sealed public keys (part of the documented layout). */
export const DEVICE_KEYS_MAP = "deviceKeys"

export const PUBLIC_KEY_BYTES = 65
const FINGERPRINT_BYTES = 16

const utf8 = new TextEncoder()
const subtle = (): SubtleCrypto => globalThis.crypto.subtle
const CURVE = { name: "ECDH", namedCurve: "P-256" } as const

/** This device's key pair with its public key's bytes and fingerprint. */
export interface DeviceKey {
  readonly privateKey: CryptoKey
  readonly publicRaw: Uint8Array
  readonly fingerprint: Uint8Array
}

/** The first 16 bytes of SHA-256 of a raw public key: names a key pair in a wrap. */
export const fingerprint = async (publicRaw: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await subtle().digest("SHA-256", publicRaw as Uint8Array<ArrayBuffer>), 0, FINGERPRINT_BYTES)

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

/** Imports a raw P-256 public key for ECDH, or `undefined` if it is not one. */
export const importPublic = async (raw: Uint8Array): Promise<CryptoKey | undefined> => {
  if (raw.length !== PUBLIC_KEY_BYTES) return undefined
  try {
    return await subtle().importKey("raw", raw as Uint8Array<ArrayBuffer>, CURVE, true, [])
  } catch {
    return undefined
  }
}

const withPublic = async (privateKey: CryptoKey, publicKey: CryptoKey): Promise<DeviceKey> => {
  const publicRaw = new Uint8Array(await subtle().exportKey("raw", publicKey))
  return { privateKey, publicRaw, fingerprint: await fingerprint(publicRaw) }
}

// "RLDK": the private key (PKCS#8) and the public key, sealed with the local checkpoint key.
const MAGIC = [0x52, 0x4c, 0x44, 0x4b]

const sealLocal = async (logId: string, checkpointKey: CryptoKey, plain: Uint8Array): Promise<Uint8Array> => {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ct = new Uint8Array(
    await subtle().encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: additionalData("device-private-key", logId, "", 0) },
      checkpointKey,
      plain as Uint8Array<ArrayBuffer>
    )
  )
  const out = new Uint8Array(MAGIC.length + NONCE_BYTES + ct.length)
  out.set(MAGIC, 0)
  out.set(nonce, MAGIC.length)
  out.set(ct, MAGIC.length + NONCE_BYTES)
  return out
}

const openLocal = async (
  logId: string,
  checkpointKey: CryptoKey,
  stored: Uint8Array
): Promise<DeviceKey | undefined> => {
  const head = MAGIC.length + NONCE_BYTES
  if (stored.length < head + PUBLIC_KEY_BYTES || MAGIC.some((b, i) => stored[i] !== b)) return undefined
  try {
    const plain = new Uint8Array(
      await subtle().decrypt(
        {
          name: "AES-GCM",
          iv: stored.slice(MAGIC.length, head),
          additionalData: additionalData("device-private-key", logId, "", 0)
        },
        checkpointKey,
        stored.slice(head)
      )
    )
    const publicRaw = plain.slice(0, PUBLIC_KEY_BYTES)
    const privateKey = await subtle().importKey("pkcs8", plain.slice(PUBLIC_KEY_BYTES), CURVE, false, [
      "deriveBits"
    ])
    return { privateKey, publicRaw, fingerprint: await fingerprint(publicRaw) }
  } catch {
    return undefined
  }
}

/**
 * This device's key pair for `logId`: the stored one, or a new one (stored when there is a
 * store). A stored pair that does not read back (damaged, another family key) is replaced.
 */
export const load = async (
  logId: string,
  store: DeviceKeyStore | undefined,
  checkpointKey: CryptoKey
): Promise<DeviceKey> => {
  if (store?.holds === "keys") {
    const stored = await store.read(logId).catch(() => undefined)
    if (stored !== undefined) return withPublic(stored.privateKey, stored.publicKey)
    const pair = (await subtle().generateKey(CURVE, false, ["deriveBits"])) as CryptoKeyPair
    await store.write(logId, pair)
    return withPublic(pair.privateKey, pair.publicKey)
  }
  if (store?.holds === "bytes") {
    const stored = await store.read(logId).catch(() => undefined)
    const opened = stored === undefined ? undefined : await openLocal(logId, checkpointKey, stored)
    if (opened !== undefined) return opened
    // Extractable only here, to seal it for the file; the key the log uses is imported again
    // non-extractable.
    const pair = (await subtle().generateKey(CURVE, true, ["deriveBits"])) as CryptoKeyPair
    const pkcs8 = new Uint8Array(await subtle().exportKey("pkcs8", pair.privateKey))
    const publicRaw = new Uint8Array(await subtle().exportKey("raw", pair.publicKey))
    const plain = new Uint8Array(PUBLIC_KEY_BYTES + pkcs8.length)
    plain.set(publicRaw, 0)
    plain.set(pkcs8, PUBLIC_KEY_BYTES)
    const sealed = await sealLocal(logId, checkpointKey, plain)
    await store.write(logId, sealed)
    const reopened = await openLocal(logId, checkpointKey, sealed)
    if (reopened === undefined) throw new Error("device key did not read back")
    return reopened
  }
  const pair = (await subtle().generateKey(CURVE, false, ["deriveBits"])) as CryptoKeyPair
  return withPublic(pair.privateKey, pair.publicKey)
}

/** The AES-256-GCM key that seals device records, from the family key. */
export const recordKey = async (logId: string, key: FamilyKey): Promise<CryptoKey> => {
  const root = await subtle().importKey(
    "raw",
    Redacted.value(key.secret) as Uint8Array<ArrayBuffer>,
    "HKDF",
    false,
    ["deriveKey"]
  )
  return subtle().deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: utf8.encode("relactation/sealed-log/v1"),
      info: utf8.encode(`device-keys\0${logId}`)
    } as HkdfParams,
    root,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"]
  )
}

/** The sealed record publishing `publicRaw` under `credentialId`. */
export const sealRecord = async (
  logId: string,
  key: CryptoKey,
  credentialId: string,
  publicRaw: Uint8Array
): Promise<Record<string, unknown>> => {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ct = new Uint8Array(
    await subtle().encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: additionalData("device-key", logId, credentialId, 0) },
      key,
      publicRaw as Uint8Array<ArrayBuffer>
    )
  )
  return { type: "sealed", v: 1, nonce, ct }
}

/** A device record's public key, or why it does not open. Never rejects. */
export const openRecord = async (
  logId: string,
  key: CryptoKey,
  credentialId: string,
  raw: unknown
): Promise<
  | { readonly ok: true; readonly publicRaw: Uint8Array; readonly fingerprint: Uint8Array }
  | { readonly ok: false; readonly reason: "malformed" | "not-authentic"; readonly detail: string }
> => {
  const { type, v, nonce, ct } = (raw ?? {}) as Record<string, unknown>
  if (type !== "sealed" || v !== 1 || !(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) {
    return { ok: false, reason: "malformed", detail: "device key: must be a version-1 sealed record" }
  }
  if (!(ct instanceof Uint8Array)) return { ok: false, reason: "malformed", detail: "ct: must be bytes" }
  try {
    const publicRaw = new Uint8Array(
      await subtle().decrypt(
        {
          name: "AES-GCM",
          iv: nonce as Uint8Array<ArrayBuffer>,
          additionalData: additionalData("device-key", logId, credentialId, 0)
        },
        key,
        ct as Uint8Array<ArrayBuffer>
      )
    )
    if ((await importPublic(publicRaw)) === undefined) {
      return { ok: false, reason: "malformed", detail: "device key: not a P-256 public key" }
    }
    return { ok: true, publicRaw, fingerprint: await fingerprint(publicRaw) }
  } catch {
    return {
      ok: false,
      reason: "not-authentic",
      detail: "device key: failed authentication (changed, or moved to another credential id)"
    }
  }
}

/** The map of device records. */
export const recordsOf = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(DEVICE_KEYS_MAP)

const NAME_FLOOR = 64

/**
 * A device's name as a sealed log keeps it in the `devices` map: `{ type: "sealed", v: 1, nonce,
 * ct }`, AES-256-GCM under the device-record key over `{"name":…}` (JSON, zero-padded to 64 bytes,
 * PADMÉ above), additional data `["relactation/device-name/v1", logId, credentialId, 0]`.
 */
export const sealName = async (
  logId: string,
  key: CryptoKey,
  credentialId: string,
  name: string
): Promise<Record<string, unknown>> => {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ct = new Uint8Array(
    await subtle().encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: additionalData("device-name", logId, credentialId, 0) },
      key,
      pad(utf8.encode(JSON.stringify({ name })), NAME_FLOOR)
    )
  )
  return { type: "sealed", v: 1, nonce, ct }
}

/** The name a sealed `devices` record holds, or `undefined` (not sealed, changed, moved). */
export const openName = async (
  logId: string,
  key: CryptoKey,
  credentialId: string,
  raw: unknown
): Promise<string | undefined> => {
  const { type, v, nonce, ct } = (raw ?? {}) as Record<string, unknown>
  if (type !== "sealed" || v !== 1 || !(nonce instanceof Uint8Array) || !(ct instanceof Uint8Array)) {
    return undefined
  }
  try {
    const plain = new Uint8Array(
      await subtle().decrypt(
        {
          name: "AES-GCM",
          iv: nonce as Uint8Array<ArrayBuffer>,
          additionalData: additionalData("device-name", logId, credentialId, 0)
        },
        key,
        ct as Uint8Array<ArrayBuffer>
      )
    )
    const end = plain.indexOf(0)
    const parsed: unknown = JSON.parse(new TextDecoder().decode(end < 0 ? plain : plain.subarray(0, end)))
    const name = (parsed as { name?: unknown } | null)?.name
    return typeof name === "string" ? name : undefined
  } catch {
    return undefined
  }
}
