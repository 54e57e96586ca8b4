/**
 * A light y-websocket client for load: one Y.Doc and one raw `ws` socket speaking the sync
 * protocol (step 1, step 2, updates; awareness ignored), without WebsocketProvider's timers, so a
 * thousand of them fit in one test process.
 */
import { encodeSyncStep1, encodeUpdate, readSyncFrame } from "@relactation/testkit"
import { syncProtocol, WebSocket, Y, type YDoc } from "./deps.js"

const REMOTE = "remote"

export interface LightClient {
  readonly logId: string
  readonly doc: YDoc
  synced: boolean
  /** Close codes seen (an honest load run expects none until we close). */
  readonly closes: Array<number>
  readonly opened: Promise<void>
  /** Called with each key that arrived from the relay. */
  onRemoteKey(listener: (key: string) => void): void
  set(key: string, value: unknown): void
  close(): void
}

export const lightClient = (url: string, logId: string, token: string): LightClient => {
  const doc = new Y.Doc()
  const socket = new WebSocket(`${url}/${logId}?token=${token}`)
  const closes: Array<number> = []
  const listeners: Array<(key: string) => void> = []
  let closing = false
  const client: LightClient = {
    logId,
    doc,
    synced: false,
    closes,
    opened: new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve())
      socket.once("unexpected-response", (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`))
      )
      socket.once("error", reject)
    }),
    onRemoteKey: (listener) => {
      listeners.push(listener)
    },
    set: (key, value) => doc.getMap<unknown>("events").set(key, value),
    close: () => {
      closing = true
      socket.close(1000)
      doc.destroy()
    }
  }
  client.opened.catch(() => {})
  const send = (bytes: Uint8Array) => {
    if (socket.readyState === socket.OPEN) socket.send(bytes)
  }
  socket.on("error", () => {})
  socket.on("close", (code) => {
    if (!closing) closes.push(code)
  })
  socket.on("open", () => send(encodeSyncStep1(doc)))
  socket.on("message", (data: Buffer) => {
    const reading = readSyncFrame(doc, new Uint8Array(data), REMOTE)
    if (reading === undefined) return
    if (reading.step === syncProtocol.messageYjsSyncStep2) client.synced = true
    if (reading.reply !== undefined) send(reading.reply)
  })
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) send(encodeUpdate(update))
  })
  doc.getMap<unknown>("events").observe((event) => {
    if (event.transaction.origin !== REMOTE) return
    for (const key of event.keysChanged) for (const listener of listeners) listener(key)
  })
  return client
}
