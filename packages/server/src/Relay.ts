/**
 * The relay: an HTTP server that upgrades `/<logId>?token=…` to a y-websocket connection after the
 * token checks out, and serves `/healthz` and `/metrics`. It stores and relays Yjs updates; it never
 * interprets the events inside them.
 *
 * @since 0.1.0
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import type { Duplex } from "node:stream"
import { CloseCode, isLogId, TOKEN_PARAM } from "@relactation/core"
import { WebSocketServer } from "ws"
import type { RelayHooks } from "./Hooks.js"
import { type RelayLimits, resolveLimits } from "./Limits.js"
import { Metrics, type RefusalReason } from "./Metrics.js"
import { DATABASE_FILE, SqliteStorage } from "./SqliteStorage.js"
import type { Storage } from "./Storage.js"
import { mintToken, verifyToken } from "./Token.js"
import { ClientConnection } from "./internal/ClientConnection.js"
import { makeNotify, type RelayContext } from "./internal/Context.js"
import { describe } from "./internal/Document.js"
import { Documents } from "./internal/Documents.js"
import { RateLimiter } from "./internal/RateLimiter.js"
import { loadOrCreateSecret } from "./internal/Secret.js"

/**
 * Options of {@link createRelay}.
 *
 * @since 0.1.0
 * @category relay
 */
export interface RelayOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  readonly host?: string
  /** Port to listen on; `0` picks a free one (read it back from `handle.port`); default 1234. */
  readonly port?: number
  /** Folder for the SQLite file and the generated secret; required unless `storage` and `secret` are given. */
  readonly dataDir?: string
  /** HMAC secret for tokens; default: the secret file in `dataDir`, created on first start. */
  readonly secret?: string
  /** Another store; the relay does not close a store it did not create. */
  readonly storage?: Storage
  /** SQLite `synchronous` for the embedded store; default `"full"` (see the README). */
  readonly synchronous?: "full" | "normal"
  readonly limits?: Partial<RelayLimits>
  readonly hooks?: RelayHooks
  /** Take the client IP from the first `X-Forwarded-For` entry (only behind a proxy you run). */
  readonly trustProxy?: boolean
  /** Sink for structured log lines; default: one JSON line per entry on stdout. */
  readonly log?: (line: Record<string, unknown>) => void
}

/**
 * A running relay.
 *
 * @since 0.1.0
 * @category relay
 */
export interface RelayHandle {
  readonly port: number
  readonly host: string
  /** `ws://host:port`, what `WebsocketProvider` takes as its server URL. */
  readonly url: string
  /** Mints a token for one log with this relay's secret. */
  token(logId: string, options?: { ttlSeconds?: number }): string
  stats(): { connections: number; loadedLogs: number }
  /** The Prometheus text served on `GET /metrics`. */
  metrics(): string
  /** Settles once every received update is stored and relayed. */
  flush(): Promise<void>
  /** Stops accepting, flushes, closes sockets with 1001 and closes the store it opened. Idempotent. */
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable"
}

const defaultLog = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`)
}

// Refuses an upgrade with a plain HTTP response, before any websocket (and any document) byte.
const refuseUpgrade = (socket: Duplex, status: number, message: string): void => {
  if (socket.destroyed) return
  const body = `${message}\n`
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n` +
      "Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  )
  setTimeout(() => socket.destroy(), 1_000).unref()
}

const clientIp = (request: IncomingMessage, trustProxy: boolean): string => {
  if (trustProxy) {
    const forwarded = request.headers["x-forwarded-for"]
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim()
    if (first !== undefined && first.length > 0) return first
  }
  return request.socket.remoteAddress ?? "unknown"
}

/**
 * Starts a relay and resolves once it listens.
 *
 * @example
 * await using relay = await createRelay({ port: 0, dataDir: "./relay-data" })
 * const token = relay.token("family-1234")
 *
 * @since 0.1.0
 * @category relay
 */
export const createRelay = async (options: RelayOptions): Promise<RelayHandle> => {
  const limits = resolveLimits(options.limits)
  const log = options.log ?? defaultLog
  const hooks = options.hooks ?? {}
  const trustProxy = options.trustProxy ?? false
  if (options.dataDir === undefined && (options.storage === undefined || options.secret === undefined)) {
    throw new Error("createRelay: dataDir is required unless both storage and secret are given")
  }
  const dataDir = options.dataDir
  const secret = options.secret ?? loadOrCreateSecret(dataDir as string)
  if (secret.length === 0) throw new Error("createRelay: secret must not be empty")
  const ownsStorage = options.storage === undefined
  const storage =
    options.storage ??
    SqliteStorage.open({
      file: join(dataDir as string, DATABASE_FILE),
      ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous })
    })

  const metrics = new Metrics()
  const context: RelayContext = { limits, storage, metrics, log, notify: makeNotify(hooks, log, metrics) }
  const documents = new Documents(context)
  const connections = new Set<ClientConnection>()
  const rateLimiter = new RateLimiter(limits.connectionsPerIpPerMinute)
  const sweepTimer = setInterval(() => rateLimiter.sweep(), 60_000)
  sweepTimer.unref()
  let upgrading = 0
  let closing: Promise<void> | undefined

  const stats = () => ({ connections: connections.size, loadedLogs: documents.size })

  const refuse = (socket: Duplex, status: number, reason: RefusalReason, message: string): void => {
    metrics.refuse(reason)
    context.notify("onRefuse", { reason, status })
    log({ level: "info", event: "refuse", reason, status })
    refuseUpgrade(socket, status, message)
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
    clientTracking: false
  })
  wss.on("error", () => metrics.error("socket"))

  // Accepts the upgrade only to tell the client why in a close frame: a browser cannot read the
  // HTTP status of a refused upgrade, but it can read a close code.
  const closeAfterUpgrade = (
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    reason: RefusalReason,
    message: string
  ) => {
    metrics.refuse(reason)
    context.notify("onRefuse", { reason, status: 101 })
    log({ level: "info", event: "refuse", reason, status: 101 })
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on("error", () => {})
      ws.close(CloseCode.TOO_MANY_CONNECTIONS, message)
      setTimeout(() => ws.terminate(), 2_000).unref()
    })
  }

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    if (closing !== undefined) return refuse(socket, 503, "shutting-down", "relay is shutting down")
    let url: URL
    try {
      url = new URL(request.url ?? "/", "http://relay.invalid")
    } catch {
      return refuse(socket, 400, "bad-path", "bad request path")
    }
    // The raw path, not the parsed URL's: URL parsing resolves dot segments, and `/x/../<logId>`
    // must be refused like any other path that is not exactly `/<logId>`.
    const raw = request.url ?? "/"
    const query = raw.indexOf("?")
    const segments = (query === -1 ? raw : raw.slice(0, query)).split("/")
    if (segments.length !== 2 || segments[0] !== "")
      return refuse(socket, 404, "bad-path", "expected /<logId>")
    const logId = segments[1] ?? ""
    if (!isLogId(logId))
      return refuse(socket, 400, "bad-log-id", "logId must be 8-64 characters of [A-Za-z0-9_-]")
    const ip = clientIp(request, trustProxy)
    if (!rateLimiter.take(ip))
      return refuse(socket, 429, "rate-limited", "too many connections from this address")
    const verdict = verifyToken(secret, url.searchParams.get(TOKEN_PARAM) ?? "", logId)
    if (!verdict.ok) {
      const status = verdict.reason === "wrong-log" ? 403 : 401
      const message = verdict.reason === "wrong-log" ? "token is for another log" : `token ${verdict.reason}`
      return refuse(socket, status, verdict.reason, message)
    }
    if (hooks.onAuthenticate !== undefined) {
      let allowed = false
      try {
        allowed = await hooks.onAuthenticate({ logId, ip, expiresAt: verdict.expiresAt })
      } catch {
        metrics.error("internal")
        log({ level: "error", event: "hook-failed", hook: "onAuthenticate", logId })
      }
      if (!allowed) return refuse(socket, 403, "forbidden", "connection refused")
      if (closing !== undefined) return refuse(socket, 503, "shutting-down", "relay is shutting down")
    }
    if (connections.size + upgrading >= limits.maxConnections) {
      return closeAfterUpgrade(request, socket, head, "too-many-connections", "relay is full")
    }
    if (documents.connectionsOn(logId) >= limits.maxConnectionsPerLog) {
      return closeAfterUpgrade(
        request,
        socket,
        head,
        "log-too-many-connections",
        "too many connections on this log"
      )
    }
    upgrading++
    let document: Awaited<ReturnType<Documents["acquire"]>>
    try {
      document = await documents.acquire(logId)
    } catch (error) {
      upgrading--
      metrics.error("storage")
      log({ level: "error", event: "load-failed", logId, error: describe(error) })
      return refuse(socket, 500, "load-failed", "log could not be loaded")
    }
    upgrading--
    // ws would silently drop a socket that went away during the load; release our place instead.
    if (closing !== undefined || socket.destroyed || !socket.readable || !socket.writable) {
      documents.release(document)
      if (!socket.destroyed) refuse(socket, 503, "shutting-down", "relay is shutting down")
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new ClientConnection({
        socket: ws,
        document,
        context,
        expiresAt: verdict.expiresAt,
        onClose: (closed, code) => {
          connections.delete(closed)
          documents.detach(closed.document, closed)
          const remaining = closed.document.peers.size
          context.notify("onDisconnect", { logId, code, connections: remaining })
          log({ level: "info", event: "disconnect", logId, code, connections: remaining })
        }
      })
      connections.add(connection)
      metrics.connectionsTotal++
      documents.attach(document, connection)
      const count = document.peers.size
      context.notify("onConnect", { logId, connections: count })
      log({ level: "info", event: "connect", logId, connections: count })
    })
  }

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? "/").split("?")[0]
    const reply = (status: number, type: string, body: string) => {
      response.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" })
      response.end(request.method === "HEAD" ? undefined : body)
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      reply(405, "text/plain", "method not allowed\n")
    } else if (path === "/healthz") {
      storage.check().then(
        (ok) => {
          const healthy = ok && closing === undefined
          reply(
            healthy ? 200 : 503,
            "application/json",
            JSON.stringify({ status: healthy ? "ok" : "unavailable", ...stats() })
          )
        },
        () => reply(503, "application/json", JSON.stringify({ status: "unavailable", ...stats() }))
      )
    } else if (path === "/metrics") {
      reply(200, "text/plain; version=0.0.4", metrics.render(stats()))
    } else if (path !== undefined && isLogId(path.slice(1))) {
      reply(426, "text/plain", "websocket upgrade required\n")
    } else {
      reply(404, "text/plain", "not found\n")
    }
  }

  const server = createServer(onRequest)
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that vanishes mid-handshake must not crash the process.
    socket.on("error", () => {})
    onUpgrade(request, socket, head).catch((error: unknown) => {
      metrics.error("internal")
      log({ level: "error", event: "upgrade-failed", error: describe(error) })
      if (!socket.destroyed) socket.destroy()
    })
  })
  server.on("clientError", (_error, socket) => {
    if (!socket.destroyed) socket.destroy()
  })

  const host = options.host ?? "127.0.0.1"
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 1234, host, () => {
      server.off("error", reject)
      resolve()
    })
  }).catch(async (error: unknown) => {
    clearInterval(sweepTimer)
    if (ownsStorage) await storage.close()
    throw error
  })
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(":") ? `[${host}]` : host
  const url = `ws://${urlHost}:${port}`
  log({ level: "info", event: "listening", host, port, url })

  const shutdown = async (): Promise<void> => {
    // Stop accepting first, so nothing new arrives while we drain.
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    await documents.flush()
    const open = [...connections]
    await Promise.all(
      open.map(
        (connection) =>
          new Promise<void>((resolve) => {
            const check = setInterval(() => {
              if (!connections.has(connection)) {
                clearInterval(check)
                resolve()
              }
            }, 10)
            connection.close(CloseCode.GOING_AWAY, "relay shutting down")
          })
      )
    )
    await documents.flush()
    documents.clear()
    clearInterval(sweepTimer)
    wss.close()
    server.closeAllConnections()
    await serverClosed
    if (ownsStorage) await storage.close()
    log({ level: "info", event: "closed" })
  }

  const close = (): Promise<void> => {
    closing ??= shutdown()
    return closing
  }

  return {
    port,
    host,
    url,
    token: (logId, tokenOptions) =>
      mintToken(
        secret,
        logId,
        tokenOptions?.ttlSeconds === undefined ? {} : { ttlSeconds: tokenOptions.ttlSeconds }
      ),
    stats,
    metrics: () => metrics.render(stats()),
    flush: () => documents.flush(),
    close,
    [Symbol.asyncDispose]: close
  }
}
