/**
 * Epoch secrets wrapped for one device's public key (ECIES on WebCrypto): a fresh ephemeral
 * P-256 key pair per wrap, ECDH with the recipient's public key, HKDF-SHA256 to an AES-256-GCM
 * key, which seals every later epoch secret the wrapping device holds. So a device that gets only
 * the newest wrap reads every older entry too (the chain Jazz keeps as "old keys sealed under the
 * new one", here in one payload). The additional data binds the log id, the epoch, the recipient's
 * credential id and its key's fingerprint, so a wrap moved to another recipient does not open.
 */
import { Redacted } from "effect"
import { FAMILY_KEY_BYTES, fromBytes } from "../FamilyKey.js"
import * as Base64url from "./base64url.js"
import type { DeviceKey } from "./DeviceKeys.js"
import { importPublic, PUBLIC_KEY_BYTES, sameBytes } from "./DeviceKeys.js"
import { additionalData, NONCE_BYTES } from "./Envelope.js"
import type { EpochSecret } from "./LogKeys.js"

/** The name of the Yjs map of wrapped epoch secrets: `<epoch>/<credentialId>` → wrap. */
export const EPOCHS_MAP = "epochs"

/** A wrap as stored. */
export interface Wrap {
  readonly type: "wrap"
  readonly v: 1
  readonly epoch: number
  /** Fingerprint of the recipient's public key (which of its key pairs this is for). */
  readonly for: Uint8Array
  /** The ephemeral public key (raw, 65 bytes). */
  readonly eph: Uint8Array
  readonly nonce: Uint8Array
  readonly ct: Uint8Array
}

const utf8 = new TextEncoder()
const subtle = (): SubtleCrypto => globalThis.crypto.subtle
const CURVE = { name: "ECDH", namedCurve: "P-256" } as const
const ENTRY_BYTES = 8 + FAMILY_KEY_BYTES

export const wrapKey = (epoch: number, credentialId: string): string => `${epoch}/${credentialId}`

/** The epoch and recipient a map key names, or `undefined`. */
export const parseWrapKey = (
  key: string
): { readonly epoch: number; readonly credentialId: string } | undefined => {
  const slash = key.indexOf("/")
  if (slash <= 0) return undefined
  const epoch = Number(key.slice(0, slash))
  if (!Number.isSafeInteger(epoch) || epoch <= 0 || String(epoch) !== key.slice(0, slash)) return undefined
  return { epoch, credentialId: key.slice(slash + 1) }
}

const aad = (logId: string, epoch: number, credentialId: string, forKey: Uint8Array) =>
  additionalData("epoch-wrap", logId, `${wrapKey(epoch, credentialId)}/${Base64url.encode(forKey)}`, epoch)

const wrappingKey = async (
  privateKey: CryptoKey,
  publicKey: CryptoKey,
  ephRaw: Uint8Array,
  recipientRaw: Uint8Array
): Promise<CryptoKey> => {
  const bits = await subtle().deriveBits({ name: "ECDH", public: publicKey }, privateKey, 256)
  const root = await subtle().importKey("raw", bits, "HKDF", false, ["deriveKey"])
  const info = new Uint8Array(ephRaw.length + recipientRaw.length)
  info.set(ephRaw, 0)
  info.set(recipientRaw, ephRaw.length)
  return subtle().deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8.encode("relactation/epoch-wrap/v1"), info } as HkdfParams,
    root,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"]
  )
}

const pack = (secrets: ReadonlyArray<EpochSecret>): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(secrets.length * ENTRY_BYTES)
  const view = new DataView(out.buffer)
  secrets.forEach((s, i) => {
    view.setBigUint64(i * ENTRY_BYTES, BigInt(s.epoch))
    out.set(Redacted.value(s.key.secret), i * ENTRY_BYTES + 8)
  })
  return out
}

const unpack = (bytes: Uint8Array): Array<EpochSecret> | undefined => {
  if (bytes.length === 0 || bytes.length % ENTRY_BYTES !== 0) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Array<EpochSecret> = []
  for (let at = 0; at < bytes.length; at += ENTRY_BYTES) {
    const epoch = Number(view.getBigUint64(at))
    const key = fromBytes(bytes.slice(at + 8, at + ENTRY_BYTES))
    if (!Number.isSafeInteger(epoch) || epoch <= 0 || key._tag !== "Success") return undefined
    out.push({ epoch, key: key.success })
  }
  return out
}

/** Wraps `secrets` (all above epoch 0, `epoch` among them) for one recipient. */
export const wrap = async (args: {
  readonly logId: string
  readonly epoch: number
  readonly credentialId: string
  readonly publicRaw: Uint8Array
  readonly fingerprint: Uint8Array
  readonly secrets: ReadonlyArray<EpochSecret>
}): Promise<Wrap> => {
  const recipient = await importPublic(args.publicRaw)
  if (recipient === undefined) throw new RangeError("not a P-256 public key")
  const eph = (await subtle().generateKey(CURVE, false, ["deriveBits"])) as CryptoKeyPair
  const ephRaw = new Uint8Array(await subtle().exportKey("raw", eph.publicKey))
  const key = await wrappingKey(eph.privateKey, recipient, ephRaw, args.publicRaw)
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ct = new Uint8Array(
    await subtle().encrypt(
      {
        name: "AES-GCM",
        iv: nonce,
        additionalData: aad(args.logId, args.epoch, args.credentialId, args.fingerprint)
      },
      key,
      pack(args.secrets)
    )
  )
  return { type: "wrap", v: 1, epoch: args.epoch, for: args.fingerprint, eph: ephRaw, nonce, ct }
}

/** Why a wrap addressed to this device does not open. */
export interface WrapProblem {
  readonly reason: "malformed" | "not-authentic"
  readonly detail: string
}

/** The shape of a stored wrap, or what is wrong with it. */
export const checkWrap = (raw: unknown, epoch: number): Wrap | WrapProblem => {
  const w = (raw ?? {}) as Record<string, unknown>
  if (w.type !== "wrap" || w.v !== 1) return { reason: "malformed", detail: 'type: must be "wrap", v 1' }
  if (w.epoch !== epoch) return { reason: "malformed", detail: "epoch: must be the epoch its key names" }
  const bytes = (name: string, length?: number) =>
    w[name] instanceof Uint8Array && (length === undefined || (w[name] as Uint8Array).length === length)
  if (!bytes("for", 16)) return { reason: "malformed", detail: "for: must be 16 bytes" }
  if (!bytes("eph", PUBLIC_KEY_BYTES)) return { reason: "malformed", detail: "eph: must be 65 bytes" }
  if (!bytes("nonce", NONCE_BYTES)) return { reason: "malformed", detail: "nonce: must be 12 bytes" }
  if (!bytes("ct")) return { reason: "malformed", detail: "ct: must be bytes" }
  return raw as Wrap
}

export const isWrap = (value: Wrap | WrapProblem): value is Wrap => "type" in value

/** The secrets a wrap for this device holds, or why not. Never rejects. */
export const unwrap = async (args: {
  readonly logId: string
  readonly epoch: number
  readonly credentialId: string
  readonly device: DeviceKey
  readonly raw: unknown
}): Promise<ReadonlyArray<EpochSecret> | WrapProblem> => {
  const checked = checkWrap(args.raw, args.epoch)
  if (!isWrap(checked)) return checked
  if (!sameBytes(checked.for, args.device.fingerprint)) {
    return {
      reason: "not-authentic",
      detail: "for: wrapped for another device key (moved here, or for this device's earlier key)"
    }
  }
  const eph = await importPublic(checked.eph)
  if (eph === undefined) return { reason: "malformed", detail: "eph: not a P-256 public key" }
  try {
    const key = await wrappingKey(args.device.privateKey, eph, checked.eph, args.device.publicRaw)
    const plain = new Uint8Array(
      await subtle().decrypt(
        {
          name: "AES-GCM",
          iv: checked.nonce as Uint8Array<ArrayBuffer>,
          additionalData: aad(args.logId, args.epoch, args.credentialId, args.device.fingerprint)
        },
        key,
        checked.ct as Uint8Array<ArrayBuffer>
      )
    )
    const secrets = unpack(plain)
    if (secrets === undefined || !secrets.some((s) => s.epoch === args.epoch)) {
      return {
        reason: "malformed",
        detail: "ct: authentic, but not a list of epoch secrets with its own epoch"
      }
    }
    return secrets
  } catch {
    return {
      reason: "not-authentic",
      detail: "ct: failed authentication (changed, or moved to another epoch or recipient)"
    }
  }
}

/** Secrets of epochs (above 0): a new random one for `epoch`. */
export const freshSecret = (epoch: number): EpochSecret => {
  const key = fromBytes(globalThis.crypto.getRandomValues(new Uint8Array(FAMILY_KEY_BYTES)))
  if (key._tag !== "Success") throw new Error("unreachable")
  return { epoch, key: key.success }
}

/**
 * Epoch numbers: a generation (one more than the highest known) times 2^32 plus 32 random bits,
 * so two devices rotating at once (each removing someone) make two different epochs of one
 * generation; the higher number seals, both stay readable.
 */
export const GENERATION = 2 ** 32
export const generationOf = (epoch: number): number => Math.floor(epoch / GENERATION)
export const nextEpoch = (current: number): number => {
  const random = globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!
  return (generationOf(current) + 1) * GENERATION + random
}
