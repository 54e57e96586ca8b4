/**
 * The link to the relay: the stock y-websocket `WebsocketProvider`, with two changes of policy.
 * Reconnects are scheduled here with jitter (so a relay restart does not bring every phone back in
 * the same millisecond), and "synced" also waits until the relay has answered for the local
 * changes made since (a sync step 1 sent after them is answered only after they were applied).
 *
 * @since 0.1.0
 */
import { CloseCode, TOKEN_PARAM } from "@relactation/core"
import * as decoding from "lib0/decoding"
import * as encoding from "lib0/encoding"
import type { Awareness } from "y-protocols/awareness"
import * as syncProtocol from "y-protocols/sync"
import { messageSync, WebsocketProvider } from "y-websocket"
import type * as Y from "yjs"
import * as Listeners from "./internal/Listeners.js"

/**
 * Where a log stands with the relay:
 * - `offline`: no relay configured, disconnected on purpose, or waiting to reconnect;
 * - `connecting`: opening the websocket;
 * - `syncing`: connected, but the initial exchange or the acknowledgement of local changes is
 *   not done yet;
 * - `synced`: connected, and both sides have everything the other had;
 * - `removed`: this device was removed from the family (its credential revoked): it does not
 *   reconnect, and the app should say so;
 * - `deleted`: the log was deleted from the relay: it does not reconnect.
 *
 * @since 0.1.0
 * @category models
 */
export type Status = "offline" | "connecting" | "syncing" | "synced" | "removed" | "deleted"

/**
 * @since 0.1.0
 * @category models
 */
export interface Connection {
  readonly status: Status
  readonly onStatus: (listener: (status: Status) => void) => () => void
  readonly connect: () => void
  readonly disconnect: () => void
  readonly destroy: () => void
  /**
   * Uses a renewed credential from the next (re)connect on; with `reconnect`, at once (a family
   * token exchanged for this device's own credential, so the relay knows this socket by its id).
   * @since 0.2.0
   */
  readonly setToken?: (token: string, reconnect?: boolean) => void
  /** The relay said this device or the log is gone: stop for good. @since 0.2.0 */
  readonly end?: (why: "removed" | "deleted") => void
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectionOptions {
  readonly url: string
  readonly logId: string
  readonly token: string
  readonly doc: Y.Doc
  readonly awareness: Awareness
  readonly WebSocketPolyfill?: unknown
  readonly random: () => number
  /** Cross-tab BroadcastChannel sync (browsers). */
  readonly broadcastChannel: boolean
  /** Upper bound of the reconnect delay; default 5000 ms. */
  readonly maxBackoffMs?: number
  /** Where a throwing `onStatus` listener is reported; default `console.error`. */
  readonly report?: Listeners.ReportError
  /**
   * Whether the token held now is still good (Unix ms): a connection closed with `TOKEN_EXPIRED`
   * reconnects when a renewal replaced the token meanwhile. Default: never.
   */
  readonly tokenValid?: () => boolean
}

/**
 * The relay ended the connection for good: a new token (or a policy change) is needed first, this
 * device was removed (`REVOKED`), or the log was deleted (`LOG_DELETED`).
 *
 * @since 0.1.0
 * @category reconnect
 */
export const isFinalClose = (code: number): boolean =>
  code === CloseCode.POLICY ||
  code === CloseCode.TOKEN_EXPIRED ||
  code === CloseCode.REVOKED ||
  code === CloseCode.LOG_DELETED

/**
 * The delay before reconnect attempt `attempt` (1, 2, ...): exponential from 200 ms up to
 * `maxMs`, each delay drawn uniformly from its upper half.
 *
 * @since 0.1.0
 * @category reconnect
 */
export const reconnectDelay = (attempt: number, maxMs: number, random: () => number): number => {
  const base = Math.min(maxMs, 100 * 2 ** Math.max(1, attempt))
  return base / 2 + (random() * base) / 2
}

/**
 * A connection that never connects: for logs opened without `url` and `token`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const none: Connection = {
  status: "offline",
  onStatus: () => () => {},
  connect: () => {},
  disconnect: () => {},
  destroy: () => {}
}

/**
 * Opens a connection to the relay (connecting at once).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: ConnectionOptions): Connection => {
  const { doc, random } = options
  const maxBackoffMs = options.maxBackoffMs ?? 5000
  const provider = new WebsocketProvider(options.url, options.logId, doc, {
    connect: false,
    awareness: options.awareness,
    params: { [TOKEN_PARAM]: options.token },
    disableBc: !options.broadcastChannel,
    maxBackoffTime: maxBackoffMs,
    shouldReconnect: (event) => !isFinalClose(event.code),
    ...(options.WebSocketPolyfill === undefined
      ? {}
      : { WebSocketPolyfill: options.WebSocketPolyfill as typeof WebSocket })
  })

  const listeners = Listeners.make<Status>("onStatus", options.report ?? Listeners.consoleReport)
  let status: Status = "offline"
  let gone: "removed" | "deleted" | undefined
  let wanted = false
  let destroyed = false
  let attempts = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  // Sync step 1 messages sent on this socket, and step 2 answers received.
  let asked = 0
  let answered = 0

  const compute = (): Status =>
    gone !== undefined
      ? gone
      : provider.wsconnected
        ? provider.synced && answered >= asked
          ? "synced"
          : "syncing"
        : provider.wsconnecting
          ? "connecting"
          : "offline"

  const update = (): void => {
    const next = compute()
    if (next === status) return
    status = next
    if (next === "synced") attempts = 0
    listeners.emit(next)
  }

  const sendStep1 = (): boolean => {
    const ws = provider.ws
    if (!provider.wsconnected || ws === null || ws.readyState !== ws.OPEN) return false
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, messageSync)
    syncProtocol.writeSyncStep1(encoder, doc)
    ws.send(encoding.toUint8Array(encoder))
    return true
  }

  const original = provider.messageHandlers[messageSync]!
  provider.messageHandlers[messageSync] = (encoder, decoder, p, emitSynced, type) => {
    const kind = decoding.peekVarUint(decoder)
    if (emitSynced && kind === syncProtocol.messageYjsSyncStep1) {
      // The relay asks for what it lacks (say, events appended offline); the answer goes out
      // right after this handler. The relay's step 2 to our first step 1 may come before it has
      // applied that answer, so ask once more after it: "synced" waits for that reply too.
      asked++
      // (If the socket closed meanwhile, the next one starts counting afresh.)
      queueMicrotask(() => {
        sendStep1()
        update()
      })
    }
    original(encoder, decoder, p, emitSynced, type)
    if (emitSynced && kind === syncProtocol.messageYjsSyncStep2) {
      answered = Math.min(asked, answered + 1)
      update()
    }
  }

  // The relay answers a sync step 1 only after the messages before it, so its answer to one sent
  // right after local updates acknowledges them. Bursts share one step 1.
  let askQueued = false
  const ask = (): void => {
    askQueued = false
    if (!sendStep1()) return
    asked++
    update()
  }
  const onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin === provider || !provider.wsconnected || askQueued) return
    askQueued = true
    queueMicrotask(ask)
  }
  doc.on("update", onUpdate)

  provider.on("status", (event) => {
    if (event.status === "connected") {
      // y-websocket sends its own sync step 1 when the socket opens.
      asked = 1
      answered = 0
      // The relay dropped our presence when the last socket closed but kept its clock, so the
      // same state sent again would be ignored there until the 15 s renewal: renew it now.
      const local = options.awareness.getLocalState()
      if (local !== null) options.awareness.setLocalState(local)
    }
    update()
  })
  provider.on("sync", update)
  provider.on("connection-close", (event) => {
    // Take the reconnect schedule over from y-websocket, whose own timer then finds nothing to do.
    provider.shouldConnect = false
    update()
    if (!wanted || destroyed) return
    if (event !== null && (event.code === CloseCode.REVOKED || event.code === CloseCode.LOG_DELETED)) {
      end(event.code === CloseCode.REVOKED ? "removed" : "deleted")
      return
    }
    const renewed = event?.code === CloseCode.TOKEN_EXPIRED && options.tokenValid?.() === true
    if (event !== null && isFinalClose(event.code) && !renewed) {
      wanted = false
      return
    }
    attempts++
    clearTimeout(timer)
    timer = setTimeout(
      () => {
        timer = undefined
        if (wanted && !destroyed) provider.connect()
        update()
      },
      reconnectDelay(attempts, maxBackoffMs, random)
    )
  })

  const end = (why: "removed" | "deleted"): void => {
    if (destroyed) return
    gone = why
    wanted = false
    clearTimeout(timer)
    timer = undefined
    provider.shouldConnect = false
    if (provider.ws !== null) provider.disconnect()
    update()
  }

  const connection: Connection = {
    get status() {
      return status
    },
    onStatus: listeners.add,
    connect: () => {
      if (destroyed || gone !== undefined) return
      wanted = true
      clearTimeout(timer)
      timer = undefined
      provider.connect()
      update()
    },
    disconnect: () => {
      wanted = false
      clearTimeout(timer)
      timer = undefined
      provider.disconnect()
      update()
    },
    setToken: (token, reconnect) => {
      provider.params[TOKEN_PARAM] = token
      if (reconnect === true && wanted && !destroyed && gone === undefined && provider.ws !== null) {
        provider.disconnect()
        provider.connect()
        update()
      }
    },
    end,
    destroy: () => {
      if (destroyed) return
      wanted = false
      clearTimeout(timer)
      timer = undefined
      doc.off("update", onUpdate)
      provider.destroy()
      update()
      destroyed = true
      listeners.clear()
    }
  }
  connection.connect()
  return connection
}
