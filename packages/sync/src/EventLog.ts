/**
 * A family's event log on one device: a Yjs document whose `events` map holds every event by id,
 * persisted locally, synced through the relay, with projections kept live as events arrive. This
 * is the Promise/callback face; the Effect face (`EffectApi`) wraps the same implementation.
 *
 * @since 0.1.0
 */
import {
  type DailyTotals,
  type DailyTotalsOptions,
  DailyTotalsReducer,
  type Draft,
  decodeEntry,
  type Event,
  encodeEvent,
  type InvalidEntry,
  InvalidEvent,
  isEvent,
  isLogId,
  type LogEntry,
  makeSync,
  type RelactationProgress,
  type RelactationProgressOptions,
  RelactationProgressReducer,
  type UnknownEntry,
  validateEvent,
  type WeightTrend,
  type WeightTrendOptions,
  WeightTrendReducer
} from "@relactation/core"
import { Result } from "effect"
import { Awareness } from "y-protocols/awareness"
import * as Y from "yjs"
import * as Connection from "./Connection.js"
import * as LiveProjections from "./LiveProjections.js"
import {
  indexedDbAdapter,
  isBrowser,
  memoryAdapter,
  type PersistenceAdapter,
  type PersistenceOption,
  type PersistenceSession
} from "./Persistence.js"
import * as Presence from "./Presence.js"
import { InvalidLogOptions, LogClosed, PersistenceError } from "./SyncError.js"

/**
 * The name of the Yjs map that holds the events (part of the documented layout).
 *
 * @since 0.1.0
 * @category layout
 */
export const EVENTS_MAP = "events"

/**
 * Options shared by the three live projections.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProjectionOptions {
  /** IANA time zone the days are counted in. */
  readonly timeZone: string
  /** Local hour a day starts at; default 0. */
  readonly dayStartHour?: number
  /** Night window in local hours; default 22–6. */
  readonly night?: { readonly start: number; readonly end: number }
  /** Only this child's events; default every child. */
  readonly child?: string
  /** For the weight trend's WHO bands. */
  readonly birthDate?: string
  readonly sex?: "female" | "male"
}

/**
 * Options of {@link openLog}.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpenLogOptions {
  /** 8–64 of `[A-Za-z0-9_-]`: the room name at the relay. */
  readonly logId: string
  /** This caregiver's id: fills `by` on drafts. */
  readonly caregiver: string
  /** Default child id for drafts (and sessions) that omit it. */
  readonly child?: string
  /** Relay base URL such as `wss://relay.example.org`; with `token` the log connects. */
  readonly url?: string
  readonly token?: string
  /** Default: `indexeddb` in browsers, `memory` elsewhere. */
  readonly persistence?: PersistenceOption
  readonly projections: ProjectionOptions
  /** Display name shown to the other devices. */
  readonly presence?: { readonly name?: string }
  /** Pass `WebSocket` from `ws` in Node 20 (which has no global WebSocket). */
  readonly WebSocketPolyfill?: unknown
  /** Injected clock (tests); default `Date.now`. */
  readonly now?: () => number
  /** Injected randomness (ids, reconnect jitter); default `Math.random`. */
  readonly random?: () => number
  /** Cross-tab sync through BroadcastChannel; default on in browsers, off elsewhere. */
  readonly broadcastChannel?: boolean
  /** Upper bound of the (jittered, exponential) reconnect delay; default 5000 ms. */
  readonly maxReconnectDelayMs?: number
}

/**
 * What `subscribe` listeners get: the valid events newly seen, and where they came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface LogChange {
  readonly added: ReadonlyArray<Event>
  readonly origin: "local" | "remote" | "persistence"
}

/**
 * A draft without `by` and `child`, which the log fills from `caregiver` and `child`.
 *
 * @since 0.1.0
 * @category models
 */
export type AppendDraft = Draft extends infer D
  ? D extends Draft
    ? Omit<D, "by" | "child"> & { readonly by?: string; readonly child?: string }
    : never
  : never

/**
 * What `append` accepts: a draft (full or without `by`/`child`) or a complete event.
 *
 * @since 0.1.0
 * @category models
 */
export type AppendInput = Draft | AppendDraft | Event

/**
 * What `startSession` accepts.
 *
 * @since 0.1.0
 * @category models
 */
export type SessionStart = Omit<Presence.RunningSession, "startedAt" | "child"> & {
  readonly startedAt?: string
  readonly child?: string
}

/**
 * What `stopSession` accepts: the duration (default: since `startedAt`) and, for a pump session,
 * the amounts.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionStop {
  /**
   * Stop another device's running session instead (its `clientId` in `peers`), for example when
   * the other parent forgot: this device records the event, and the other device ends its session
   * when the event reaches it.
   */
  readonly peer?: number
  readonly durationSec?: number
  readonly totalMl?: number
  readonly leftMl?: number
  readonly rightMl?: number
}

/**
 * An open log.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventLog {
  readonly logId: string
  /** Validates and stores; rejects with `InvalidEvent` storing nothing. Resolves once persisted. */
  append(input: AppendInput): Promise<Event>
  retract(target: string, reason?: string): Promise<Event>
  /** Every valid event (retractions included), sorted by `at`, then `id`. */
  readonly events: ReadonlyArray<Event>
  /** Entries kept in the log but skipped: unknown (newer app) and invalid ones. */
  readonly problems: ReadonlyArray<UnknownEntry | InvalidEntry>
  readonly dailyTotals: DailyTotals
  readonly weightTrend: WeightTrend
  readonly relactationProgress: RelactationProgress
  /** Rebuilds the live projections once; throws core's `InvalidOptions` on bad options. */
  setProjectionOptions(options: ProjectionOptions): void
  subscribe(listener: (change: LogChange) => void): () => void
  readonly status: Connection.Status
  onStatus(listener: (status: Connection.Status) => void): () => void
  /** Devices on the log now, this one included (`self: true`). */
  readonly peers: ReadonlyArray<Presence.Peer>
  onPeers(listener: (peers: ReadonlyArray<Presence.Peer>) => void): () => void
  /** Starts (or replaces) this device's running session; throws `InvalidEvent` on a bad one. */
  /** Changes the display name the other devices see (presence only; log a `caregiver` event too). */
  setPresenceName(name: string | undefined): void
  startSession(session: SessionStart): Presence.RunningSession
  /**
   * Appends the session's latch/pump event and ends it; resolves `undefined` with no session. With
   * `peer`, stops another device's session (this device records it; that device's session ends when
   * the event arrives).
   */
  stopSession(options?: SessionStop): Promise<Event | undefined>
  readonly session: Presence.RunningSession | undefined
  connect(): void
  disconnect(): void
  /** Resolves when the status is `synced`; rejects for a log without relay, or when closed. */
  whenSynced(): Promise<void>
  /** The wire-format JSON array of every entry (problems included), ordered by key. */
  exportJson(): string
  /** Leaves presence, disconnects, flushes and closes persistence. Idempotent. */
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Turns a `file` persistence option into an adapter (given by `@relactation/sync/node`).
 *
 * @since 0.1.0
 * @category internals
 */
export type FileAdapterFactory = (path: string) => PersistenceAdapter

const LOCAL = Symbol.for("@relactation/sync/local")

// The event a running session becomes: same kind, same child, starting when the session started.
const endsSession = (session: Presence.RunningSession, event: Event): boolean =>
  event.type === session.kind && event.at === session.startedAt && event.child === session.child

const resolveAdapter = (
  option: PersistenceOption | undefined,
  file: FileAdapterFactory | undefined
): PersistenceAdapter => {
  if (option === undefined) return isBrowser() ? indexedDbAdapter : memoryAdapter
  switch (option.kind) {
    case "memory":
      return memoryAdapter
    case "indexeddb":
      return indexedDbAdapter
    case "custom":
      return option.adapter
    case "file":
      if (file === undefined) {
        throw new InvalidLogOptions({
          option: "persistence",
          rule: 'kind "file" needs openLog from "@relactation/sync/node"'
        })
      }
      return file(option.path)
  }
}

const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

const dailyOptionsOf = (p: ProjectionOptions): DailyTotalsOptions => ({
  timeZone: p.timeZone,
  ...opt("dayStartHour", p.dayStartHour),
  ...opt("night", p.night),
  ...opt("child", p.child)
})
const progressOptionsOf = (p: ProjectionOptions): RelactationProgressOptions => dailyOptionsOf(p)
const weightOptionsOf = (p: ProjectionOptions): WeightTrendOptions => ({
  ...opt("child", p.child),
  ...opt("birthDate", p.birthDate),
  ...opt("sex", p.sex)
})

const keyMismatch = (raw: unknown, event: Event): InvalidEntry => ({
  _tag: "InvalidEntry",
  id: event.id,
  type: event.type,
  problems: [{ path: ["id"], message: "must equal the entry's key in the events map" }],
  reason: `${event.type}.id: must equal the entry's key in the events map`,
  raw
})

/** Decodes one map entry; a valid event stored under another key is invalid. */
const decodeAt = (key: string, raw: unknown): LogEntry => {
  const entry = decodeEntry(raw)
  return isEvent(entry) && entry.id !== key ? keyMismatch(raw, entry) : entry
}

const isEventInput = (input: AppendInput): input is Event => "v" in input && "recordedAt" in input

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

const report = (error: unknown): void => {
  // A throwing listener is an app bug: surface it where the platform shows such errors, but do
  // not let it break the log or the other listeners.
  const reportError = (globalThis as { reportError?: (e: unknown) => void }).reportError
  if (typeof reportError === "function") reportError(error)
}

const checkOptions = (options: OpenLogOptions): void => {
  if (!isLogId(options.logId)) {
    throw new InvalidLogOptions({ option: "logId", rule: "must be 8–64 characters of [A-Za-z0-9_-]" })
  }
  if (typeof options.caregiver !== "string" || options.caregiver.length === 0) {
    throw new InvalidLogOptions({ option: "caregiver", rule: "must be a non-empty caregiver id" })
  }
  if ((options.url === undefined) !== (options.token === undefined)) {
    throw new InvalidLogOptions({ option: "url", rule: "url and token must be given together" })
  }
  if (
    options.url !== undefined &&
    options.WebSocketPolyfill === undefined &&
    typeof globalThis.WebSocket === "undefined"
  ) {
    throw new InvalidLogOptions({
      option: "WebSocketPolyfill",
      rule: 'is required where there is no global WebSocket: pass WebSocket from "ws"'
    })
  }
}

/**
 * Opens a log with a given way of making file adapters (the Node entry passes one).
 *
 * @since 0.1.0
 * @category internals
 */
export const openLogWith = async (
  options: OpenLogOptions,
  fileAdapter: FileAdapterFactory | undefined
): Promise<EventLog> => {
  checkOptions(options)
  const adapter = resolveAdapter(options.persistence, fileAdapter)
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const { logId } = options

  const doc = new Y.Doc()
  const map = doc.getMap<unknown>(EVENTS_MAP)
  let session: PersistenceSession
  try {
    session = await adapter.open(logId, doc)
  } catch (cause) {
    doc.destroy()
    throw cause instanceof PersistenceError
      ? cause
      : new PersistenceError({ kind: adapter.kind, operation: "open", cause })
  }

  // Every entry of the map, decoded once, by key.
  const entries = new Map<string, LogEntry>()
  const events = new Map<string, Event>()
  const problems = new Map<string, UnknownEntry | InvalidEntry>()
  // Valid events in (at, id) order, kept by binary insertion (new events mostly land at the end);
  // `sorted` is the snapshot apps read, replaced only when something changed.
  let order: Array<readonly [number, Event]> | undefined
  let sorted: ReadonlyArray<Event> | undefined
  let problemList: ReadonlyArray<UnknownEntry | InvalidEntry> | undefined

  const ingest = (key: string, raw: unknown): LogEntry => {
    const entry = decodeAt(key, raw)
    entries.set(key, entry)
    if (isEvent(entry)) events.set(key, entry)
    else problems.set(key, entry)
    return entry
  }
  const ingestAll = (): void => {
    entries.clear()
    events.clear()
    problems.clear()
    for (const [key, raw] of map.entries()) ingest(key, raw)
    order = undefined
    sorted = undefined
    problemList = undefined
  }
  const before = (a: readonly [number, Event], b: readonly [number, Event]): boolean =>
    a[0] < b[0] || (a[0] === b[0] && a[1].id < b[1].id)
  const insertInOrder = (event: Event): void => {
    if (order === undefined) return
    const item = [Date.parse(event.at), event] as const
    let lo = 0
    let hi = order.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (before(order[mid]!, item)) lo = mid + 1
      else hi = mid
    }
    order.splice(lo, 0, item)
  }
  ingestAll()

  const projectionOptions = options.projections
  let daily: LiveProjections.LiveProjection<DailyTotalsOptions, DailyTotals>
  let weight: LiveProjections.LiveProjection<WeightTrendOptions, WeightTrend>
  let progress: LiveProjections.LiveProjection<RelactationProgressOptions, RelactationProgress>
  try {
    daily = LiveProjections.make(DailyTotalsReducer, dailyOptionsOf(projectionOptions), entries.values())
    weight = LiveProjections.make(WeightTrendReducer, weightOptionsOf(projectionOptions), entries.values())
    progress = LiveProjections.make(
      RelactationProgressReducer,
      progressOptionsOf(projectionOptions),
      entries.values()
    )
  } catch (error) {
    await session.close().catch(() => {})
    doc.destroy()
    throw error
  }
  const rebuildProjections = (): void => {
    daily.rebuild(daily.options, entries.values())
    weight.rebuild(weight.options, entries.values())
    progress.rebuild(progress.options, entries.values())
  }

  const changeListeners = new Set<(change: LogChange) => void>()
  const notify = (change: LogChange): void => {
    for (const listener of [...changeListeners]) {
      try {
        listener(change)
      } catch (error) {
        report(error)
      }
    }
  }

  const observer = (event: Y.YMapEvent<unknown>, tx: Y.Transaction): void => {
    const added: Array<Event> = []
    let foreignEdit = false
    for (const [key, change] of event.changes.keys) {
      if (change.action !== "add" || entries.has(key)) {
        foreignEdit = true
        break
      }
      const entry = ingest(key, map.get(key))
      daily.apply(entry)
      weight.apply(entry)
      progress.apply(entry)
      if (isEvent(entry)) {
        added.push(entry)
        insertInOrder(entry)
      }
    }
    if (foreignEdit) {
      // This library never changes or deletes an entry; a foreign writer did. The rare case is
      // handled by starting over, which keeps every device's projections equal.
      const known = new Set(events.keys())
      ingestAll()
      rebuildProjections()
      added.length = 0
      for (const [key, e] of events) if (!known.has(key)) added.push(e)
    }
    if (added.length > 0) sorted = undefined
    problemList = undefined
    const origin: LogChange["origin"] =
      tx.origin === LOCAL
        ? "local"
        : session.origin !== undefined && tx.origin === session.origin
          ? "persistence"
          : "remote"
    // Another device stopped this device's running session: its event is here, so the session ends.
    const running = presence.session
    if (origin !== "local" && running !== undefined && added.some((e) => endsSession(running, e))) {
      presence.setSession(undefined)
    }
    if (added.length > 0 || foreignEdit) notify({ added, origin })
  }
  map.observe(observer)

  const awareness = new Awareness(doc)
  const presence = Presence.make(awareness, { caregiver: options.caregiver, name: options.presence?.name })
  // Connecting only now, after persistence loaded: the relay then sends only what is missing.
  const connection =
    options.url !== undefined && options.token !== undefined
      ? Connection.make({
          url: options.url,
          logId,
          token: options.token,
          doc,
          awareness,
          WebSocketPolyfill: options.WebSocketPolyfill,
          random,
          broadcastChannel: options.broadcastChannel ?? isBrowser(),
          ...opt("maxBackoffMs", options.maxReconnectDelayMs)
        })
      : Connection.none

  let closing: Promise<void> | undefined
  const closedWaiters = new Set<(error: LogClosed) => void>()
  const closedError = (): LogClosed => new LogClosed({ logId })

  const flush = async (): Promise<void> => {
    try {
      await session.flush()
    } catch (cause) {
      throw cause instanceof PersistenceError
        ? cause
        : new PersistenceError({ kind: adapter.kind, operation: "write", cause })
    }
  }

  /** Stores a valid event (synchronously), unless its id is taken. */
  const store = (event: Event): Event => {
    const encoded = encodeEvent(event)
    const existing = map.get(event.id)
    if (existing !== undefined) {
      if (sameJson(existing, encoded)) return events.get(event.id) ?? event
      throw new InvalidEvent({
        type: event.type,
        problems: [{ path: ["id"], message: "is already used by another entry in this log" }]
      })
    }
    doc.transact(() => map.set(event.id, encoded), LOCAL)
    return event
  }

  const build = (input: AppendInput): Event => {
    if (isEventInput(input)) {
      const result = validateEvent(input)
      if (Result.isFailure(result)) throw result.failure
      return result.success
    }
    const draft = {
      ...input,
      by: input.by ?? options.caregiver,
      ...opt("child", input.child ?? options.child)
    } as Draft
    return makeSync(draft, { now, random })
  }

  const append = async (input: AppendInput): Promise<Event> => {
    if (closing !== undefined) throw closedError()
    const stored = store(build(input))
    await flush()
    return stored
  }

  const sessionEvent = (running: Presence.RunningSession, stop: SessionStop): Event => {
    const durationSec =
      stop.durationSec ?? Math.max(1, Math.round((now() - Date.parse(running.startedAt)) / 1000))
    const common = { at: running.startedAt, child: running.child, by: options.caregiver, durationSec }
    const draft: Draft =
      running.kind === "latch"
        ? { type: "latch", ...common, side: running.side ?? "both" }
        : {
            type: "pump",
            ...common,
            method: running.method ?? "electric",
            ...opt("totalMl", stop.totalMl),
            ...opt("leftMl", stop.leftMl),
            ...opt("rightMl", stop.rightMl)
          }
    return makeSync(draft, { now, random })
  }

  const log: EventLog = {
    logId,
    append,
    retract: (target, reason) => append({ type: "retract", target, ...opt("reason", reason) }),
    get events() {
      order ??= [...events.values()]
        .map((e) => [Date.parse(e.at), e] as const)
        .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
      sorted ??= order.map(([, e]) => e)
      return sorted
    },
    get problems() {
      problemList ??= [...problems.values()]
      return problemList
    },
    get dailyTotals() {
      return daily.result
    },
    get weightTrend() {
      return weight.result
    },
    get relactationProgress() {
      return progress.result
    },
    setProjectionOptions: (next) => {
      const d = dailyOptionsOf(next)
      const w = weightOptionsOf(next)
      const p = progressOptionsOf(next)
      daily.rebuild(d, entries.values())
      weight.rebuild(w, entries.values())
      progress.rebuild(p, entries.values())
    },
    subscribe: (listener) => {
      changeListeners.add(listener)
      return () => {
        changeListeners.delete(listener)
      }
    },
    get status() {
      return connection.status
    },
    onStatus: (listener) => connection.onStatus(listener),
    get peers() {
      return presence.peers
    },
    onPeers: (listener) => presence.onPeers(listener),
    setPresenceName: (name) => presence.setName(name),
    startSession: (start) => {
      const child = start.child ?? options.child
      const type = start.kind
      const problem = (path: string, message: string) =>
        new InvalidEvent({ type, problems: [{ path: [path], message }] })
      if (type !== "latch" && type !== "pump") throw problem("kind", "must be one of latch | pump")
      if (child === undefined) throw problem("child", "is required (openLog was given no default child)")
      const startedAt = start.startedAt ?? new Date(now()).toISOString()
      if (Number.isNaN(Date.parse(startedAt))) throw problem("startedAt", "must be an ISO-8601 instant")
      const running: Presence.RunningSession = {
        kind: type,
        startedAt,
        child,
        ...opt("side", start.side),
        ...opt("method", start.method)
      }
      presence.setSession(running)
      return running
    },
    stopSession: async (stop = {}) => {
      if (closing !== undefined) throw closedError()
      const running =
        stop.peer === undefined
          ? presence.session
          : presence.peers.find((p) => !p.self && p.clientId === stop.peer)?.session
      if (running === undefined) return undefined
      // Built first: if the session cannot become a valid event it keeps running.
      const event = sessionEvent(running, stop)
      const stored = store(event)
      if (stop.peer === undefined) presence.setSession(undefined)
      await flush()
      return stored
    },
    get session() {
      return presence.session
    },
    connect: () => {
      if (closing === undefined) connection.connect()
    },
    disconnect: () => connection.disconnect(),
    whenSynced: () => {
      if (closing !== undefined) return Promise.reject(closedError())
      if (connection === Connection.none) {
        return Promise.reject(
          new InvalidLogOptions({
            option: "url",
            rule: "whenSynced needs a relay: open the log with url and token"
          })
        )
      }
      if (connection.status === "synced") return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        const done = (): void => {
          off()
          closedWaiters.delete(fail)
        }
        const fail = (error: LogClosed): void => {
          done()
          reject(error)
        }
        const off = connection.onStatus((status) => {
          if (status === "synced") {
            done()
            resolve()
          }
        })
        closedWaiters.add(fail)
      })
    },
    exportJson: () =>
      JSON.stringify(
        [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, raw]) => raw)
      ),
    close: () => {
      closing ??= (async () => {
        for (const fail of [...closedWaiters]) fail(closedError())
        presence.destroy()
        connection.destroy()
        awareness.destroy()
        map.unobserve(observer)
        changeListeners.clear()
        try {
          await session.close()
        } catch (cause) {
          throw cause instanceof PersistenceError
            ? cause
            : new PersistenceError({ kind: adapter.kind, operation: "close", cause })
        } finally {
          doc.destroy()
        }
      })()
      return closing
    },
    [Symbol.asyncDispose]: () => log.close()
  }
  return log
}

/**
 * Opens (or creates) a log. Resolves once local persistence has loaded; with `url` and `token` it
 * then connects to the relay. Rejects with `InvalidLogOptions`, `PersistenceError` or core's
 * `InvalidOptions` (bad projection options).
 *
 * @example
 * ```ts
 * import { openLog } from "@relactation/sync"
 *
 * const log = await openLog({
 *   logId: "family-7f3a9c",
 *   caregiver: "parent-a",
 *   child: "baby-1",
 *   url: "wss://relay.example.org",
 *   token,
 *   projections: { timeZone: "Europe/Berlin" }
 * })
 * await log.append({ type: "latch", durationSec: 900, side: "left" })
 * log.subscribe(() => render(log.dailyTotals))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const openLog = (options: OpenLogOptions): Promise<EventLog> => openLogWith(options, undefined)
