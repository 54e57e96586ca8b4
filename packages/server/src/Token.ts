/**
 * Access tokens for the relay: an HMAC-SHA256 signature over one log id and an expiry, so a token
 * opens exactly one family's log until it expires. Three kinds share the scheme:
 * - `v1.<logId>.<expiresAt>.<sig>`: a family token (one for every device; no credential id, so it
 *   cannot be revoked alone). Still accepted until it expires;
 * - `v2.<logId>.<credentialId>.<expiresAt>.<sig>`: a device credential, one per device, revocable by
 *   its credential id and renewable through the relay;
 * - `j1.<logId>.<joinId>.<expiresAt>.<sig>`: a short-lived join token a new device exchanges, once,
 *   for its own credential. It never opens a websocket.
 * The signature covers the prefix, so one kind is never taken for another. The secret is the only
 * state a token needs; the revocation list and used join tokens live in a `CredentialStore`.
 *
 * @since 0.1.0
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { isCredentialId, isLogId, TOKEN_SUBPROTOCOL as PROTOCOL } from "@relactation/core/protocol"

/**
 * Version prefix of the token format. A new format gets a new prefix so old tokens are refused as
 * `malformed` rather than misread.
 *
 * @since 0.1.0
 * @category tokens
 */
export const TOKEN_VERSION = "v1"

/**
 * Lifetime of a token when none is given: 30 days.
 *
 * @since 0.1.0
 * @category tokens
 */
export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60

/**
 * The longest lifetime a token may have: 366 days. `mintToken` refuses a longer `ttlSeconds`, and
 * `verifyToken` refuses (as `malformed`) a token whose expiry lies further ahead than this, so a
 * leaked token is never good for decades.
 *
 * @since 0.2.0
 * @category tokens
 */
export const MAX_TOKEN_TTL_SECONDS = 366 * 24 * 60 * 60

/**
 * The subprotocol a client offers next to its token when it sends the token in the
 * `Sec-WebSocket-Protocol` header instead of the URL (`protocols: [TOKEN_SUBPROTOCOL, token]`): the
 * relay answers with this one, so the token is never echoed, and the URL that proxies log holds none.
 *
 * @since 0.2.0
 * @category tokens
 */
export const TOKEN_SUBPROTOCOL: typeof PROTOCOL = PROTOCOL

/**
 * Prefix of a device credential (`v2.<logId>.<credentialId>.<expiresAt>.<signature>`).
 *
 * @since 0.2.0
 * @category tokens
 */
export const CREDENTIAL_VERSION = "v2"

/**
 * Prefix of a join token (`j1.<logId>.<joinId>.<expiresAt>.<signature>`).
 *
 * @since 0.2.0
 * @category tokens
 */
export const JOIN_TOKEN_VERSION = "j1"

/**
 * Lifetime of a join token when none is given: 24 hours.
 *
 * @since 0.2.0
 * @category tokens
 */
export const DEFAULT_JOIN_TTL_SECONDS = 24 * 60 * 60

/**
 * The longest lifetime a join token may have: 7 days.
 *
 * @since 0.2.0
 * @category tokens
 */
export const MAX_JOIN_TTL_SECONDS = 7 * 24 * 60 * 60

// Clocks of the minting backend and the relay may differ a little.
const CLOCK_SKEW_SECONDS = 300

/**
 * Why a token was refused. `wrong-log` means the token is genuine but names another log.
 *
 * @since 0.1.0
 * @category tokens
 */
export type TokenRefusal = "missing" | "malformed" | "bad-signature" | "expired" | "wrong-log"

/**
 * The result of {@link verifyToken}. `expiresAt` is in Unix seconds.
 *
 * @since 0.1.0
 * @category tokens
 */
export type TokenVerification =
  | { ok: true; expiresAt: number; credentialId?: string | undefined }
  | { ok: false; reason: TokenRefusal }

/**
 * Options for {@link mintToken}. `now` is in Unix milliseconds (injectable so tests are deterministic).
 *
 * @since 0.1.0
 * @category tokens
 */
export interface MintTokenOptions {
  readonly ttlSeconds?: number
  readonly now?: number
}

// The signature is always 32 bytes, i.e. 43 base64url characters without padding.
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/
const EXPIRY_PATTERN = /^[1-9][0-9]{0,11}$/

const sign = (secret: string, body: string): Buffer => createHmac("sha256", secret).update(body).digest()

/**
 * A fresh credential id: 16 random bytes as 22 base64url characters, never starting with `-`, so an
 * operator's `relactation-relay revoke <log> <credentialId>` is never read as a flag (a draw starting
 * with `-`, 1 in 64, is drawn again).
 *
 * @since 0.2.0
 * @category tokens
 */
export const newCredentialId = (): string => {
  for (;;) {
    const id = randomBytes(16).toString("base64url")
    if (!id.startsWith("-")) return id
  }
}

const expiryOf = (who: string, options: MintTokenOptions, fallback: number, max: number): number => {
  const ttl = options.ttlSeconds ?? fallback
  if (!Number.isFinite(ttl) || ttl <= 0) throw new Error(`${who}: ttlSeconds must be a positive number`)
  if (ttl > max) throw new Error(`${who}: ttlSeconds must be at most ${max} (${max / 86_400} days)`)
  return Math.floor((options.now ?? Date.now()) / 1000) + Math.ceil(ttl)
}

const signed = (secret: string, body: string): string => `${body}.${sign(secret, body).toString("base64url")}`

const checkMint = (who: string, secret: string, logId: string): void => {
  if (secret.length === 0) throw new Error(`${who}: the secret must not be empty`)
  if (!isLogId(logId)) throw new Error(`${who}: logId must be 8-64 characters of [A-Za-z0-9_-]`)
}

/**
 * Mints a family token that opens exactly `logId` until `now + ttlSeconds`. The token is URL-safe:
 * `v1.<logId>.<expiresAt>.<signature>`. It has no credential id, so it cannot be revoked alone:
 * prefer {@link mintCredential}, one per device.
 *
 * @since 0.1.0
 * @category tokens
 */
export const mintToken = (secret: string, logId: string, options: MintTokenOptions = {}): string => {
  checkMint("mintToken", secret, logId)
  const expiresAt = expiryOf("mintToken", options, DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS)
  return signed(secret, `${TOKEN_VERSION}.${logId}.${expiresAt}`)
}

/**
 * A device credential as minted: the token and what it says (the credential id is not secret: the
 * relay lists it, and devices name each other by it).
 *
 * @since 0.2.0
 * @category tokens
 */
export interface Credential {
  readonly token: string
  readonly logId: string
  readonly credentialId: string
  /** Unix seconds. */
  readonly expiresAt: number
}

/**
 * Mints a device credential for `logId`: `v2.<logId>.<credentialId>.<expiresAt>.<signature>`, with
 * a fresh credential id unless `credentialId` is given (a renewal keeps its id).
 *
 * @since 0.2.0
 * @category tokens
 */
export const mintCredential = (
  secret: string,
  logId: string,
  options: MintTokenOptions & { readonly credentialId?: string } = {}
): Credential => {
  checkMint("mintCredential", secret, logId)
  const credentialId = options.credentialId ?? newCredentialId()
  if (!isCredentialId(credentialId))
    throw new Error("mintCredential: credentialId must be 22 characters of [A-Za-z0-9_-]")
  const expiresAt = expiryOf("mintCredential", options, DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS)
  const token = signed(secret, `${CREDENTIAL_VERSION}.${logId}.${credentialId}.${expiresAt}`)
  return { token, logId, credentialId, expiresAt }
}

/**
 * Mints a join token for `logId` (default 24 hours, at most 7 days): a new device exchanges it once
 * at `POST /logs/<logId>/join` for its own credential. Its join id is what the relay remembers as
 * used.
 *
 * @since 0.2.0
 * @category tokens
 */
export const mintJoinToken = (
  secret: string,
  logId: string,
  options: MintTokenOptions = {}
): { readonly token: string; readonly joinId: string; readonly expiresAt: number } => {
  checkMint("mintJoinToken", secret, logId)
  const joinId = newCredentialId()
  const expiresAt = expiryOf("mintJoinToken", options, DEFAULT_JOIN_TTL_SECONDS, MAX_JOIN_TTL_SECONDS)
  return { token: signed(secret, `${JOIN_TOKEN_VERSION}.${logId}.${joinId}.${expiresAt}`), joinId, expiresAt }
}

interface Parsed {
  readonly logId: string
  readonly id: string | undefined
  readonly expiresAt: number
}

// The signature is checked before anything the token claims is trusted, and compared in constant
// time; then expiry, the bound on expiry, and the log.
const check = (
  secret: string,
  token: string,
  logId: string,
  now: number,
  versions: ReadonlyArray<string>,
  maxTtl: number
): { ok: true; parsed: Parsed } | { ok: false; reason: TokenRefusal } => {
  if (token.length === 0) return { ok: false, reason: "missing" }
  if (token.length > 256) return { ok: false, reason: "malformed" }
  const parts = token.split(".")
  const version = parts[0] ?? ""
  if (!versions.includes(version)) return { ok: false, reason: "malformed" }
  const withId = version !== TOKEN_VERSION
  if (parts.length !== (withId ? 5 : 4)) return { ok: false, reason: "malformed" }
  const tokenLogId = parts[1] ?? ""
  const id = withId ? parts[2] : undefined
  const expiry = parts[withId ? 3 : 2] ?? ""
  const signature = parts[withId ? 4 : 3] ?? ""
  if (
    !isLogId(tokenLogId) ||
    (withId && !isCredentialId(id)) ||
    !EXPIRY_PATTERN.test(expiry) ||
    !SIGNATURE_PATTERN.test(signature)
  ) {
    return { ok: false, reason: "malformed" }
  }
  const expected = sign(secret, parts.slice(0, -1).join("."))
  const given = Buffer.from(signature, "base64url")
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad-signature" }
  }
  const expiresAt = Number(expiry)
  if (expiresAt * 1000 <= now) return { ok: false, reason: "expired" }
  if (expiresAt * 1000 > now + (maxTtl + CLOCK_SKEW_SECONDS) * 1000) return { ok: false, reason: "malformed" }
  if (tokenLogId !== logId) return { ok: false, reason: "wrong-log" }
  return { ok: true, parsed: { logId: tokenLogId, id, expiresAt } }
}

/**
 * Checks that `token` (a `v1` family token or a `v2` device credential) was signed with `secret`,
 * has not expired at `now` (Unix milliseconds) and names `logId`; for a credential, also gives its
 * credential id. A genuine token that expires more than {@link MAX_TOKEN_TTL_SECONDS} after `now`
 * is refused as `malformed`. Whether a credential was revoked is the `CredentialStore`'s to say.
 *
 * @since 0.1.0
 * @category tokens
 */
export const verifyToken = (
  secret: string,
  token: string,
  logId: string,
  now: number = Date.now()
): TokenVerification => {
  const result = check(secret, token, logId, now, [TOKEN_VERSION, CREDENTIAL_VERSION], MAX_TOKEN_TTL_SECONDS)
  if (!result.ok) return result
  return { ok: true, expiresAt: result.parsed.expiresAt, credentialId: result.parsed.id }
}

/**
 * Checks a join token like {@link verifyToken} checks a credential, and gives its join id (which the
 * relay then marks used, so the token works once).
 *
 * @since 0.2.0
 * @category tokens
 */
export const verifyJoinToken = (
  secret: string,
  token: string,
  logId: string,
  now: number = Date.now()
): { ok: true; joinId: string; expiresAt: number } | { ok: false; reason: TokenRefusal } => {
  const result = check(secret, token, logId, now, [JOIN_TOKEN_VERSION], MAX_JOIN_TTL_SECONDS)
  if (!result.ok) return result
  return { ok: true, joinId: result.parsed.id as string, expiresAt: result.parsed.expiresAt }
}
