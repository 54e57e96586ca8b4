/**
 * The admission decision for one upgrade request, as pure functions of what the request says and
 * what the relay knows: the path must be exactly `/<logId>`, the address within its rate, the token
 * genuine, unexpired and for that log (whether a credential is revoked is asked after, of the store), and the relay and the log below their connection limits.
 * `Relay.ts` only carries the verdict out on the socket; tests call these without one.
 */
import { CloseCode, isLogId, TOKEN_PARAM } from "@relactation/core/protocol"
import type { RelayLimits } from "../Limits.js"
import type { RefusalReason } from "../Metrics.js"
import { CREDENTIAL_VERSION, TOKEN_SUBPROTOCOL, TOKEN_VERSION, verifyToken } from "../Token.js"

/**
 * Why an upgrade is not admitted. `status` refusals are answered with a plain HTTP response before
 * any websocket byte; `close` refusals are accepted only to be closed with that code at once, because
 * a browser cannot read the status of a refused upgrade but can read a close code.
 */
export type Refusal =
  | { readonly status: number; readonly reason: RefusalReason; readonly message: string }
  | { readonly close: number; readonly reason: RefusalReason; readonly message: string }

/** What admission reads from the request. */
export interface UpgradeRequest {
  /** The raw request target (`/<logId>?token=…`), not resolved: dot segments must not be. */
  readonly url: string
  /** The `Sec-WebSocket-Protocol` header, if any. */
  readonly protocols?: string | undefined
}

/** What admission reads from the relay. */
export interface AdmissionContext {
  readonly secret: string
  /** Unix milliseconds. */
  readonly now: number
  readonly shuttingDown: boolean
  /** Takes one connection from the address's rate allowance; only asked once the path is valid. */
  readonly withinRate: () => boolean
}

/** The request may go on (to `onAuthenticate` and the capacity check). */
export interface Admitted {
  readonly ok: true
  readonly logId: string
  /** Unix seconds. */
  readonly expiresAt: number
  /** The device credential's id; `undefined` for a `v1` family token. */
  readonly credentialId: string | undefined
  /** The subprotocol to answer with, when the client offered any (a browser requires one back). */
  readonly protocol: string | undefined
}

export type Verdict = Admitted | { readonly ok: false; readonly refusal: Refusal }

const refuse = (status: number, reason: RefusalReason, message: string): Verdict => ({
  ok: false,
  refusal: { status, reason, message }
})

export const SHUTTING_DOWN: Refusal = {
  status: 503,
  reason: "shutting-down",
  message: "relay is shutting down"
}

/**
 * The token a client offered as a subprotocol (`Sec-WebSocket-Protocol: relactation, v1.…`), which
 * keeps it out of the URL that proxies log, and the protocol to answer with: `relactation` when
 * offered, else the first one offered.
 */
export const offeredProtocols = (
  header: string | undefined
): { readonly token: string | undefined; readonly protocol: string | undefined } => {
  if (header === undefined) return { token: undefined, protocol: undefined }
  const offered = header
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
  const token = offered.find(
    (entry) => entry.startsWith(`${TOKEN_VERSION}.`) || entry.startsWith(`${CREDENTIAL_VERSION}.`)
  )
  const protocol = offered.includes(TOKEN_SUBPROTOCOL) ? TOKEN_SUBPROTOCOL : offered[0]
  return { token, protocol }
}

/** The log id of a raw request target, or why the target is refused. */
export const readTarget = (
  raw: string
): { readonly ok: true; readonly logId: string; readonly query: URLSearchParams } | Verdict => {
  let url: URL
  try {
    url = new URL(raw, "http://relay.invalid")
  } catch {
    return refuse(400, "bad-path", "bad request path")
  }
  // The raw path, not the parsed URL's: URL parsing resolves dot segments, and `/x/../<logId>`
  // must be refused like any other path that is not exactly `/<logId>`.
  const queryAt = raw.indexOf("?")
  const segments = (queryAt === -1 ? raw : raw.slice(0, queryAt)).split("/")
  if (segments.length !== 2 || segments[0] !== "") return refuse(404, "bad-path", "expected /<logId>")
  const logId = segments[1] ?? ""
  if (!isLogId(logId)) return refuse(400, "bad-log-id", "logId must be 8-64 characters of [A-Za-z0-9_-]")
  return { ok: true, logId, query: url.searchParams }
}

/**
 * Everything about one upgrade that needs no await: shutting down, path, log id, rate, token. The
 * token comes from the subprotocol header when offered there, else from the `token` query parameter.
 */
export const admitUpgrade = (request: UpgradeRequest, context: AdmissionContext): Verdict => {
  if (context.shuttingDown) return { ok: false, refusal: SHUTTING_DOWN }
  const target = readTarget(request.url)
  if (!("query" in target)) return target
  if (!context.withinRate()) return refuse(429, "rate-limited", "too many connections from this address")
  const offered = offeredProtocols(request.protocols)
  const token = offered.token ?? target.query.get(TOKEN_PARAM) ?? ""
  const verdict = verifyToken(context.secret, token, target.logId, context.now)
  if (!verdict.ok) {
    if (verdict.reason === "wrong-log") return refuse(403, "wrong-log", "token is for another log")
    return refuse(401, verdict.reason, `token ${verdict.reason}`)
  }
  return {
    ok: true,
    logId: target.logId,
    expiresAt: verdict.expiresAt,
    credentialId: verdict.credentialId,
    protocol: offered.protocol
  }
}

/** Whether one more connection fits on the relay and on the log (upgrades in flight count). */
export const admitCapacity = (state: {
  readonly connections: number
  readonly connectionsOnLog: number
  readonly limits: RelayLimits
}): Refusal | undefined => {
  if (state.connections >= state.limits.maxConnections)
    return { close: CloseCode.TOO_MANY_CONNECTIONS, reason: "too-many-connections", message: "relay is full" }
  if (state.connectionsOnLog >= state.limits.maxConnectionsPerLog)
    return {
      close: CloseCode.TOO_MANY_CONNECTIONS,
      reason: "log-too-many-connections",
      message: "too many connections on this log"
    }
  return undefined
}

/**
 * What the credential store's answer means at the upgrade: a revoked credential or a deleted log is
 * accepted only to be closed with its code (`REVOKED`, `LOG_DELETED`), which a browser can read.
 */
export const admitStatus = (status: "ok" | "revoked" | "log-deleted"): Refusal | undefined =>
  status === "revoked"
    ? { close: CloseCode.REVOKED, reason: "revoked", message: "credential revoked" }
    : status === "log-deleted"
      ? { close: CloseCode.LOG_DELETED, reason: "log-deleted", message: "log deleted" }
      : undefined
