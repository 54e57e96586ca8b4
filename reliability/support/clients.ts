/**
 * Clients the scenarios drive: a stock `WebsocketProvider` on a Y.Doc laid out as the sync contract
 * says (`doc.getMap("events")`, key = event id, value = the encoded wire JSON), raw `ws` sockets for
 * bytes no honest client sends, and readers for the relay's SQLite store. Frames and raw upgrade
 * requests come from @relactation/testkit.
 */
import { type Draft, type Event, encodeEvent, makeSync } from "@relactation/core"
import { Database, type Provider, WebSocket, WebsocketProvider, Y, type YDoc } from "./deps.js"

export const EVENTS_MAP = "events"

// Each WebsocketProvider registers a process "exit" listener; scenarios run hundreds of them.
process.setMaxListeners(0)

export interface DocClient {
  readonly name: string
  readonly logId: string
  readonly doc: YDoc
  readonly provider: Provider
  /** Ids this client appended, in order. */
  readonly appended: Array<string>
  /** Close codes the provider saw. */
  readonly closes: Array<number>
  append(event: Event | Record<string, unknown>, key?: string): void
  /** Writes any value under any key, as a hostile client can. */
  setRaw(key: string, value: unknown): void
  /** Keys present in this client's document. */
  keys(): Set<string>
  /** Values of the events map, raw. */
  values(): Array<unknown>
  synced(): boolean
  destroy(): void
}

export const docClient = (
  url: string,
  logId: string,
  token: string,
  name: string,
  options: { connect?: boolean; maxBackoffTime?: number; WebSocketPolyfill?: typeof WebSocket } = {}
): DocClient => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, logId, doc, {
    params: { token },
    WebSocketPolyfill: (options.WebSocketPolyfill ?? WebSocket) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    maxBackoffTime: options.maxBackoffTime ?? 500
  })
  const closes: Array<number> = []
  provider.on("connection-close", (event) => {
    if (event != null) closes.push(event.code)
  })
  const events = doc.getMap<unknown>(EVENTS_MAP)
  const appended: Array<string> = []
  return {
    name,
    logId,
    doc,
    provider,
    appended,
    closes,
    append: (event, key) => {
      const id = key ?? String((event as { id: unknown }).id)
      const value = "type" in event && "recordedAt" in event ? encodeEvent(event as Event) : event
      events.set(id, value)
      appended.push(id)
    },
    setRaw: (key, value) => {
      events.set(key, value)
      appended.push(key)
    },
    keys: () => new Set(events.keys()),
    values: () => [...events.values()],
    synced: () => provider.synced && provider.wsconnected,
    destroy: () => {
      provider.destroy()
      doc.destroy()
    }
  }
}

/** Makes valid events with seeded ids and times, as one caregiver's phone would. */
export const eventMaker = (random: () => number, by: string, child = "baby-1") => {
  let clock = Date.parse("2027-03-01T00:00:00.000Z")
  const kinds = ["latch", "pump", "supplement", "medication"] as const
  return (at?: number, marker?: string): Event => {
    clock += 60_000 + Math.floor(random() * 600_000)
    const when = at ?? clock
    const kind = kinds[Math.floor(random() * kinds.length)] ?? "latch"
    const common = { child, by, at: when }
    const draft: Draft =
      kind === "latch"
        ? { ...common, type: "latch", durationSec: 60 + Math.floor(random() * 1_200), side: "left" }
        : kind === "pump"
          ? {
              ...common,
              type: "pump",
              durationSec: 600,
              method: "electric",
              totalMl: Math.floor(random() * 80)
            }
          : kind === "supplement"
            ? {
                ...common,
                type: "supplement",
                ml: 5 + Math.floor(random() * 60),
                milk: "formula",
                via: "sns"
              }
            : { ...common, type: "medication", name: marker ?? "domperidone", dose: 10, unit: "mg" }
    return makeSync(draft, { now: () => when, random })
  }
}

export interface RawClient {
  readonly socket: InstanceType<typeof WebSocket>
  readonly messages: Array<Uint8Array>
  readonly closed: Promise<{ code: number; reason: string }>
  readonly opened: Promise<void>
  send(bytes: Uint8Array | string): void
  terminate(): void
}

/** A bare ws client for hostile bytes. `opened` rejects on a refused upgrade. */
export const rawClient = (url: string, options: { maxPayload?: number } = {}): RawClient => {
  const socket = new WebSocket(url, { maxPayload: options.maxPayload ?? 64 * 1024 * 1024 })
  const messages: Array<Uint8Array> = []
  socket.on("message", (data: Buffer) => messages.push(new Uint8Array(data)))
  socket.on("error", () => {})
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }))
  })
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve())
    socket.once("unexpected-response", (_request, response) =>
      reject(new Error(`unexpected response ${response.statusCode}`))
    )
    socket.once("error", reject)
  })
  opened.catch(() => {})
  return {
    socket,
    messages,
    closed,
    opened,
    send: (bytes) => {
      if (socket.readyState === socket.OPEN) socket.send(bytes)
    },
    terminate: () => socket.terminate()
  }
}

/** What a refused upgrade answered, or what happened instead. */
export const attemptUpgrade = (
  url: string,
  timeoutMs = 5_000
): Promise<{ status: number; body: string; websocketMessages: number; opened: boolean }> =>
  new Promise((resolve) => {
    const socket = new WebSocket(url)
    let websocketMessages = 0
    socket.on("error", () => {})
    const timer = setTimeout(() => {
      socket.terminate()
      resolve({ status: 0, body: "timeout", websocketMessages, opened: false })
    }, timeoutMs)
    socket.on("message", () => {
      websocketMessages++
    })
    socket.on("open", () => {
      // Give the relay a moment to (wrongly) send document bytes before we report.
      setTimeout(() => {
        clearTimeout(timer)
        socket.terminate()
        resolve({ status: 101, body: "", websocketMessages, opened: true })
      }, 200)
    })
    socket.on("unexpected-response", (_request, response) => {
      let body = ""
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString()
      })
      response.on("end", () => {
        clearTimeout(timer)
        resolve({ status: response.statusCode ?? 0, body, websocketMessages, opened: false })
      })
    })
  })

/** Per log id, the keys and values of the events map as stored in the relay's SQLite file. */
export const readStore = (
  file: string
): Map<string, { keys: Array<string>; values: Map<string, unknown> }> => {
  const db = new Database(file)
  try {
    const rows = db.prepare("SELECT log_id AS logId, data FROM updates ORDER BY seq").all() as Array<{
      logId: string
      data: Uint8Array
    }>
    const byLog = new Map<string, Array<Uint8Array>>()
    for (const row of rows) {
      const list = byLog.get(row.logId) ?? []
      list.push(row.data)
      byLog.set(row.logId, list)
    }
    const out = new Map<string, { keys: Array<string>; values: Map<string, unknown> }>()
    for (const [logId, updates] of byLog) {
      const doc = new Y.Doc()
      for (const update of updates) Y.applyUpdate(doc, update)
      const map = doc.getMap<unknown>(EVENTS_MAP)
      out.set(logId, { keys: [...map.keys()], values: new Map(map.entries()) })
      doc.destroy()
    }
    return out
  } finally {
    db.close()
  }
}

/** Every id the clients appended, per log: what every phone of that log must end up holding. */
export const appendedByLog = (
  clients: ReadonlyArray<{ readonly logId: string; readonly appended: ReadonlyArray<string> }>
): Map<string, Set<string>> => {
  const expected = new Map<string, Set<string>>()
  for (const client of clients) {
    const ids = expected.get(client.logId) ?? new Set<string>()
    for (const id of client.appended) ids.add(id)
    expected.set(client.logId, ids)
  }
  return expected
}

/** Whether every client holds exactly the ids appended on its log (`expected`, from `appendedByLog`). */
export const holdItsLog = (
  clients: ReadonlyArray<{ readonly logId: string; keys(): Set<string> }>,
  expected: ReadonlyMap<string, ReadonlySet<string>>
): boolean =>
  clients.every((client) => {
    const keys = client.keys()
    const want = expected.get(client.logId) ?? new Set<string>()
    return keys.size === want.size && [...want].every((id) => keys.has(id))
  })
