/**
 * One client's websocket on one log. It turns frames into parsed messages for its `Document`, keeps
 * the connection alive with pings, ends it when the token expires, and makes sure nothing a client
 * sends can throw out of a handler: bad bytes close this connection only.
 */
import { CloseCode } from "@relactation/core"
import type { RawData, WebSocket } from "ws"
import type { RelayContext } from "./Context.js"
import { describe, type Document, type Peer } from "./Document.js"
import { ProtocolError, parseMessage } from "./Messages.js"

export interface ClientConnectionOptions {
  readonly socket: WebSocket
  readonly document: Document
  readonly context: RelayContext
  /** Unix seconds after which the token no longer holds. */
  readonly expiresAt: number
  readonly onClose: (connection: ClientConnection, code: number) => void
}

// A peer that ignores our close frame is cut off after this long.
const CLOSE_GRACE_MS = 2_000

const toBytes = (data: RawData): Uint8Array => {
  // Copy into a fresh buffer: the parsed views may be kept (stored, relayed) after ws reuses its own.
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data)
}

export class ClientConnection implements Peer {
  readonly document: Document
  private readonly socket: WebSocket
  private readonly context: RelayContext
  private readonly expiresAt: number
  private readonly onClose: ClientConnectionOptions["onClose"]
  private readonly pingTimer: NodeJS.Timeout
  private alive = true
  private closing = false
  /** Settles once the socket's close event fired and the relay forgot this connection. */
  readonly closed: Promise<void>

  constructor(options: ClientConnectionOptions) {
    this.socket = options.socket
    this.document = options.document
    this.context = options.context
    this.expiresAt = options.expiresAt
    this.onClose = options.onClose
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

  send(message: Uint8Array): void {
    if (this.closing || this.socket.readyState !== this.socket.OPEN) return
    this.context.metrics.messagesOut++
    this.context.metrics.bytesOut += message.byteLength
    this.socket.send(message, (error) => {
      if (error != null) this.onError(error)
    })
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
      this.document.receive(this, parseMessage(bytes))
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
