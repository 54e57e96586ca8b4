/**
 * The Effect face of the log, over the same implementation as `openLog`: a `Log` service (its
 * value is the `EventLog` handle `openLog` gives) whose layer opens the log in a scope and closes
 * it when the scope ends, `Persistence` layers, `Stream`s of changes and statuses, and `append`
 * with typed errors.
 *
 * @since 0.1.0
 */
import type { Event, InvalidEvent, InvalidOptions } from "@relactation/core"
import { Context, Effect, Layer, Queue, Stream } from "effect"
import type { Status } from "./Connection.js"
import {
  type AppendInput,
  type EventLog as EventLogHandle,
  type LogChange,
  type OpenLogOptions,
  openLogWith,
  type SessionStop
} from "./EventLog.js"
import { Persistence } from "./Persistence.js"
import type { InvalidLogOptions, LogClosed, PersistenceError, SessionAlreadyStopped } from "./SyncError.js"

/**
 * Why opening a log can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type OpenError = InvalidLogOptions | PersistenceError | InvalidOptions

/**
 * Why appending can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type AppendError = InvalidEvent | LogClosed | PersistenceError

const tagged =
  <const Tags extends ReadonlyArray<string>>(...tags: Tags) =>
  (u: unknown): u is { readonly _tag: Tags[number] } =>
    typeof u === "object" && u !== null && tags.includes((u as { _tag?: unknown })._tag as string)

// Known tagged errors go to the error channel; anything else is a defect.
const fromPromise = <A, E>(f: () => Promise<A>, isE: (u: unknown) => boolean): Effect.Effect<A, E> =>
  Effect.tryPromise({ try: f, catch: (u) => u }).pipe(
    Effect.catch((u) => (isE(u) ? Effect.fail(u as E) : Effect.die(u)))
  )

/**
 * Why stopping a session can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type StopError = AppendError | SessionAlreadyStopped

const isOpenError = tagged("InvalidLogOptions", "PersistenceError", "InvalidOptions")
const isAppendError = tagged("InvalidEvent", "LogClosed", "PersistenceError")

/**
 * The open log, as a service: its value is the `EventLog` handle `openLog` resolves with. Provide
 * it with {@link Log.layer} and a `Persistence` layer.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Stream } from "effect"
 * import { EffectApi, Persistence } from "@relactation/sync"
 *
 * const program = Effect.gen(function* () {
 *   const log = yield* EffectApi.Log
 *   yield* EffectApi.append({ type: "weigh-in", grams: 3650 })
 *   return log.dailyTotals
 * })
 * const LogLive = EffectApi.Log.layer({
 *   logId: "family-7f3a9c",
 *   caregiver: "parent-a",
 *   child: "baby-1",
 *   projections: { timeZone: "Europe/Berlin" }
 * }).pipe(Layer.provide(Persistence.memory))
 * Effect.runPromise(program.pipe(Effect.provide(LogLive)))
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export class Log extends Context.Service<Log, EventLogHandle>()("@relactation/sync/EventLog") {
  /**
   * Opens the log when the layer is built (after persistence loaded), closes it when the layer's
   * scope ends. Persistence comes from the `Persistence` service.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer = (
    options: Omit<OpenLogOptions, "persistence">
  ): Layer.Layer<Log, OpenError, Persistence> =>
    Layer.effect(
      Log,
      Effect.gen(function* () {
        const adapter = yield* Persistence
        return yield* Effect.acquireRelease(
          fromPromise<EventLogHandle, OpenError>(
            () => openLogWith({ ...options, persistence: { kind: "custom", adapter } }, undefined),
            isOpenError
          ),
          (log) => Effect.promise(() => log.close().catch(() => undefined))
        )
      })
    )
}

/**
 * The `Log` service under its former name.
 *
 * @deprecated Use {@link Log}: `EventLog` is also the name of the handle type.
 * @since 0.1.0
 * @category services
 */
export const EventLog = Log
/**
 * @deprecated Use {@link Log}.
 * @since 0.1.0
 * @category services
 */
export type EventLog = Log

/**
 * Validates and stores an event (or draft), failing with `InvalidEvent` and storing nothing.
 *
 * @since 0.1.0
 * @category operations
 */
export const append = (input: AppendInput): Effect.Effect<Event, AppendError, Log> =>
  Log.use((log) => fromPromise<Event, AppendError>(() => log.append(input), isAppendError))

/**
 * Retracts an earlier event.
 *
 * @since 0.1.0
 * @category operations
 */
export const retract = (target: string, reason?: string): Effect.Effect<Event, AppendError, Log> =>
  Log.use((log) => fromPromise<Event, AppendError>(() => log.retract(target, reason), isAppendError))

/**
 * Stops a running session (this device's, or with `session`/`peer` another's) into its event;
 * `undefined` when there is no such session. Fails with `SessionAlreadyStopped` when its event is
 * already in the log (nothing recorded), `InvalidEvent` when it cannot become a valid event.
 *
 * @since 0.1.0
 * @category operations
 */
export const stopSession = (stop?: SessionStop): Effect.Effect<Event | undefined, StopError, Log> =>
  Log.use((log) =>
    fromPromise<Event | undefined, StopError>(
      () => log.stopSession(stop),
      tagged("InvalidEvent", "LogClosed", "PersistenceError", "SessionAlreadyStopped")
    )
  )

/**
 * Every change from now on (local, remote, persistence), until the stream is interrupted.
 *
 * @since 0.1.0
 * @category streams
 */
export const changes: Stream.Stream<LogChange, never, Log> = Stream.callback<LogChange, never, Log>((queue) =>
  Effect.gen(function* () {
    const log = yield* Log
    yield* Effect.acquireRelease(
      Effect.sync(() => log.subscribe((change) => Queue.offerUnsafe(queue, change))),
      (unsubscribe) => Effect.sync(unsubscribe)
    )
  })
)

/**
 * The current status, then every change of it.
 *
 * @since 0.1.0
 * @category streams
 */
export const statusChanges: Stream.Stream<Status, never, Log> = Stream.callback<Status, never, Log>((queue) =>
  Effect.gen(function* () {
    const log = yield* Log
    Queue.offerUnsafe(queue, log.status)
    yield* Effect.acquireRelease(
      Effect.sync(() => log.onStatus((status) => Queue.offerUnsafe(queue, status))),
      (unsubscribe) => Effect.sync(unsubscribe)
    )
  })
)

/**
 * Waits until the log is synced with the relay.
 *
 * @since 0.1.0
 * @category operations
 */
export const whenSynced: Effect.Effect<void, LogClosed | InvalidLogOptions, Log> = Log.use((log) =>
  fromPromise<void, LogClosed | InvalidLogOptions>(
    () => log.whenSynced(),
    tagged("LogClosed", "InvalidLogOptions")
  )
)
