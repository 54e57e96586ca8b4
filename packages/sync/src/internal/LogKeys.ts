/**
 * The keys of one sealed log, derived from the family key with HKDF-SHA256 (WebCrypto only), one
 * per purpose so that no key is used for two things: entry encryption per key epoch (AES-256-GCM),
 * id blinding (HMAC-SHA256) and presence (AES-256-GCM). The log id is part of every derivation, so
 * two logs of one family share no key and the same event id blinds differently in each.
 */
import { Redacted } from "effect"
import type { FamilyKey } from "../FamilyKey.js"

const utf8 = new TextEncoder()
const SALT = utf8.encode("relactation/sealed-log/v1")

/** The key material a device holds for one log. Keys are not extractable. */
export interface LogKeys {
  readonly logId: string
  /** The epoch new entries and presence are sealed with: the highest one known. */
  readonly epoch: number
  /** The entry key of an epoch, if this device has its secret. */
  readonly entryKey: (epoch: number) => CryptoKey | undefined
  /** HMAC-SHA256 key that blinds event ids into map keys (the same in every epoch). */
  readonly idKey: CryptoKey
  /** The presence key of each known epoch. */
  readonly presenceKey: (epoch: number) => CryptoKey | undefined
  /**
   * AES-256-GCM key of this device's local checkpoint (decoded entries at rest), from the family
   * key (epoch 0): the checkpoint never leaves the device, so it needs no epoch.
   */
  readonly checkpointKey: CryptoKey
}

/** A later epoch's secret (after a device was removed), as key rotation will hand it out. */
export interface EpochSecret {
  readonly epoch: number
  readonly key: FamilyKey
}

const subtle = (): SubtleCrypto => globalThis.crypto.subtle

const info = (purpose: string, logId: string, epoch?: number): Uint8Array =>
  utf8.encode(epoch === undefined ? `${purpose}\0${logId}` : `${purpose}\0${logId}\0${epoch}`)

const base = (key: FamilyKey): Promise<CryptoKey> =>
  subtle().importKey("raw", Redacted.value(key.secret) as Uint8Array<ArrayBuffer>, "HKDF", false, [
    "deriveKey"
  ])

const hkdf = (salt: Uint8Array, infoBytes: Uint8Array) =>
  ({ name: "HKDF", hash: "SHA-256", salt, info: infoBytes }) as HkdfParams

const aesKey = (root: CryptoKey, infoBytes: Uint8Array): Promise<CryptoKey> =>
  subtle().deriveKey(hkdf(SALT, infoBytes), root, { name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt"
  ])

const hmacKey = (root: CryptoKey, infoBytes: Uint8Array): Promise<CryptoKey> =>
  subtle().deriveKey(hkdf(SALT, infoBytes), root, { name: "HMAC", hash: "SHA-256", length: 256 }, false, [
    "sign"
  ])

/**
 * Derives a log's keys. `key` is the family key: it seals epoch 0 and blinds ids. `later` holds
 * the secrets of later epochs, if the family rotated (each epoch number once, all above 0).
 */
export const deriveLogKeys = async (
  logId: string,
  key: FamilyKey,
  later: ReadonlyArray<EpochSecret> = []
): Promise<LogKeys> => {
  const epochs = [{ epoch: 0, key }, ...later]
  const seen = new Set<number>()
  for (const { epoch } of epochs) {
    if (!Number.isSafeInteger(epoch) || epoch < 0 || seen.has(epoch)) {
      throw new RangeError("epochs must be distinct whole numbers above 0")
    }
    seen.add(epoch)
  }
  const roots = await Promise.all(epochs.map((e) => base(e.key)))
  const entries = new Map<number, CryptoKey>()
  const presence = new Map<number, CryptoKey>()
  await Promise.all(
    epochs.map(async ({ epoch }, i) => {
      entries.set(epoch, await aesKey(roots[i]!, info("entries", logId, epoch)))
      presence.set(epoch, await aesKey(roots[i]!, info("presence", logId, epoch)))
    })
  )
  const idKey = await hmacKey(roots[0]!, info("ids", logId))
  const checkpointKey = await aesKey(roots[0]!, info("checkpoint", logId))
  return {
    logId,
    epoch: Math.max(...seen),
    entryKey: (epoch) => entries.get(epoch),
    idKey,
    presenceKey: (epoch) => presence.get(epoch),
    checkpointKey
  }
}
