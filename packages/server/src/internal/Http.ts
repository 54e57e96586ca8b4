/**
 * The relay's plain HTTP side: `GET /healthz`, `GET /metrics`, the `/logs/…` access endpoints
 * (`AccessHttp.ts`), 426 for a log path without an upgrade, 404 and 405 for the rest, and the raw response that refuses an upgrade before any
 * websocket byte.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import type { Duplex } from "node:stream"
import { isLogId } from "@relactation/core/protocol"
import type { Metrics, MetricsGauges } from "../Metrics.js"
import type { RedisBus } from "../RedisBus.js"
import type { Storage } from "../Storage.js"

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable"
}

/** Refuses an upgrade with a plain HTTP response, before any websocket (and any document) byte. */
export const refuseUpgrade = (socket: Duplex, status: number, message: string): void => {
  if (socket.destroyed) return
  const body = `${message}\n`
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n` +
      "Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  )
  setTimeout(() => socket.destroy(), 1_000).unref()
}

export interface HttpEndpoints {
  readonly storage: Storage
  readonly metrics: Metrics
  readonly stats: () => MetricsGauges
  readonly shuttingDown: () => boolean
  /** The `/logs/…` endpoints (device access); answers and returns `true` for those paths. */
  readonly access?: (request: IncomingMessage, response: ServerResponse) => boolean
  /** With several processes: the bus, named in `/healthz` and counted in `/metrics`. */
  readonly bus?: RedisBus
}

/** The handler for every request that is not an upgrade. */
export const httpHandler =
  (endpoints: HttpEndpoints) =>
  (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? "/").split("?")[0]
    const reply = (status: number, type: string, body: string) => {
      response.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" })
      response.end(request.method === "HEAD" ? undefined : body)
    }
    if (endpoints.access?.(request, response) === true) return
    if (request.method !== "GET" && request.method !== "HEAD") {
      reply(405, "text/plain", "method not allowed\n")
    } else if (path === "/healthz") {
      const answer = (ok: boolean) => {
        const healthy = ok && !endpoints.shuttingDown()
        // `store` names the dependency that is down, so an operator (or a load balancer's log) sees why.
        // The bus being down does not make the relay unhealthy: it keeps storing and serving its own
        // clients and catches up from the store when Redis is back; it is named too.
        const bus = endpoints.bus === undefined ? {} : { bus: endpoints.bus.up ? "up" : "down" }
        const body = {
          status: healthy ? "ok" : "unavailable",
          store: ok ? "ok" : "down",
          ...bus,
          ...endpoints.stats()
        }
        reply(healthy ? 200 : 503, "application/json", JSON.stringify(body))
      }
      endpoints.storage.check().then(answer, () => answer(false))
    } else if (path === "/metrics") {
      const bus = endpoints.bus?.renderMetrics() ?? ""
      reply(200, "text/plain; version=0.0.4", endpoints.metrics.render(endpoints.stats()) + bus)
    } else if (path !== undefined && isLogId(path.slice(1))) {
      reply(426, "text/plain", "websocket upgrade required\n")
    } else {
      reply(404, "text/plain", "not found\n")
    }
  }
