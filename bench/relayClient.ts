/**
 * A load generator process for figure 7: phones as raw y-protocols clients over `ws` (sync step 1/2
 * and update messages, no awareness), lighter than `WebsocketProvider`. Both phones of a log live in
 * this process, so the latency from append on one to arrival on the other is read from one clock.
 *
 * Driven by the parent over IPC: "connect" (open all clients, sync the shared history), "run"
 * (append at a steady rate for a while, then report), "close".
 */

const Y = await import("yjs")
const syncProtocol = await import("y-protocols/sync")
const { WebSocket } = await import("ws")
const { encodeSyncStep1, encodeUpdate, readSyncFrame } = await import("@relactation/testkit")
const { CloseCode } = await import("@relactation/core/protocol")

interface Log {
  readonly logId: string
  readonly token: string | undefined
  /** Figure 11: phone A's and phone B's relay, when they differ (else both use `url`). */
  readonly urls?: readonly [string, string]
}
interface ConnectMessage {
  readonly type: "connect"
  readonly url: string
  readonly logs: ReadonlyArray<Log>
  readonly history: Uint8Array | { type: "Buffer"; data: Array<number> }
  readonly template: ReadonlyArray<Record<string, unknown>>
}
interface RunMessage {
  readonly type: "run"
  readonly warmupMs: number
  readonly durationMs: number
  readonly ratePerClient: number
  readonly graceMs: number
  /** Figure 11: after the grace, wait up to this long for the late ones, to tell late from lost. */
  readonly settleMs?: number
}

interface Phone {
  readonly doc: InstanceType<typeof Y.Doc>
  ws: InstanceType<typeof WebSocket> | undefined
  synced: boolean
  seq: number
}

const phones: Array<[Phone, Phone]> = []
const sentAt = new Map<string, number>()
let measuring = false
let delivered = 0
let sent = 0
let errors = 0
/** Sockets closed with "try again later" and opened again. */
let retries = 0
let closing = false
/** Called when the last update sent has arrived (while a run waits for the late ones). */
let onAllArrived: (() => void) | undefined
const latencies: Array<number> = []
let template: ReadonlyArray<Record<string, unknown>> = []

const send = (phone: Phone, data: Uint8Array) => {
  if (phone.ws?.readyState === WebSocket.OPEN) phone.ws.send(data)
}

const openPhone = (url: string, log: Log, history: Uint8Array, onSynced: () => void): Phone => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, history)
  const phone: Phone = { doc, ws: undefined, synced: false, seq: 0 }
  const query = log.token === undefined ? "" : `?token=${encodeURIComponent(log.token)}`
  // The phone is the origin of what its sockets apply, so a reconnected socket is the same origin.
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== phone) send(phone, encodeUpdate(update))
  })
  doc.getMap("events").observe((event) => {
    if (event.transaction.origin !== phone) return
    const now = performance.now()
    for (const key of event.keysChanged) {
      const t = sentAt.get(key)
      if (t === undefined) continue
      sentAt.delete(key)
      if (sentAt.size === 0) onAllArrived?.()
      if (measuring) {
        delivered += 1
        latencies.push(now - t)
      }
    }
  })
  const connect = () => {
    const ws = new WebSocket(`${url}/${log.logId}${query}`)
    ws.binaryType = "arraybuffer"
    phone.ws = ws
    ws.on("open", () => ws.send(encodeSyncStep1(doc)))
    ws.on("message", (data: ArrayBuffer) => {
      // Awareness and auth messages are not used by these clients.
      const reading = readSyncFrame(doc, new Uint8Array(data), phone)
      if (reading === undefined) return
      if (reading.reply !== undefined) ws.send(reading.reply)
      if (reading.step === syncProtocol.messageYjsSyncStep2 && !phone.synced) {
        phone.synced = true
        onSynced()
      }
    })
    ws.on("error", () => {
      errors += 1
    })
    ws.on("close", (code) => {
      // "Try again later" (the store is unreachable, or the relay restarts): a phone reconnects,
      // as @relactation/sync does; counted apart from errors.
      if (!closing && (code === CloseCode.STORE_UNAVAILABLE || code === CloseCode.SERVICE_RESTART)) {
        retries += 1
        setTimeout(connect, 250)
      } else if (code !== 1000 && code !== 1005) errors += 1
    })
  }
  connect()
  return phone
}

const append = (phone: Phone, phoneIndex: number) => {
  const base = template[(phone.seq + phoneIndex) % template.length]!
  const id = `${phone.doc.clientID.toString(36)}-${(phone.seq++).toString(36)}`
  const map = phone.doc.getMap("events")
  sentAt.set(id, performance.now())
  if (measuring) sent += 1
  phone.doc.transact(() => map.set(id, { ...base, id }))
}

process.on("message", async (message: ConnectMessage | RunMessage | { type: "close" }) => {
  if (message.type === "connect") {
    template = message.template
    const history =
      message.history instanceof Uint8Array ? message.history : Uint8Array.from(message.history.data)
    let pending = message.logs.length * 2
    let resolveAll: () => void = () => {}
    const all = new Promise<void>((r) => {
      resolveAll = r
    })
    const done = () => {
      if (--pending === 0) resolveAll()
    }
    // Connect in small batches so the accept queue is not the thing being measured.
    for (let i = 0; i < message.logs.length; i += 25) {
      for (const log of message.logs.slice(i, i + 25)) {
        phones.push([
          openPhone(log.urls?.[0] ?? message.url, log, history, done),
          openPhone(log.urls?.[1] ?? message.url, log, history, done)
        ])
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    await all
    process.send?.({ type: "connected", errors, retries })
  }
  if (message.type === "run") {
    const intervalMs = 1000 / message.ratePerClient
    const timers: Array<NodeJS.Timeout> = []
    const start = () => {
      phones.forEach((pair) => {
        pair.forEach((phone, k) => {
          // A random phase per phone, so appends are spread evenly over each interval.
          const first = setTimeout(() => {
            append(phone, k)
            timers.push(setInterval(() => append(phone, k), intervalMs))
          }, Math.random() * intervalMs)
          timers.push(first)
        })
      })
    }
    start()
    await new Promise((r) => setTimeout(r, message.warmupMs))
    measuring = true
    const t0 = performance.now()
    await new Promise((r) => setTimeout(r, message.durationMs))
    // Throughput counts arrivals inside the window, whenever they were sent.
    measuring = false
    const windowMs = performance.now() - t0
    for (const t of timers) clearTimeout(t)
    // What has not arrived a grace period after the last append is reported as lost.
    await new Promise((r) => setTimeout(r, message.graceMs))
    const lost = sentAt.size
    const settleMs = message.settleMs ?? 0
    if (settleMs > 0 && sentAt.size > 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, settleMs)
        onAllArrived = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    onAllArrived = undefined
    process.send?.({
      type: "result",
      delivered,
      sent,
      windowMs,
      latencies,
      errors,
      retries,
      lost,
      // Still not arrived `settleMs` after the grace: lost for good, not late.
      missing: sentAt.size
    })
  }
  if (message.type === "close") {
    closing = true
    for (const pair of phones) for (const p of pair) p.ws?.close(1000)
    setTimeout(() => process.exit(0), 200)
  }
})
process.send?.({ type: "ready" })
