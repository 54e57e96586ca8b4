/**
 * Access tokens for the relay: an HMAC-SHA256 signature over one log id and an expiry, so a token
 * opens exactly one family's log until it expires. The relay keeps no token table; the secret is the
 * only state, which is why tokens survive restarts as long as the secret does.
 *
 * @since 0.1.0
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { isLogId } from "@relactation/core/protocol"

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
export const TOKEN_SUBPROTOCOL = "relactation"

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
export type TokenVerification = { ok: true; expiresAt: number } | { ok: false; reason: TokenRefusal }

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
 * Mints a token that opens exactly `logId` until `now + ttlSeconds`. The token is URL-safe:
 * `v1.<logId>.<expiresAt>.<signature>`.
 *
 * @since 0.1.0
 * @category tokens
 */
export const mintToken = (secret: string, logId: string, options: MintTokenOptions = {}): string => {
  if (secret.length === 0) throw new Error("mintToken: the secret must not be empty")
  if (!isLogId(logId)) throw new Error("mintToken: logId must be 8-64 characters of [A-Za-z0-9_-]")
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS
  if (!Number.isFinite(ttl) || ttl <= 0) throw new Error("mintToken: ttlSeconds must be a positive number")
  if (ttl > MAX_TOKEN_TTL_SECONDS)
    throw new Error(`mintToken: ttlSeconds must be at most ${MAX_TOKEN_TTL_SECONDS} (366 days)`)
  const now = options.now ?? Date.now()
  const expiresAt = Math.floor(now / 1000) + Math.ceil(ttl)
  const body = `${TOKEN_VERSION}.${logId}.${expiresAt}`
  return `${body}.${sign(secret, body).toString("base64url")}`
}

/**
 * Checks that `token` was signed with `secret`, has not expired at `now` (Unix milliseconds) and
 * names `logId`. A genuine token that expires more than {@link MAX_TOKEN_TTL_SECONDS} after `now` is
 * refused as `malformed`. The signature is checked before anything the token claims is trusted, and compared
 * in constant time.
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
  if (token.length === 0) return { ok: false, reason: "missing" }
  if (token.length > 256) return { ok: false, reason: "malformed" }
  const parts = token.split(".")
  if (parts.length !== 4) return { ok: false, reason: "malformed" }
  const [version, tokenLogId, expiry, signature] = parts as [string, string, string, string]
  if (
    version !== TOKEN_VERSION ||
    !isLogId(tokenLogId) ||
    !EXPIRY_PATTERN.test(expiry) ||
    !SIGNATURE_PATTERN.test(signature)
  ) {
    return { ok: false, reason: "malformed" }
  }
  const expected = sign(secret, `${version}.${tokenLogId}.${expiry}`)
  const given = Buffer.from(signature, "base64url")
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad-signature" }
  }
  const expiresAt = Number(expiry)
  if (expiresAt * 1000 <= now) return { ok: false, reason: "expired" }
  if (expiresAt * 1000 > now + (MAX_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000)
    return { ok: false, reason: "malformed" }
  if (tokenLogId !== logId) return { ok: false, reason: "wrong-log" }
  return { ok: true, expiresAt }
}
