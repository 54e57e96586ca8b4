/**
 * The relay: an HTTP server that upgrades `/<logId>?token=…` to a y-websocket connection after the
 * token checks out, and serves `/healthz` and `/metrics`. It stores and relays Yjs updates; it never
 * interprets the events inside them.
 *
 * @since 0.1.0
 */
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { join } from "node:path"
import type { Duplex } from "node:stream"
import { CloseCode } from "@relactation/core/protocol"
import { WebSocketServer } from "ws"
import type { CredentialStore, KnownCredential } from "./Credentials.js"
import type { RelayHooks } from "./Hooks.js"
import { type RelayLimits, resolveLimits } from "./Limits.js"
import { Metrics } from "./Metrics.js"
import type { RedisBus } from "./RedisBus.js"
import { DATABASE_FILE, SqliteStorage } from "./SqliteStorage.js"
import { isSharedStorage, type Storage, StoreUnavailableError } from "./Storage.js"
import { type Credential, mintToken } from "./Token.js"
import { Access } from "./internal/Access.js"
import { accessHandler } from "./internal/AccessHttp.js"
import {
  admitCapacity,
  admitStatus,
  admitUpgrade,
  offeredProtocols,
  readTarget,
  type Refusal,
  SHUTTING_DOWN
} from "./internal/Admission.js"
import { checkTrustProxy, clientAddress } from "./internal/ClientAddress.js"
import { ClientConnection } from "./internal/ClientConnection.js"
import { makeNotify, type RelayContext } from "./internal/Context.js"
import { withBus } from "./internal/bus/BusCredentials.js"
import { SharedConnections } from "./internal/bus/SharedConnections.js"
import { describe } from "./internal/Document.js"
import { Documents } from "./internal/Documents.js"
import { httpHandler, refuseUpgrade } from "./internal/Http.js"
import { RateLimiter } from "./internal/RateLimiter.js"
import { RefusalLog } from "./internal/RefusalLog.js"
import { SocketGuard } from "./internal/SocketGuard.js"
import { ensureDataDir, loadOrCreateSecret, secretWeakness } from "./internal/Secret.js"

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
  /**
   * HMAC secret for tokens, of at least 32 bytes of entropy (64 hex or 43 base64 characters);
   * default: the secret file in `dataDir`, created on first start.
   */
  readonly secret?: string
  /** Another store; the relay does not close a store it did not create. */
  readonly storage?: Storage
  /**
   * Where credentials, revocations, used join tokens and deleted logs are kept; default: the
   * store's own (`SqliteStorage.credentials`, `PostgresStorage.credentials`: there every relay
   * process and the CLI share them). Without one, `v2` credentials still open their log but cannot
   * be revoked, and the `/logs/…` endpoints answer 501.
   */
  readonly credentials?: CredentialStore
  /** Lifetimes of what the access endpoints hand out (seconds): credentials 30 days, join tokens 24 h. */
  readonly access?: { readonly credentialTtlSeconds?: number; readonly joinTtlSeconds?: number }
  /**
   * With several relay processes: the bus between them (see the README, "Several processes").
   * Needs a shared `storage` (Postgres). The relay does not close a bus it was given.
   */
  readonly bus?: RedisBus
  /** SQLite `synchronous` for the embedded store; default `"full"` (see the README). */
  readonly synchronous?: "full" | "normal"
  readonly limits?: Partial<RelayLimits>
  readonly hooks?: RelayHooks
  /**
   * Read the client address from `X-Forwarded-For` (only behind proxies you run): `true` or a number
   * of proxies in front of the relay, or the proxies' addresses. The client is the right-most hop that
   * is not a trusted proxy; what the client wrote further left is ignored. Default `false`.
   */
  readonly trustProxy?: boolean | number | ReadonlyArray<string>
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
  /** Mints a `v1` family token for one log with this relay's secret (not revocable alone: see `credential`). */
  token(logId: string, options?: { ttlSeconds?: number }): string
  /** Mints and records a device credential (`v2`, its own credential id) for one log. */
  credential(logId: string): Promise<Credential>
  /** Mints a single-use join token (default 24 h) that a new device exchanges at `POST /logs/<logId>/join`. */
  joinToken(logId: string): Promise<{ readonly joinToken: string; readonly expiresAt: number }>
  /** The credentials the relay knows for a log (ids, expiry, last seen, revoked). */
  devices(logId: string): Promise<ReadonlyArray<KnownCredential>>
  /** Revokes a credential and closes its open connections (`REVOKED`, 4410). */
  revoke(logId: string, credentialId: string): Promise<{ readonly closed: number }>
  /** Deletes a log: its connections closed with `LOG_DELETED` (4404), its updates removed, never admitted again. */
  deleteLog(logId: string): Promise<void>
  stats(): { connections: number; loadedLogs: number }
  /** The Prometheus text served on `GET /metrics`. */
  metrics(): string
  /** Settles once every received update is stored and relayed. */
  flush(): Promise<void>
  /** Stops accepting, flushes, closes sockets with 1001 and closes the store it opened. Idempotent. */
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/** A store that cannot be reached: a close code the client reads as "try again later". */
const STORE_DOWN: Refusal = {
  close: CloseCode.STORE_UNAVAILABLE,
  reason: "store-unavailable",
  message: "store unavailable, try again later"
}

const defaultLog = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`)
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
  const trustProxy = checkTrustProxy(options.trustProxy ?? false)
  if (options.dataDir === undefined && (options.storage === undefined || options.secret === undefined)) {
    throw new Error("createRelay: dataDir is required unless both storage and secret are given")
  }
  const dataDir = options.dataDir
  if (options.secret !== undefined) {
    const weakness = secretWeakness(options.secret)
    if (weakness !== undefined) throw new Error(`createRelay: secret ${weakness}`)
  }
  // A secret file per data folder would differ between the processes that share a store.
  if (options.secret === undefined && options.storage !== undefined && isSharedStorage(options.storage)) {
    throw new Error(
      "createRelay: a shared storage needs secret (the same one in every relay process, e.g. RELAY_SECRET)"
    )
  }
  if (dataDir !== undefined) ensureDataDir(dataDir)
  const secret = options.secret ?? loadOrCreateSecret(dataDir as string)
  const ownsStorage = options.storage === undefined
  const storage =
    options.storage ??
    SqliteStorage.open({
      file: join(dataDir as string, DATABASE_FILE),
      ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous })
    })

  const bus = options.bus
  if (bus !== undefined && !isSharedStorage(storage)) {
    if (ownsStorage) await storage.close()
    throw new Error(
      "createRelay: bus needs a shared storage (PostgresStorage): with its own SQLite file each process would hold a different log"
    )
  }
  const metrics = new Metrics()
  const context: RelayContext = {
    limits,
    storage,
    metrics,
    log,
    notify: makeNotify(hooks, log, metrics),
    ...(bus !== undefined && isSharedStorage(storage) ? { cluster: { bus, storage } } : {})
  }
  // Connections per log for the whole deployment (while Redis answers; else per process).
  const shared = bus === undefined ? undefined : new SharedConnections(bus, limits.maxConnectionsPerLog)
  const documents = new Documents(context)
  // The store's own by default (SQLite's file, or the Postgres database every process shares).
  const ownCredentials = options.credentials ?? storage.credentials
  // With several processes a revocation or deletion made here reaches the others over the bus at once.
  const credentials =
    ownCredentials === undefined || bus === undefined ? ownCredentials : withBus(ownCredentials, bus)
  const access = new Access({
    secret,
    credentials,
    storage,
    documents,
    log,
    ...(options.access?.credentialTtlSeconds === undefined
      ? {}
      : { credentialTtlSeconds: options.access.credentialTtlSeconds }),
    ...(options.access?.joinTtlSeconds === undefined ? {} : { joinTtlSeconds: options.access.joinTtlSeconds })
  })
  const sweep = () => credentials?.sweep(Math.floor(Date.now() / 1000)).catch(() => metrics.error("storage"))
  const connections = new Set<ClientConnection>()
  const rateLimiter = new RateLimiter(limits.connectionsPerIpPerMinute)
  let sweeps = 0
  const sweepTimer = setInterval(() => {
    rateLimiter.sweep()
    // Expired credentials, join tokens and deletion marks go once an hour.
    if (++sweeps % 60 === 0) void sweep()
  }, 60_000)
  sweepTimer.unref()
  const refusals = new RefusalLog(log)
  let upgrading = 0
  let closing: Promise<void> | undefined

  const stats = () => ({ connections: connections.size, loadedLogs: documents.size })

  const note = (refusal: Refusal): void => {
    metrics.refuse(refusal.reason)
    const status = "status" in refusal ? refusal.status : 101
    context.notify("onRefuse", { reason: refusal.reason, status })

    refusals.record(refusal.reason, status)
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
    clientTracking: false,
    // A browser that offered subprotocols fails the handshake unless one comes back; never the token.
    handleProtocols: (protocols) => offeredProtocols([...protocols].join(",")).protocol ?? false
  })
  wss.on("error", () => metrics.error("socket"))

  /** Carries a refusal out: a plain HTTP answer, or an upgrade closed at once with the refusal's code. */
  const refuse = (request: IncomingMessage, socket: Duplex, head: Buffer, refusal: Refusal): void => {
    note(refusal)
    if ("status" in refusal) {
      refuseUpgrade(socket, refusal.status, refusal.message)
      return
    }
    // A browser cannot read the HTTP status of a refused upgrade, but it can read a close code.
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on("error", () => {})
      ws.close(refusal.close, refusal.message)
      setTimeout(() => ws.terminate(), 2_000).unref()
    })
  }

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const ip = clientAddress(request.socket.remoteAddress, request.headers["x-forwarded-for"], trustProxy)
    // With a bus, the address's allowance is the deployment's (asked only for a valid path, as the
    // local one is); while Redis does not answer, this process's own bucket decides.
    const sharedRate =
      bus !== undefined && closing === undefined && "query" in readTarget(request.url ?? "/")
        ? await bus.takeRate(ip, limits.connectionsPerIpPerMinute)
        : undefined
    const verdict = admitUpgrade(
      { url: request.url ?? "/", protocols: request.headers["sec-websocket-protocol"] },
      {
        secret,
        now: Date.now(),
        shuttingDown: closing !== undefined,
        withinRate: () => sharedRate ?? rateLimiter.take(ip)
      }
    )
    if (!verdict.ok) return refuse(request, socket, head, verdict.refusal)
    const { logId, expiresAt, credentialId } = verdict
    let status: Awaited<ReturnType<Access["status"]>>
    try {
      status = await access.status(logId, credentialId)
    } catch (error) {
      metrics.error("storage")
      log({ level: "error", event: "credential-check-failed", logId, error: describe(error) })
      // The credentials live in the store: while it cannot be reached, "try again later" as for a load.
      return refuse(
        request,
        socket,
        head,
        error instanceof StoreUnavailableError
          ? STORE_DOWN
          : { status: 500, reason: "load-failed", message: "relay unavailable" }
      )
    }
    const gone = admitStatus(status)
    if (gone !== undefined) return refuse(request, socket, head, gone)
    if (hooks.onAuthenticate !== undefined) {
      let allowed = false
      try {
        allowed = await hooks.onAuthenticate({ logId, ip, expiresAt })
      } catch {
        metrics.error("internal")
        log({ level: "error", event: "hook-failed", hook: "onAuthenticate", logId })
      }
      if (!allowed)
        return refuse(request, socket, head, {
          status: 403,
          reason: "forbidden",
          message: "connection refused"
        })
      if (closing !== undefined) return refuse(request, socket, head, SHUTTING_DOWN)
    }
    const full = admitCapacity({
      connections: connections.size + upgrading,
      connectionsOnLog: documents.connectionsOn(logId),
      limits
    })
    if (full !== undefined) return refuse(request, socket, head, full)
    if (shared !== undefined && !(await shared.acquire(logId)))
      return refuse(request, socket, head, {
        close: CloseCode.TOO_MANY_CONNECTIONS,
        reason: "log-too-many-connections",
        message: "too many connections on this log"
      })
    // From here on every way out gives the shared place back.
    const giveBack = () => shared?.release(logId)
    upgrading++
    let document: Awaited<ReturnType<Documents["acquire"]>>
    try {
      document = await documents.acquire(logId)
    } catch (error) {
      upgrading--
      giveBack()
      metrics.error("storage")
      log({ level: "error", event: "load-failed", logId, error: describe(error) })
      // A store that cannot be reached: a close code the client reads as "try again later".
      return refuse(
        request,
        socket,
        head,
        error instanceof StoreUnavailableError
          ? STORE_DOWN
          : { status: 500, reason: "load-failed", message: "log could not be loaded" }
      )
    }
    upgrading--
    // ws would silently drop a socket that went away during the load; release our place instead.
    if (closing !== undefined || socket.destroyed || !socket.readable || !socket.writable) {
      giveBack()
      documents.release(document)
      if (!socket.destroyed) refuse(request, socket, head, SHUTTING_DOWN)
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new ClientConnection({
        socket: ws,
        document,
        context,
        expiresAt,
        credentialId,
        onClose: (closed, code) => {
          giveBack()
          connections.delete(closed)
          access.untrack(closed, expiresAt)
          documents.detach(closed.document, closed)
          const remaining = closed.document.peers.size
          context.notify("onDisconnect", { logId, code, connections: remaining })
          log({ level: "info", event: "disconnect", logId, code, connections: remaining })
        }
      })
      connections.add(connection)
      access.track(connection, expiresAt)
      metrics.connectionsTotal++
      documents.attach(document, connection)
      const count = document.peers.size
      context.notify("onConnect", { logId, connections: count })
      log({ level: "info", event: "connect", logId, connections: count })
    })
  }

  const server = createServer(
    {
      // A client has this long to send its request headers (Node checks it every second here).
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: Math.max(30_000, limits.headersTimeoutMs),
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs)
    },
    httpHandler({
      storage,
      metrics,
      stats,
      shuttingDown: () => closing !== undefined,
      access: accessHandler({
        access,
        withinRate: (request) =>
          rateLimiter.take(
            clientAddress(request.socket.remoteAddress, request.headers["x-forwarded-for"], trustProxy)
          )
      }),
      ...(bus === undefined ? {} : { bus })
    })
  )
  const sockets = new SocketGuard(limits, trustProxy)
  server.on("connection", (socket: Socket) => {
    const refused = sockets.admit(socket)
    if (refused === undefined) return
    metrics.refuse(refused)
    context.notify("onRefuse", { reason: refused, status: 0 })
    refusals.record(refused, 0)
  })
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
    await bus?.flush()
    // Each connection settles `closed` when its socket's close event fires (or it is cut off). With
    // other processes behind the load balancer, 1012 (service restart): reconnect to another now.
    const open = [...connections]
    for (const connection of open)
      connection.close(
        bus === undefined ? CloseCode.GOING_AWAY : CloseCode.SERVICE_RESTART,
        bus === undefined ? "relay shutting down" : "relay restarting, reconnect"
      )
    await Promise.all(open.map((connection) => connection.closed))
    await documents.flush()
    await bus?.flush()
    documents.clear()
    clearInterval(sweepTimer)
    access.close()
    refusals.close()
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
    credential: (logId) => access.credential(logId),
    joinToken: (logId) => access.invite(logId, undefined),
    devices: (logId) => access.devices(logId),
    revoke: (logId, credentialId) => access.revoke(logId, credentialId),
    deleteLog: (logId) => access.deleteLog(logId),
    stats,
    metrics: () => metrics.render(stats()) + (bus?.renderMetrics() ?? ""),
    flush: () => documents.flush(),
    close,
    [Symbol.asyncDispose]: close
  }
}
