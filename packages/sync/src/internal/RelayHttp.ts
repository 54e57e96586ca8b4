/**
 * The relay's HTTP side as the sync client calls it: the `/logs/<logId>/…` endpoints of
 * `@relactation/core/protocol`'s `logPath`, with the token as `Authorization: Bearer …`, answers as
 * JSON. A refusal becomes `AccessRefused` with the relay's stable code; a network failure stays a
 * rejected `fetch` (the caller retries later).
 */
import { logPath } from "@relactation/core"
import { Data } from "effect"

/**
 * The relay refused an access request: `code` is the relay's (`revoked`, `expired`, `join-used`,
 * `log-deleted`, `wrong-log`, `unknown-credential`, `rate-limited`, …), `status` its HTTP status.
 *
 * @since 0.2.0
 * @category errors
 */
export class AccessRefused extends Data.TaggedError("AccessRefused")<{
  readonly status: number
  readonly code: string
}> {
  override get message(): string {
    return `the relay refused the request (${this.status} ${this.code})`
  }
}

/** `fetch`, injectable (tests, platforms without a global one). */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>

/** The relay's HTTP base for its websocket URL: `wss://h/p` → `https://h/p`. */
export const httpBase = (url: string): string => url.replace(/^ws(s?):\/\//i, "http$1://").replace(/\/+$/, "")

export interface RelayRequest {
  readonly url: string
  readonly logId: string
  readonly action?: "join" | "renew" | "invite" | "devices" | "revoke"
  readonly method: "GET" | "POST" | "DELETE"
  readonly token: string
  readonly body?: unknown
  readonly fetch?: Fetch | undefined
}

export const call = async <A>(request: RelayRequest): Promise<A> => {
  const fetchFn: Fetch = request.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const response = await fetchFn(`${httpBase(request.url)}${logPath(request.logId, request.action)}`, {
    method: request.method,
    headers: {
      authorization: `Bearer ${request.token}`,
      ...(request.body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) })
  })
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
  if (!response.ok) {
    throw new AccessRefused({
      status: response.status,
      code: typeof body.error === "string" ? body.error : "unknown"
    })
  }
  return body as A
}
