/**
 * The key an invite carries: the family key plus every later key epoch's secret the inviting
 * device holds, in one text (base64url, for a URL fragment and a QR code), so a phone invited
 * after a removal seals with the current epoch from its first entry, even before it went online.
 * Pure text work: no WebCrypto.
 *
 * @since 0.2.0
 */
import { Redacted, Result } from "effect"
import * as Base64url from "./internal/base64url.js"
import type { EpochSecret } from "./internal/Epochs.js"
import { FAMILY_KEY_BYTES, type FamilyKey, formatFamilyKey, fromBytes, parseFamilyKey } from "./FamilyKey.js"
import { InvalidLogOptions } from "./SyncError.js"

/**
 * How an invite key starts: `e1.` (epochs, version 1), then base64url of the family key's 32
 * bytes followed by, for each later epoch in ascending order, its number (8 bytes, big-endian,
 * 1 to 2^53 − 1) and its 32-byte secret. A family key alone (43 characters) has no `.`, so the
 * two forms never look alike.
 *
 * @since 0.2.0
 * @category constants
 */
export const INVITE_KEY_PREFIX = "e1."

/** One later epoch in the invite key's bytes: number and secret. */
const EPOCH_BYTES = 8 + FAMILY_KEY_BYTES

/** Far above what a family removes (each removal adds 54 characters), far below a huge input. */
const MAX_EPOCHS = 1024

const RULE =
  "must be a family key from generateFamilyKey() (43 base64url characters) or an invite key from log.invite() (e1. then base64url of the family key and later epochs)"

const invalid = () => new InvalidLogOptions({ option: "key", rule: RULE, code: "family-key-format" })

/**
 * A parsed `key` option: the family key (epoch 0) and the later epochs' secrets that came with it
 * (none for a family key alone).
 *
 * @since 0.2.0
 * @category models
 */
export interface ParsedKey {
  readonly familyKey: FamilyKey
  readonly later: ReadonlyArray<EpochSecret>
}

/**
 * Parses what `openLog`'s `key` option takes: a family key, or an invite key (`e1.…`). Strict:
 * canonical base64url, whole epochs, epochs ascending and each from 1 to 2^53 − 1. Anything else
 * fails with `InvalidLogOptions` (`option: "key"`, `code: "family-key-format"`); the message never
 * repeats the input.
 *
 * @since 0.2.0
 * @category parsing
 */
export const parseKey = (input: unknown): Result.Result<ParsedKey, InvalidLogOptions> => {
  if (typeof input !== "string" || !input.startsWith(INVITE_KEY_PREFIX)) {
    const plain = parseFamilyKey(input)
    return Result.isFailure(plain)
      ? Result.fail(invalid())
      : Result.succeed({ familyKey: plain.success, later: [] })
  }
  const body = input.slice(INVITE_KEY_PREFIX.length)
  if (body.length > Math.ceil(((FAMILY_KEY_BYTES + MAX_EPOCHS * EPOCH_BYTES) * 4) / 3))
    return Result.fail(invalid())
  const bytes = Base64url.decode(body)
  if (bytes === undefined || bytes.length <= FAMILY_KEY_BYTES) return Result.fail(invalid())
  const rest = bytes.length - FAMILY_KEY_BYTES
  if (rest % EPOCH_BYTES !== 0) return Result.fail(invalid())
  const family = fromBytes(bytes.subarray(0, FAMILY_KEY_BYTES))
  if (Result.isFailure(family)) return Result.fail(invalid())
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const later: Array<EpochSecret> = []
  let previous = 0
  for (let at = FAMILY_KEY_BYTES; at < bytes.length; at += EPOCH_BYTES) {
    const epoch = Number(view.getBigUint64(at))
    if (!Number.isSafeInteger(epoch) || epoch <= previous) return Result.fail(invalid())
    previous = epoch
    const secret = fromBytes(bytes.subarray(at + 8, at + EPOCH_BYTES))
    if (Result.isFailure(secret)) return Result.fail(invalid())
    later.push({ epoch, key: secret.success })
  }
  return Result.succeed({ familyKey: family.success, later })
}

/**
 * The text of a family key and later epochs: the family key alone (43 characters) when there are
 * none, as before any removal; otherwise `e1.` and base64url of the bytes described at
 * {@link INVITE_KEY_PREFIX}. Throws a `RangeError` for an epoch that is not a whole number from 1
 * to 2^53 − 1, or given twice.
 *
 * @since 0.2.0
 * @category encoding
 */
export const formatKey = (familyKey: FamilyKey, later: ReadonlyArray<EpochSecret>): string => {
  if (later.length === 0) return formatFamilyKey(familyKey)
  const sorted = [...later].sort((a, b) => a.epoch - b.epoch)
  const bytes = new Uint8Array(FAMILY_KEY_BYTES + sorted.length * EPOCH_BYTES)
  const view = new DataView(bytes.buffer)
  bytes.set(Redacted.value(familyKey.secret), 0)
  let previous = 0
  sorted.forEach(({ epoch, key }, i) => {
    if (!Number.isSafeInteger(epoch) || epoch <= previous) {
      throw new RangeError("epochs must be distinct whole numbers from 1 to 2^53 - 1")
    }
    previous = epoch
    const at = FAMILY_KEY_BYTES + i * EPOCH_BYTES
    view.setBigUint64(at, BigInt(epoch))
    bytes.set(Redacted.value(key.secret), at + 8)
  })
  return INVITE_KEY_PREFIX + Base64url.encode(bytes)
}

/**
 * The family key (43 characters) inside a `key` option's text, for what takes the family key
 * alone: recovery words (`recoveryWords`) are the family key only, never the later epochs, so a
 * phone restored from them reads up to the first removal until another phone wraps it the rest.
 *
 * @since 0.2.0
 * @category parsing
 */
export const familyKeyOf = (input: unknown): Result.Result<string, InvalidLogOptions> =>
  Result.map(parseKey(input), (parsed) => formatFamilyKey(parsed.familyKey))
