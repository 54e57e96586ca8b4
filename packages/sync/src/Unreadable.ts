/**
 * What a device reports when a sealed entry or a sealed presence state cannot be opened: a typed
 * problem with a reason, never an exception at the app. Messages name the field and the rule and
 * never carry plaintext or key material (there is none to carry: nothing was decrypted).
 *
 * @since 0.2.0
 */
import { Data } from "effect"

/**
 * Why a sealed value could not be opened.
 *
 * - `malformed`: not a `sealed` envelope of version 1 (a field missing or of the wrong kind);
 * - `newer-version`: an envelope version this library does not know (written by a newer app);
 * - `too-short`: the ciphertext is shorter than the smallest padded plaintext plus its tag;
 * - `unknown-epoch`: sealed with a key epoch this device has no key for;
 * - `not-authentic`: AES-GCM authentication failed: a changed byte, an entry moved to another
 *   map key or log, or one sealed with another family key (AES-GCM cannot tell these apart);
 * - `malformed-plaintext`: authentic, but the plaintext is not a packed entry (a buggy writer);
 * - `id-mismatch`: authentic, but the event's id does not blind to the map key it is stored under;
 * - `not-sealed`: a plain (unsealed) value in a sealed log: not trusted, since anyone who can
 *   write to the relay (the relay included) could have written it. A plaintext log opened with a
 *   key reports every entry so (see "Sealed and plaintext logs" in the README).
 *
 * @since 0.2.0
 * @category models
 */
export type UnreadableReason =
  | "malformed"
  | "newer-version"
  | "too-short"
  | "unknown-epoch"
  | "not-authentic"
  | "malformed-plaintext"
  | "id-mismatch"
  | "not-sealed"

/**
 * A sealed entry of the `events` map that could not be opened. It stays in the map untouched and
 * is reported, never counted by projections.
 *
 * @since 0.2.0
 * @category errors
 */
export class UnreadableEntry extends Data.TaggedError("UnreadableEntry")<{
  /** The map key (a blinded id). */
  readonly key: string
  readonly reason: UnreadableReason
  /** `field: rule`, for people. */
  readonly detail: string
  /** The key epoch the envelope names, when it names a valid one. */
  readonly epoch: number | undefined
  /** The envelope as stored (ciphertext only). */
  readonly raw: unknown
}> {
  override get message(): string {
    return `sealed entry: ${this.detail}`
  }
}

/**
 * A sealed presence state (another device's awareness state) that could not be opened. The peer
 * is left out of `peers`; the state is not otherwise used.
 *
 * @since 0.2.0
 * @category errors
 */
export class UnreadablePresence extends Data.TaggedError("UnreadablePresence")<{
  readonly reason: UnreadableReason
  readonly detail: string
  readonly epoch: number | undefined
}> {
  override get message(): string {
    return `sealed presence: ${this.detail}`
  }
}
