/**
 * The family key: one 32-byte secret per family, created by the first device, that lets a device
 * read and write the family's sealed log. It is shown to people (invite links, recovery) as a
 * base64url string; parsed, it is kept redacted so logging it never prints it.
 *
 * @since 0.2.0
 */
import { Redacted, Result } from "effect"
import * as Base64url from "./internal/base64url.js"
import { InvalidLogOptions } from "./SyncError.js"

/**
 * A parsed family key. Its bytes are behind `Redacted`: `String(key)`, `JSON.stringify(key)`
 * and `console.log(key)` show `<redacted>`, never the secret.
 *
 * @since 0.2.0
 * @category models
 */
export interface FamilyKey {
  readonly _tag: "FamilyKey"
  readonly secret: Redacted.Redacted<Uint8Array>
}

/**
 * Bytes in a family key.
 *
 * @since 0.2.0
 * @category constants
 */
export const FAMILY_KEY_BYTES = 32

/** 32 bytes are 43 base64url characters without padding. */
const KEY_CHARS = Math.ceil((FAMILY_KEY_BYTES * 4) / 3)

const invalid = () => new InvalidLogOptions({ option: "key", rule: RULE, code: "family-key-format" })
const RULE = `must be a family key from generateFamilyKey(): ${KEY_CHARS} base64url characters (${FAMILY_KEY_BYTES} bytes)`

/**
 * A new family key: 32 random bytes from `crypto.getRandomValues`, as base64url (43 characters).
 * The first device of a family calls it once; every other device gets the same string (invite
 * link, recovery), never through the relay.
 *
 * @since 0.2.0
 * @category constructors
 */
export const generateFamilyKey = (): string =>
  Base64url.encode(globalThis.crypto.getRandomValues(new Uint8Array(FAMILY_KEY_BYTES)))

/**
 * Parses a family key string strictly: exactly 43 characters of `[A-Za-z0-9_-]` that are the
 * canonical encoding of 32 bytes. Anything else fails with `InvalidLogOptions` naming the option
 * `key` and the rule; the message never repeats the input, which may be a mistyped secret.
 *
 * @since 0.2.0
 * @category parsing
 */
export const parseFamilyKey = (input: unknown): Result.Result<FamilyKey, InvalidLogOptions> => {
  const bytes = typeof input === "string" && input.length === KEY_CHARS ? Base64url.decode(input) : undefined
  return bytes === undefined ? Result.fail(invalid()) : fromBytes(bytes)
}

/**
 * A family key from its 32 bytes (for keys that arrive as bytes, such as recovery words).
 * The bytes are copied.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromBytes = (bytes: Uint8Array): Result.Result<FamilyKey, InvalidLogOptions> =>
  bytes.length !== FAMILY_KEY_BYTES
    ? Result.fail(invalid())
    : Result.succeed({
        _tag: "FamilyKey",
        secret: Redacted.make(Uint8Array.from(bytes), { label: "FamilyKey" })
      })

/**
 * The key as the base64url string `generateFamilyKey` returns (to show it in an invite).
 *
 * @since 0.2.0
 * @category encoding
 */
export const formatFamilyKey = (key: FamilyKey): string => Base64url.encode(Redacted.value(key.secret))
