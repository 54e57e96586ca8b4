// A WebSocket for y-websocket (through `WebSocketPolyfill`) over a real `ws` socket, with a
// seeded, random delay on every frame in both directions (mostly short, one in five up to
// `maxDelayMs`), and a way to lose the connection.
// Frames of one socket keep their order (TCP never reorders), but frames of different sockets
// overtake each other at random; a lost connection loses the frames still in flight.
import WebSocket from "ws"

/** The network of one test run: its randomness, its delay bound, and its live sockets. */
export interface FlakyNetwork {
  /** A `WebSocketPolyfill` for one device: its sockets are tracked under `device`. */
  readonly socketFor: (device: number) => unknown
  /** Loses the device's connection (as a dead network does): y-websocket reconnects by itself. */
  readonly drop: (device: number) => boolean
}

export const flakyNetwork = (random: () => number, maxDelayMs: number): FlakyNetwork => {
  const live = new Map<number, Set<WebSocket>>()

  // Delivers `items` in order, each after a random delay from when it was queued (never before
  // the one ahead of it).
  const fifo = <A>(deliver: (item: A) => void) => {
    const queue: Array<{ readonly at: number; readonly item: A }> = []
    let timer: ReturnType<typeof setTimeout> | undefined
    let lastAt = 0
    const pump = (): void => {
      timer = undefined
      const now = Date.now()
      while (queue.length > 0 && queue[0]!.at <= now) deliver(queue.shift()!.item)
      if (queue.length > 0) timer = setTimeout(pump, queue[0]!.at - now)
    }
    return {
      push: (item: A): void => {
        // Mostly quick, sometimes slow: a slow frame holds up the ones behind it on its socket.
        const bound = random() < 0.2 ? maxDelayMs : maxDelayMs / 10
        lastAt = Math.max(lastAt, Date.now() + Math.floor(random() * (bound + 1)))
        queue.push({ at: lastAt, item })
        if (timer === undefined) timer = setTimeout(pump, lastAt - Date.now())
      },
      clear: (): void => {
        queue.length = 0
        clearTimeout(timer)
        timer = undefined
      }
    }
  }

  const socketFor = (device: number): unknown =>
    class FlakySocket {
      readonly CONNECTING = WebSocket.CONNECTING
      readonly OPEN = WebSocket.OPEN
      readonly CLOSING = WebSocket.CLOSING
      readonly CLOSED = WebSocket.CLOSED
      onopen: ((event: unknown) => void) | null = null
      onmessage: ((event: { data: unknown }) => void) | null = null
      onclose: ((event: unknown) => void) | null = null
      onerror: ((event: unknown) => void) | null = null
      readonly #ws: WebSocket
      readonly #out = fifo<Uint8Array>((data) => {
        if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(data)
      })
      readonly #in = fifo<unknown>((data) => this.onmessage?.({ data }))

      constructor(url: string, protocols?: string | Array<string>) {
        const ws = new WebSocket(url, protocols)
        this.#ws = ws
        ws.binaryType = "arraybuffer"
        const sockets = live.get(device) ?? new Set()
        live.set(device, sockets)
        sockets.add(ws)
        ws.onopen = (event) => this.onopen?.(event)
        ws.onmessage = (event) => this.#in.push(event.data)
        ws.onerror = (event) => this.onerror?.(event)
        ws.onclose = (event) => {
          sockets.delete(ws)
          this.#in.clear()
          this.#out.clear()
          this.onclose?.({ code: event.code, reason: event.reason })
        }
      }
      get readyState(): number {
        return this.#ws.readyState
      }
      set binaryType(_type: string) {
        // Always array buffers, as y-websocket asks.
      }
      get binaryType(): string {
        return "arraybuffer"
      }
      send(data: Uint8Array): void {
        this.#out.push(data)
      }
      close(code?: number, reason?: string): void {
        this.#out.clear()
        this.#ws.close(code, reason)
      }
    }

  return {
    socketFor,
    drop: (device) => {
      const sockets = live.get(device)
      if (sockets === undefined || sockets.size === 0) return false
      for (const ws of sockets) ws.terminate()
      return true
    }
  }
}
