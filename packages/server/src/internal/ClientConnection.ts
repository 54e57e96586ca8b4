/**
 * One client's websocket on one log. It turns frames into parsed messages for its `Document`, keeps
 * the connection alive with pings, ends it when the token expires, and makes sure nothing a client
 * sends can throw out of a handler: bad bytes close this connection only.
 */
import { CloseCode } from "@relactation/core/protocol"
import type { RawData, WebSocket } from "ws"
import type { RelayContext } from "./Context.js"
import { describe, type Document, type Peer } from "./Document.js"
import { Allowance } from "./Allowance.js"
import { type ClientMessage, ProtocolError, parseMessage, TRY_AGAIN_LATER } from "./Messages.js"

export interface ClientConnectionOptions {
  readonly socket: WebSocket
  readonly document: Document
  readonly context: RelayContext
  /** Unix seconds after which the token no longer holds. */
  readonly expiresAt: number
  /** The device credential's id (`undefined` for a `v1` family token). */
  readonly credentialId?: string | undefined
  readonly onClose: (connection: ClientConnection, code: number) => void
}

/** How deeply an awareness state may nest (honest presence states nest two or three levels). */
export const MAX_AWARENESS_DEPTH = 32

// A peer that ignores our close frame is cut off after this long.
const CLOSE_GRACE_MS = 2_000

const toBytes = (data: RawData): Uint8Array => {
  // Copy into a fresh buffer: the parsed views may be kept (stored, relayed) after ws reuses its own.
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data)
}

export class ClientConnection implements Peer {
  readonly document: Document
  readonly credentialId: string | undefined
  readonly expiresAt: number
  private readonly socket: WebSocket
  private readonly context: RelayContext
  private readonly onClose: ClientConnectionOptions["onClose"]
  private readonly pingTimer: NodeJS.Timeout
  private alive = true
  private closing = false
  /** Per-minute allowances of the messages that make the relay work or answer with a lot. */
  private readonly allowances: Readonly<Record<"sync" | "query" | "update", Allowance>>
  /** Settles once the socket's close event fired and the relay forgot this connection. */
  readonly closed: Promise<void>

  constructor(options: ClientConnectionOptions) {
    this.socket = options.socket
    this.document = options.document
    this.context = options.context
    this.expiresAt = options.expiresAt
    this.credentialId = options.credentialId
    this.onClose = options.onClose
    const { limits } = this.context
    this.allowances = {
      sync: new Allowance(limits.syncRequestsPerMinute),
      query: new Allowance(limits.awarenessQueriesPerMinute),
      update: new Allowance(limits.updatesPerMinute)
    }
    this.socket.on("message", (data, isBinary) => this.onMessage(data, isBinary))
    this.socket.on("pong", () => {
      this.alive = true
    })
    this.socket.on("error", (error) => this.onError(error))
    let settle: () => void = () => {}
    this.closed = new Promise((resolve) => {
      settle = resolve
    })
    this.socket.once("close", (code) => {
      this.closing = true
      clearInterval(this.pingTimer)
      try {
        this.onClose(this, code)
      } finally {
        settle()
      }
    })
    this.pingTimer = setInterval(() => this.tick(), this.context.limits.idleTimeoutMs)
  }

  get logId(): string {
    return this.document.logId
  }

  send(message: Uint8Array): void {
    if (this.closing || this.socket.readyState !== this.socket.OPEN) return
    // A client that does not read would make the relay queue without end (one query-awareness of a
    // byte is answered with every state): past the cap it is cut off, and its queue freed at once.
    const queued = this.socket.bufferedAmount
    if (queued > 0 && queued + message.byteLength > this.context.limits.maxQueuedBytesPerConnection) {
      this.cutOff(queued)
      return
    }
    this.context.metrics.messagesOut++
    this.context.metrics.bytesOut += message.byteLength
    this.socket.send(message, (error) => {
      if (error != null) this.onError(error)
    })
  }

  private cutOff(queued: number): void {
    this.closing = true
    this.context.metrics.error("slow-consumer")
    this.context.notify("onError", { kind: "slow-consumer", logId: this.document.logId })
    this.context.log({ level: "warn", event: "slow-consumer", logId: this.document.logId, queued })
    // A close frame would wait behind the queue: drop the socket.
    this.socket.terminate()
  }

  /** Spends the allowance the message needs; throws when it is used up for this minute. */
  private spend(message: ClientMessage): void {
    const kind =
      message.type === "sync-step-1"
        ? "sync"
        : message.type === "query-awareness"
          ? "query"
          : message.type === "awareness"
            ? undefined
            : "update"
    if (kind !== undefined && !this.allowances[kind].take())
      throw new ProtocolError(TRY_AGAIN_LATER, "rate-limited", `too many ${message.type} messages`)
  }

  close(code: number, reason: string): void {
    if (this.closing) return
    this.closing = true
    try {
      this.socket.close(code, reason)
    } catch {
      this.socket.terminate()
      return
    }
    setTimeout(() => {
      if (this.socket.readyState !== this.socket.CLOSED) this.socket.terminate()
    }, CLOSE_GRACE_MS).unref()
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closing) return
    const bytes = toBytes(data)
    const { metrics } = this.context
    metrics.messagesIn++
    metrics.bytesIn += bytes.byteLength
    try {
      if (!isBinary)
        throw new ProtocolError(CloseCode.MALFORMED, "malformed-message", "text frames are not accepted")
      const { limits } = this.context
      const message = parseMessage(bytes, {
        maxStateBytes: limits.maxAwarenessStateBytes,
        maxDepth: MAX_AWARENESS_DEPTH
      })
      this.spend(message)
      this.document.receive(this, message)
    } catch (error) {
      if (error instanceof ProtocolError) {
        metrics.error(error.kind)
        this.context.notify("onError", { kind: error.kind, logId: this.document.logId })
        this.context.log({
          level: "warn",
          event: "protocol-error",
          logId: this.document.logId,
          code: error.code,
          reason: error.message,
          bytes: bytes.byteLength
        })
        this.close(error.code, error.message)
      } else {
        metrics.error("internal")
        this.context.notify("onError", { kind: "internal", logId: this.document.logId })
        this.context.log({
          level: "error",
          event: "internal-error",
          logId: this.document.logId,
          error: describe(error)
        })
        this.close(CloseCode.INTERNAL, "internal error")
      }
    }
  }

  private onError(error: Error): void {
    // ws reports an oversize frame as an error and then closes with 1009 by itself.
    const code = (error as { code?: unknown }).code
    const kind = code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? "too-large" : "socket"
    this.context.metrics.error(kind)
    this.context.notify("onError", { kind, logId: this.document.logId })
    this.context.log({
      level: "warn",
      event: kind === "too-large" ? "message-too-large" : "socket-error",
      logId: this.document.logId,
      error: typeof code === "string" ? code : error.name
    })
  }

  private tick(): void {
    if (this.closing) return
    if (Date.now() >= this.expiresAt * 1000) {
      this.context.log({ level: "info", event: "token-expired", logId: this.document.logId })
      this.close(CloseCode.TOKEN_EXPIRED, "token expired")
      return
    }
    if (!this.alive) {
      this.context.log({ level: "info", event: "idle-timeout", logId: this.document.logId })
      this.close(CloseCode.IDLE_TIMEOUT, "ping timeout")
      return
    }
    this.alive = false
    try {
      this.socket.ping()
    } catch {
      this.socket.terminate()
    }
  }
}
