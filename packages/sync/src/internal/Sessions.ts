/**
 * Running sessions (a latch or pump timer, shared through presence) and the event each becomes
 * when it is stopped: same kind, same child, starting when the session started, under the id
 * derived from the session's id.
 */
import {
  type Draft,
  type Event,
  InvalidEvent,
  makeSync,
  problemCode,
  uuidv7From,
  uuidv7Time
} from "@relactation/core"
import { type RunningSession, stopEventId } from "../Presence.js"
import { opt } from "./opt.js"

/**
 * What starting a session takes (`startedAt` and `child` default to now and the log's child; `id`
 * to a new one: an app resuming a session after a reload passes the id it had, so that the session
 * stays the one the other phones know and its event keeps the one id).
 */
export type Start = Omit<RunningSession, "id" | "startedAt" | "child"> & {
  readonly id?: string
  readonly startedAt?: string
  readonly child?: string
}

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** What stopping a session takes: the duration (default: since it started) and a pump's amounts. */
export interface Stop {
  readonly durationSec?: number
  readonly totalMl?: number
  readonly leftMl?: number
  readonly rightMl?: number
}

/** Where a session's defaults and its event's ids and times come from. */
export interface Context {
  readonly caregiver: string
  readonly child: string | undefined
  readonly now: () => number
  readonly random: () => number
}

/** Checks a start and fills its defaults; throws `InvalidEvent` naming the field. */
export const start = (input: Start, ctx: Context): RunningSession => {
  const child = input.child ?? ctx.child
  const type = input.kind
  const problem = (path: string, message: string) =>
    new InvalidEvent({ type, problems: [{ path: [path], message, code: problemCode(message) }] })
  if (type !== "latch" && type !== "pump") throw problem("kind", "must be one of latch | pump")
  if (child === undefined) throw problem("child", "is required (openLog was given no default child)")
  const startedAt = input.startedAt ?? new Date(ctx.now()).toISOString()
  const startMs = Date.parse(startedAt)
  if (Number.isNaN(startMs)) throw problem("startedAt", "must be an ISO-8601 instant")
  if (input.id !== undefined && (!UUIDV7.test(input.id) || uuidv7Time(input.id) !== startMs))
    throw problem("id", "must be a UUIDv7 whose time part is startedAt (the id the session had)")
  return {
    id: input.id ?? uuidv7From(startMs, ctx.random),
    kind: type,
    startedAt,
    child,
    ...opt("side", input.side),
    ...opt("method", input.method)
  }
}

/** The event `running` becomes when stopped now; throws `InvalidEvent` if it cannot be valid. */
export const toEvent = (running: RunningSession, stop: Stop, ctx: Context): Event => {
  const now = ctx.now
  const durationSec =
    stop.durationSec ?? Math.max(1, Math.round((now() - Date.parse(running.startedAt)) / 1000))
  const common = {
    id: stopEventId(running.id),
    at: running.startedAt,
    child: running.child,
    by: ctx.caregiver,
    durationSec
  }
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
  return makeSync(draft, { now, random: ctx.random })
}

/**
 * Whether `event` is what `running` became, recorded by whichever device stopped it: its id is
 * the session's stop id, or (recorded by a version before session ids) it has the session's kind,
 * child and start.
 */
export const endedBy = (running: RunningSession, event: Event): boolean =>
  event.id === stopEventId(running.id) ||
  (event.type === running.kind && event.at === running.startedAt && event.child === running.child)
