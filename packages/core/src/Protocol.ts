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
 * Websocket close codes used by the relay. 1000–1015 are the standard codes; 4000–4999 are ours.
 * A client treats `POLICY` and `TOKEN_EXPIRED` as final (a new token is needed), the rest as
 * retryable.
 *
 * @since 0.1.0
 * @category close codes
 */
export const CloseCode = {
  /** Normal closure. */
  NORMAL: 1000,
  /** The relay is shutting down; reconnect later. */
  GOING_AWAY: 1001,
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
  INTERNAL: 4500
} as const

/**
 * @since 0.1.0
 * @category close codes
 */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]
