/**
 * Recovery words: the family key as 24 words of the BIP39 English list (256 bits and an 8-bit
 * checksum), to write down and type into a new phone when no other phone is at hand. The words
 * ARE the key: whoever has them can read the family's log. BIP39 is done by `@scure/bip39`
 * (audited, no dependencies besides `@noble/hashes`); only its entropy encoding is used, never
 * its seed derivation (PBKDF2), since the words carry the key itself.
 *
 * @since 0.2.0
 */
import { entropyToMnemonic, mnemonicToEntropy } from "@scure/bip39"
import { wordlist } from "@scure/bip39/wordlists/english.js"
import { Data, Redacted, Result } from "effect"
import { formatFamilyKey, fromBytes, parseFamilyKey } from "./FamilyKey.js"
import type { InvalidLogOptions } from "./SyncError.js"

/**
 * How many recovery words a family key takes.
 *
 * @since 0.2.0
 * @category constants
 */
export const RECOVERY_WORDS = 24

/**
 * Recovery words that are not a family key. `code`: `word-count` (not 24 words), `unknown-word`
 * (`position`, 1-based, is not in the BIP39 English list: a typo), `checksum` (every word is on
 * the list but they do not fit together: a word swapped or mistyped into another list word). The
 * message never repeats the words.
 *
 * @since 0.2.0
 * @category errors
 */
export class InvalidRecoveryWords extends Data.TaggedError("InvalidRecoveryWords")<{
  readonly code: "word-count" | "unknown-word" | "checksum"
  /** The first word not on the list (1-based), for `unknown-word`. */
  readonly position: number | undefined
  /** How many words were given. */
  readonly count: number
}> {
  override get message(): string {
    if (this.code === "word-count")
      return `recovery words: must be ${RECOVERY_WORDS} words, got ${this.count}`
    if (this.code === "unknown-word") {
      return `recovery words: word ${this.position} is not a BIP39 English word (check its spelling)`
    }
    return "recovery words: the checksum does not match (a word is wrong or out of order)"
  }
}

const known = new Set(wordlist)

/** The words of a typed text: any spaces, commas or line breaks between them, any letter case. */
const wordsOf = (text: string): Array<string> =>
  text
    .normalize("NFKD")
    .toLowerCase()
    .split(/[\s,;.]+/)
    .filter((w) => w.length > 0)

/**
 * The family key (as `generateFamilyKey` gives it) as 24 recovery words. Fails with
 * `InvalidLogOptions` (option `key`) when `key` is not a family key.
 *
 * @example
 * ```ts
 * import { generateFamilyKey, keyFromRecoveryWords, recoveryWords } from "@relactation/sync"
 * import { Result } from "effect"
 *
 * const key = generateFamilyKey()
 * const words = Result.getOrThrow(recoveryWords(key)) // 24 words: show them, never send them
 * Result.getOrThrow(keyFromRecoveryWords(words.join(" "))) === key // true
 * ```
 *
 * @since 0.2.0
 * @category recovery
 */
export const recoveryWords = (key: string): Result.Result<ReadonlyArray<string>, InvalidLogOptions> =>
  Result.map(parseFamilyKey(key), (parsed) => {
    return entropyToMnemonic(Redacted.value(parsed.secret), wordlist).split(" ")
  })

/**
 * The family key from its recovery words (typed with any spacing and case); fails with
 * `InvalidRecoveryWords` naming what is wrong.
 *
 * @since 0.2.0
 * @category recovery
 */
export const keyFromRecoveryWords = (text: string): Result.Result<string, InvalidRecoveryWords> => {
  const words = wordsOf(text)
  if (words.length !== RECOVERY_WORDS) {
    return Result.fail(
      new InvalidRecoveryWords({ code: "word-count", position: undefined, count: words.length })
    )
  }
  const unknown = words.findIndex((w) => !known.has(w))
  if (unknown >= 0) {
    return Result.fail(
      new InvalidRecoveryWords({ code: "unknown-word", position: unknown + 1, count: words.length })
    )
  }
  let bytes: Uint8Array
  try {
    bytes = mnemonicToEntropy(words.join(" "), wordlist)
  } catch {
    return Result.fail(
      new InvalidRecoveryWords({ code: "checksum", position: undefined, count: words.length })
    )
  }
  const key = fromBytes(bytes)
  return Result.isSuccess(key)
    ? Result.succeed(formatFamilyKey(key.success))
    : Result.fail(new InvalidRecoveryWords({ code: "word-count", position: undefined, count: words.length }))
}
