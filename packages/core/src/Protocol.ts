/**
 * What the sync client and the relay must agree on, kept in one place: how a family log is named,
 * how its token travels, and the close codes the relay uses when it ends a connection. It imports
 * nothing, and is also the `@relactation/core/protocol` entry, so the relay can load it without
 * `effect` or the event schemas.
 *
 * @since 0.1.0
 */

/**
 * A log id: 8 to 64 characters of `[A-Za-z0-9_-]`. It is the websocket path (`/<logId>`) and the
 * Yjs room name.
 *
 * @since 0.1.0
 * @category log id
 */
export const LOG_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

/**
 * Whether a string is a valid log id.
 *
 * @since 0.1.0
 * @category log id
 */
export const isLogId = (value: unknown): value is string =>
  typeof value === "string" && LOG_ID_PATTERN.test(value)

/**
 * Query parameter that carries the access token on the websocket URL (`?token=…`), which is what
 * `new WebsocketProvider(url, logId, doc, { params: { token } })` sends.
 *
 * @since 0.1.0
 * @category access
 */
export const TOKEN_PARAM = "token"

/**
 * The subprotocol a client offers next to its token when it sends the token in the
 * `Sec-WebSocket-Protocol` header instead of the URL (`protocols: [TOKEN_SUBPROTOCOL, token]`): the
 * relay answers with this one, so the token is never echoed, and the URL that proxies log holds none.
 *
 * @since 0.2.0
 * @category access
 */
export const TOKEN_SUBPROTOCOL = "relactation"

/**
 * A credential id: 22 characters of `[A-Za-z0-9_-]` (16 random bytes, base64url). Each device's
 * relay credential carries its own, so one device can be removed without cutting off the others.
 *
 * @since 0.2.0
 * @category access
 */
export const CREDENTIAL_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/

/**
 * Whether a string is a valid credential id.
 *
 * @since 0.2.0
 * @category access
 */
export const isCredentialId = (value: unknown): value is string =>
  typeof value === "string" && CREDENTIAL_ID_PATTERN.test(value)

/**
 * The relay's HTTP paths for credentials, relative to its base URL (the websocket URL with `http`
 * for `ws`): every request carries a credential (or, for `join`, a join token) as
 * `Authorization: Bearer <token>`, and every answer is JSON.
 *
 * - `POST /logs/<logId>/join`: a join token (single use) for a device's own credential;
 * - `POST /logs/<logId>/renew`: a credential for a fresh one with the same credential id;
 * - `POST /logs/<logId>/invite`: a credential for a join token to hand to a new device;
 * - `GET /logs/<logId>/devices`: the log's credential ids and when each was last seen;
 * - `POST /logs/<logId>/revoke` with `{ "credentialId": … }`: removes that device;
 * - `DELETE /logs/<logId>`: removes the log from the relay's store.
 *
 * @since 0.2.0
 * @category access
 */
export const logPath = (
  logId: string,
  action?: "join" | "renew" | "invite" | "devices" | "revoke"
): string => (action === undefined ? `/logs/${logId}` : `/logs/${logId}/${action}`)

/**
 * Websocket close codes used by the relay. 1000–1015 are the standard codes; 4000–4999 are ours.
 * A client treats `POLICY`, `TOKEN_EXPIRED`, `REVOKED` and `LOG_DELETED` as final (a new
 * credential is needed, or there is nothing left to sync), the rest as retryable.
 *
 * @since 0.1.0
 * @category close codes
 */
export const CloseCode = {
  /** Normal closure. */
  NORMAL: 1000,
  /** The relay is shutting down; reconnect later. */
  GOING_AWAY: 1001,
  /** A per-minute allowance is used up or the client stopped reading: the standard "try again later". */
  TRY_AGAIN_LATER: 1013,
  /**
   * The relay's store (Postgres) cannot be reached: nothing the client sent since its last relayed
   * update was accepted. The same code as `TRY_AGAIN_LATER` (the reason says "store unavailable"):
   * reconnect later; the client still holds its updates and sends them again on the next sync.
   */
  STORE_UNAVAILABLE: 1013,
  /**
   * One of several relay processes is restarting (a rolling restart): everything the client sent
   * was stored and passed on; reconnect at once, the load balancer picks another process.
   */
  SERVICE_RESTART: 1012,
  /** The frame was not a valid y-websocket message (garbage, truncated, unknown message type). */
  MALFORMED: 4400,
  /** The token expired while the connection was open. */
  TOKEN_EXPIRED: 4401,
  /** The connection broke a policy other than a limit. */
  POLICY: 4403,
  /** The update could not be applied by Yjs. */
  BAD_UPDATE: 4422,
  /** A message was larger than the relay accepts (ws itself closes with 1009 above `maxPayload`). */
  TOO_LARGE: 4413,
  /** The log would exceed its stored-size limit. */
  LOG_FULL: 4507,
  /** Too many connections on this log, or on the relay. */
  TOO_MANY_CONNECTIONS: 4429,
  /** The client did not answer pings in time. */
  IDLE_TIMEOUT: 4408,
  /** The relay hit an internal error on this connection. */
  INTERNAL: 4500,
  /** This device's credential was revoked (the device was removed from the family). Final. */
  REVOKED: 4410,
  /** The log was deleted from the relay. Final. */
  LOG_DELETED: 4404
} as const

/**
 * @since 0.1.0
 * @category close codes
 */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]
