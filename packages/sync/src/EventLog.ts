/**
 * A family's event log on one device: a Yjs document whose `events` map holds every event by id,
 * persisted locally, synced through the relay, with projections kept live as events arrive. This
 * is the Promise/callback face; the Effect face (`EffectApi`) wraps the same implementation.
 *
 * @since 0.1.0
 */
import {
  type Draft,
  type Event,
  encodeEvent,
  type InvalidEntry,
  InvalidEvent,
  isEvent,
  type LogEntry,
  makeSync,
  type DailyTotals,
  type RelactationProgress,
  type UnknownEntry,
  validateEvent,
  type WeightTrend
} from "@relactation/core"
import { Result } from "effect"
import { Awareness } from "y-protocols/awareness"
import * as Y from "yjs"
import * as Connection from "./Connection.js"
import { formatKey, parseKey } from "./InviteKey.js"
import { type DeviceAccess, readCredential } from "./Devices.js"
import * as Devices from "./internal/DeviceAccess.js"
import * as Renewal from "./internal/Renewal.js"
import * as Rotation from "./internal/Rotation.js"
import { checkOptions, resolveAdapter } from "./internal/checkOptions.js"
import * as Checkpoint from "./internal/Checkpoint.js"
import * as CheckpointWriter from "./internal/CheckpointWriter.js"
import * as EntryCodec from "./internal/EntryCodec.js"
import * as Epochs from "./internal/Epochs.js"
import * as Intake from "./internal/Intake.js"
import { openPresence, sealPresence } from "./internal/SealedPresence.js"
import * as Listeners from "./internal/Listeners.js"
import type { OpenLogOptions, ProjectionOptions } from "./LogOptions.js"
import { opt } from "./internal/opt.js"
import { guarded } from "./internal/persistenceError.js"
import * as Restore from "./internal/Restore.js"
import * as SessionControl from "./internal/SessionControl.js"
import type * as Sessions from "./internal/Sessions.js"
import { isBrowser, type PersistenceAdapter } from "./Persistence.js"
import * as Presence from "./Presence.js"
import { InvalidLogOptions, LogClosed } from "./SyncError.js"
import { UnreadableEntry } from "./Unreadable.js"

/**
 * The name of the Yjs map that holds the events (part of the documented layout).
 *
 * @since 0.1.0
 * @category layout
 */
export const EVENTS_MAP = "events"

export type { FirstProjections, ListenerSource, OpenLogOptions, ProjectionOptions } from "./LogOptions.js"

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
export type SessionStart = Omit<Presence.RunningSession, "id" | "startedAt" | "child"> & {
  /**
   * The id the session had, when an app resumes it after a reload (a UUIDv7 whose time part is
   * `startedAt`), so it stays the session the other phones know; default a new one.
   */
  readonly id?: string
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
   * The session to stop, by its `id`: this device's, another device's on the log now, or one
   * whose device has left (see `runningSessions`). Default: this device's.
   */
  readonly session?: string
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
export interface EventLog extends DeviceAccess {
  readonly logId: string
  /** Validates and stores; rejects with `InvalidEvent` storing nothing. Resolves once persisted. */
  append(input: AppendInput): Promise<Event>
  retract(target: string, reason?: string): Promise<Event>
  /** Every valid event (retractions included), in core's `compareEvents` order (`at` exactly, then `id`). */
  readonly events: ReadonlyArray<Event>
  /**
   * Entries kept in the log but skipped: unknown (newer app) and invalid ones, and in a sealed log
   * the values that did not open (`UnreadableEntry`, with a `reason`).
   */
  readonly problems: ReadonlyArray<UnknownEntry | InvalidEntry | UnreadableEntry>
  /** Whether this log is sealed (opened with `key`). @since 0.2.0 */
  readonly sealed: boolean
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
  /** Changes the display name the other devices see (presence only; log a `caregiver` event too). */
  setPresenceName(name: string | undefined): void
  /** Starts (or replaces) this device's running session; throws `InvalidEvent` on a bad one. */
  startSession(session: SessionStart): Presence.RunningSession
  /**
   * Appends the session's latch/pump event (id: `stopEventId(session.id)`) and ends it; resolves
   * `undefined` when there is no such session. With `session` (an id) or `peer`, stops another
   * device's session, or one whose device left: this device records it, and a device still
   * running it ends it when the event arrives. Rejects with `SessionAlreadyStopped` (nothing
   * recorded) when the session's event is already in the log, and with `InvalidEvent` (the session
   * keeps running) when it cannot become a valid event, such as a pump without its amount.
   */
  stopSession(options?: SessionStop): Promise<Event | undefined>
  /** This device's running session. */
  readonly session: Presence.RunningSession | undefined
  /**
   * Every running session the app should show: this device's, the other devices' on the log now,
   * and those whose device left presence with them running (`leftAt`, and `maybeForgotten` once
   * gone longer than `sessions.forgottenAfterMs`). The same array until it changes.
   */
  readonly runningSessions: ReadonlyArray<Presence.SessionInfo>
  /** Called with `runningSessions` whenever it changes (also when one becomes maybe forgotten). */
  onSessions(listener: (sessions: ReadonlyArray<Presence.SessionInfo>) => void): () => void
  /**
   * Forgets, on this device only, a session whose device left (a timer nobody will stop: "discard").
   * Records nothing; whether there was such a session. If its device comes back still running it,
   * it shows again.
   */
  dismissSession(sessionId: string): boolean
  connect(): void
  disconnect(): void
  /** Resolves when the status is `synced`; rejects for a log without relay, or when closed. */
  whenSynced(): Promise<void>
  /**
   * The wire-format JSON array of every entry (problems included), ordered by key. For a sealed
   * log: the opened entries in their wire format (ordered by id), not the envelopes; values that
   * did not open are left out.
   */
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

/**
 * Hooks for other parts of this library (not for apps): the device-removal work gets the sealed
 * log's key epochs and its document, to add the epoch secrets it unwraps (`Epochs.add`).
 *
 * @since 0.2.0
 * @category internals
 */
export interface OpenLogInternals {
  readonly epochs?: (epochs: Epochs.Epochs, doc: Y.Doc) => void
  /**
   * How the projections started: folded from every entry, the checkpoint's results (nothing
   * added since), or the checkpoint's state plus the entries added since (for tests and the bench).
   *
   * @since 0.2.0
   */
  readonly projectionsFrom?: (from: "fold" | "checkpoint results" | "checkpoint state") => void
}

const LOCAL = Symbol.for("@relactation/sync/local")

const isEventInput = (input: AppendInput): input is Event => "v" in input && "recordedAt" in input

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** Resolves when `connection` is synced; rejects with `LogClosed` if `closed` fires first. */
const waitForSynced = (
  connection: Connection.Connection,
  closedWaiters: Set<(error: LogClosed) => void>
): Promise<void> =>
  new Promise<void>((resolve, reject) => {
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

/**
 * A sealed log's export: the opened entries' wire objects (events, and the unknown or invalid
 * entries as written), ordered by id as a plaintext export is by key; values that did not open
 * have no plaintext to export and are left out.
 */
const openedEntries = (entries: Iterable<LogEntry>): Array<unknown> => {
  const out: Array<readonly [string, unknown]> = []
  for (const entry of entries) {
    if (isEvent(entry)) out.push([entry.id, encodeEvent(entry)])
    else out.push([entry.id ?? "\uffff", entry.raw])
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, raw]) => raw)
}

/** No entry opened, and at least one sealed value failed authentication. */
const opensNothing = (
  problems: ReadonlyArray<UnknownEntry | InvalidEntry | UnreadableEntry>,
  entries: () => Iterable<unknown>
): boolean => {
  for (const _ of entries()) return false
  return problems.some((p) => p instanceof UnreadableEntry && p.reason === "not-authentic")
}

/**
 * Opens a log with a given way of making file adapters (the Node entry passes one).
 *
 * @since 0.1.0
 * @category internals
 */
export const openLogWith = async (
  options: OpenLogOptions,
  fileAdapter: FileAdapterFactory | undefined,
  internals: OpenLogInternals = {}
): Promise<EventLog> => {
  checkOptions(options)
  const adapter = resolveAdapter(options.persistence, fileAdapter)
  const parsedKey = options.key === undefined ? undefined : parseKey(options.key)
  if (parsedKey !== undefined && Result.isFailure(parsedKey)) throw parsedKey.failure
  const familyKey = parsedKey?.success.familyKey
  // An invite key brings the later epochs' secrets: this device seals with the current epoch from
  // its first append, before any other device has wrapped it one.
  const epochs =
    parsedKey === undefined
      ? undefined
      : await Epochs.make(options.logId, parsedKey.success.familyKey, parsedKey.success.later)
  const codec = epochs === undefined ? EntryCodec.plaintext : EntryCodec.sealed(epochs)
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const report = Listeners.safeReport(options.onError ?? Listeners.consoleReport)
  const { logId } = options
  const sessionContext: Sessions.Context = { caregiver: options.caregiver, child: options.child, now, random }

  const doc = new Y.Doc()
  const map = doc.getMap<unknown>(EVENTS_MAP)
  // A sealed log's key rotation: this device's key pair, the epochs wrapped for it, new epochs
  // when a device is removed (the relay requests go through `devices`, made below).
  const openedWith = options.token === undefined ? undefined : readCredential(options.token)?.credentialId
  let credentialNow = (): string | undefined => openedWith
  const rotation =
    epochs === undefined || familyKey === undefined
      ? undefined
      : Rotation.make({
          logId: options.logId,
          doc,
          epochs,
          key: familyKey,
          store: adapter.deviceKeys,
          credentialId: () => credentialNow(),
          list: () => devices.list(),
          // Reported like the credential's renewal: both are this device's access, not app listeners.
          report: (error) => report(error, "onCredential")
        })
  const checkpointOption = options.checkpoint ?? {}
  let restored: Restore.Restored
  try {
    restored = await Restore.restore({
      adapter,
      logId,
      doc,
      map,
      options: options.projections,
      useCheckpoint: checkpointOption !== false,
      codec,
      afterLoad: rotation?.load,
      onFirst:
        options.onFirstProjections === undefined
          ? undefined
          : (first) => {
              try {
                options.onFirstProjections?.(first)
              } catch (error) {
                report(error, "onFirstProjections")
              }
            }
    })
  } catch (error) {
    rotation?.destroy()
    doc.destroy()
    throw error
  }
  const { session, index, projections } = restored
  internals.projectionsFrom?.(projections.startedFrom)
  if (codec.sealed && opensNothing(index.problems, index.entries)) {
    // Every sealed entry on this device failed authentication: the key is not this log's. Nothing
    // was written; the stored document stays as it was.
    await session.close().catch(() => {})
    rotation?.destroy()
    doc.destroy()
    throw new InvalidLogOptions({
      option: "key",
      rule: "does not open this log's entries: it is another family's key (or another log's)",
      code: "family-key-wrong"
    })
  }
  const checkpoints =
    checkpointOption === false || adapter.checkpoints === undefined
      ? undefined
      : CheckpointWriter.make({
          store: adapter.checkpoints,
          logId,
          idleMs: checkpointOption.idleMs ?? 2000,
          everyEntries: checkpointOption.everyEntries ?? 1000,
          take: () =>
            codec.wrapCheckpoint(
              Checkpoint.encode(
                Checkpoint.take(
                  logId,
                  doc,
                  map,
                  projections.options,
                  index.entry,
                  {
                    dailyTotals: projections.dailyTotals,
                    weightTrend: projections.weightTrend,
                    relactationProgress: projections.relactationProgress
                  },
                  projections.snapshot()
                )
              )
            )
        })
  if (!restored.current) checkpoints?.changed(1)

  const changeListeners = Listeners.make<LogChange>("subscribe", report)

  const originOf = (tx: Y.Transaction | undefined): LogChange["origin"] =>
    tx?.origin === LOCAL
      ? "local"
      : session.origin !== undefined && tx?.origin === session.origin
        ? "persistence"
        : "remote"

  const intake = Intake.make({
    map,
    index,
    projections,
    codec,
    report: (error) => report(error, "subscribe"),
    applied: ({ added, keys, tx }) => {
      const origin = originOf(tx)
      checkpoints?.changed(keys)
      sessions.arrived(added, origin === "local")
      changeListeners.emit({ added, origin })
    }
  })
  const observer = intake.observe
  map.observe(observer)
  // New key epochs (device removal): seal with the newest, open again what lacked a key.
  const offEpochs = epochs?.onChange(() => intake.refresh())
  if (epochs !== undefined) internals.epochs?.(epochs, doc)
  rotation?.start()

  const awareness = new Awareness(doc)
  const presence = Presence.make(awareness, {
    caregiver: options.caregiver,
    name: options.presence?.name,
    report,
    ...(epochs === undefined
      ? {}
      : {
          sealing: {
            seal: (state: Readonly<Record<string, unknown>>) => sealPresence(epochs, state),
            open: (raw: unknown) => openPresence(epochs, raw)
          }
        })
  })
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
          report,
          tokenValid: () => renewal?.valid() === true,
          ...opt("maxBackoffMs", options.maxReconnectDelayMs)
        })
      : Connection.none
  // The credential renews itself; devices are listed and removed through the relay.
  const renewal: Renewal.Renewal | undefined =
    options.url !== undefined && options.token !== undefined
      ? Renewal.make({
          url: options.url,
          logId,
          token: options.token,
          now,
          random,
          renewBeforeMs: options.renewBeforeMs ?? Renewal.RENEW_BEFORE_MS,
          fetch: options.fetch,
          onCredential: options.onCredential,
          use: (token, fresh) => {
            connection.setToken?.(token, fresh)
            devices.sync()
            rotation?.sync()
          },
          gone: (why) => connection.end?.(why),
          report: (error) => report(error, "onCredential")
        })
      : undefined
  credentialNow = () => renewal?.current()?.credentialId ?? openedWith
  const devices = Devices.make({
    url: options.url,
    logId,
    doc,
    credential: () => renewal?.current(),
    name: options.presence?.name,
    fetch: options.fetch,
    ...(rotation === undefined ? {} : { afterRemoval: rotation.afterRemoval, names: rotation.names }),
    ...(epochs === undefined || familyKey === undefined
      ? {}
      : { inviteKey: () => formatKey(familyKey, epochs.secrets) })
  })
  devices.sync()
  if (rotation !== undefined) {
    rotation.sync()
    // Online again: publish this device's key and wrap the current epoch for whoever lacks it.
    connection.onStatus((status) => {
      if (status === "synced") rotation.sync()
    })
  }

  let closing: Promise<void> | undefined
  const closedWaiters = new Set<(error: LogClosed) => void>()
  const closedError = (): LogClosed => new LogClosed({ logId })
  const flush = (): Promise<void> => guarded(adapter.kind, "write", () => session.flush())

  const duplicateId = (event: Event) =>
    new InvalidEvent({
      type: event.type,
      problems: [
        { path: ["id"], message: "is already used by another entry in this log", code: "duplicate-id" }
      ]
    })

  /** Stores a valid event (synchronously), unless its id is taken. */
  const storePlain = (event: Event): Event => {
    const encoded = encodeEvent(event)
    const existing = map.get(event.id)
    if (existing !== undefined) {
      if (sameJson(existing, encoded)) return index.event(event.id) ?? event
      throw duplicateId(event)
    }
    doc.transact(() => map.set(event.id, encoded), LOCAL)
    return event
  }

  /** The stored event with this one's id: the same (a no-op), another (rejected), or none. */
  const storedAs = (event: Event, encoded: unknown): Event | undefined => {
    const existing = index.event(event.id)
    if (existing === undefined) return undefined
    if (sameJson(encodeEvent(existing), encoded)) return existing
    throw duplicateId(event)
  }

  /**
   * Seals and stores a valid event, unless its id is taken. What is being opened is waited for
   * first, so a duplicate is recognised by its id (the envelopes of one event differ: random nonce).
   */
  const storeSealed = async (event: Event): Promise<Event> => {
    const encoded = encodeEvent(event)
    await intake.idle()
    const before = storedAs(event, encoded)
    if (before !== undefined) return before
    const { key, value } = await codec.encode(event, encoded as Record<string, unknown> & { id: string })
    if (closing !== undefined) throw closedError()
    if (map.has(key)) {
      // Arrived (or appended again) while this one was sealed.
      await intake.idle()
      const arrived = storedAs(event, encoded)
      if (arrived !== undefined) return arrived
      throw duplicateId(event)
    }
    doc.transact(() => map.set(key, value), LOCAL)
    return event
  }

  const store = (event: Event): Event | Promise<Event> =>
    codec.sealed ? storeSealed(event) : storePlain(event)

  /** The event an `append` input stands for: a complete event validated, or a draft completed. */
  const eventFrom = (input: AppendInput): Event => {
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
    const stored = await store(eventFrom(input))
    await flush()
    await intake.idle()
    return stored
  }

  const sessions = SessionControl.make({
    presence,
    context: sessionContext,
    forgottenAfterMs: options.sessions?.forgottenAfterMs ?? 5 * 60_000,
    report,
    eventById: (id) => index.event(id),
    store,
    flush
  })

  // The entries' problems, then the key records' (wraps and device keys that do not open).
  let lastProblems:
    | readonly [ReadonlyArray<unknown>, ReadonlyArray<unknown>, EventLog["problems"]]
    | undefined
  const problems = (): EventLog["problems"] => {
    const keyProblems = rotation?.problems ?? []
    if (keyProblems.length === 0) return index.problems
    if (lastProblems?.[0] !== index.problems || lastProblems[1] !== keyProblems) {
      lastProblems = [index.problems, keyProblems, [...index.problems, ...keyProblems]]
    }
    return lastProblems[2]
  }

  const log: EventLog = {
    logId,
    append,
    retract: (target, reason) => append({ type: "retract", target, ...opt("reason", reason) }),
    get events() {
      return index.events
    },
    get problems() {
      return problems()
    },
    sealed: codec.sealed,
    get dailyTotals() {
      return projections.dailyTotals
    },
    get weightTrend() {
      return projections.weightTrend
    },
    get relactationProgress() {
      return projections.relactationProgress
    },
    setProjectionOptions: (next) => {
      projections.rebuild(index.entries, next)
      checkpoints?.changed(1)
    },
    subscribe: changeListeners.add,
    get status() {
      return connection.status
    },
    onStatus: (listener) => connection.onStatus(listener),
    get peers() {
      return presence.peers
    },
    onPeers: (listener) => presence.onPeers(listener),
    setPresenceName: (name) => {
      presence.setName(name)
      devices.setName(name)
    },
    get credentialId() {
      return devices.credentialId
    },
    get credential() {
      return devices.credential
    },
    devices: () => devices.devices(),
    removeDevice: (credentialId) => devices.removeDevice(credentialId),
    invite: () => devices.invite(),
    deleteFromRelay: () => devices.deleteFromRelay(),
    startSession: (start) => sessions.start(start),
    stopSession: (stop = {}) => (closing !== undefined ? Promise.reject(closedError()) : sessions.stop(stop)),
    get session() {
      return sessions.session
    },
    get runningSessions() {
      return sessions.running
    },
    onSessions: (listener) => sessions.onSessions(listener),
    dismissSession: (sessionId) => sessions.dismiss(sessionId),
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
            rule: "whenSynced needs a relay: open the log with url and token",
            code: "no-relay"
          })
        )
      }
      // Synced also means opened: what the relay sent is in `events` when this resolves.
      if (connection.status === "synced") return intake.idle()
      return waitForSynced(connection, closedWaiters).then(() => intake.idle())
    },
    exportJson: () =>
      codec.sealed
        ? JSON.stringify(openedEntries(index.entries()))
        : JSON.stringify(
            [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, raw]) => raw)
          ),
    close: () => {
      closing ??= (async () => {
        for (const fail of [...closedWaiters]) fail(closedError())
        // The last checkpoint, while the document is still here (a failed write is dropped).
        await checkpoints?.close()
        sessions.destroy()
        presence.destroy()
        rotation?.destroy()
        renewal?.destroy()
        connection.destroy()
        awareness.destroy()
        map.unobserve(observer)
        intake.destroy()
        offEpochs?.()
        changeListeners.clear()
        try {
          await guarded(adapter.kind, "close", () => session.close())
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
