/**
 * What is in force in a log, for an app's lists and names: the entries no retraction removed, the
 * latest profile of each child and caregiver (falling back to the one before when the latest is
 * retracted), and which events were retracted. The same set semantics as every projection, so a
 * list on screen and the totals under it never disagree.
 *
 * @since 0.1.0
 */
import type { LogEntry } from "./Codec.js"
import type { Caregiver, Child, Event } from "./Event.js"
import type { Plan } from "./PlanEvent.js"
import { compareEvents, isLaterEvent, lowerBound } from "./EventOrder.js"
import {
  admit,
  type EventSet,
  makeEventSet,
  retractedIds,
  type Sink,
  skippedOf
} from "./internal/EventSet.js"
import { fold, type Reducer, type Skipped } from "./Projection.js"

/**
 * An event that belongs to a day: anything but a profile (`child`, `caregiver`), a `plan` or a
 * retraction.
 *
 * @since 0.1.0
 * @category models
 */
export type DayEvent = Exclude<Event, { readonly type: "retract" | "child" | "caregiver" | "plan" }>

/**
 * Whether an event belongs to a day (is a {@link DayEvent}).
 *
 * @since 0.1.0
 * @category guards
 */
export const isDayEvent = (event: Event): event is DayEvent =>
  event.type !== "retract" && event.type !== "child" && event.type !== "caregiver" && event.type !== "plan"

/**
 * The result of {@link current}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Current {
  /** The day events no retraction removed, oldest first by {@link compareEvents}. */
  readonly entries: ReadonlyArray<DayEvent>
  /** Per child id, its latest profile in force: the latest by {@link compareEvents} not retracted. */
  readonly children: ReadonlyMap<string, Child>
  /** Per caregiver id (`by`), their latest profile in force. */
  readonly caregivers: ReadonlyMap<string, Caregiver>
  /** Per child id, the latest `plan` in force, the same way. */
  readonly plans: ReadonlyMap<string, Plan>
  /** Ids of the events seen that a retraction in force removes (a retracted retraction is not one). */
  readonly retracted: ReadonlySet<string>
  /** Entries skipped because their type is unknown or they are invalid. */
  readonly skipped: Skipped
}

/**
 * The accumulator of {@link CurrentReducer}. Treat it as opaque.
 *
 * @since 0.1.0
 * @category models
 */
export interface CurrentState {
  /** @internal */
  readonly set: EventSet
  /** @internal the day events in force, kept in compareEvents order */
  readonly entries: Array<DayEvent>
  /** @internal profiles in force by event id */
  readonly profiles: Map<string, Child | Caregiver | Plan>
  /** @internal */
  result: Current | undefined
  /** @internal */
  stale: boolean
}

const sink: Sink<CurrentState> = {
  relevant: () => true,
  add: (state, fact) => {
    if (fact.type === "child" || fact.type === "caregiver" || fact.type === "plan")
      state.profiles.set(fact.id, fact)
    else {
      const list = state.entries
      const last = list[list.length - 1]
      if (last === undefined || compareEvents(last, fact) < 0) list.push(fact)
      else list.splice(lowerBound(list, fact, compareEvents), 0, fact)
    }
  },
  remove: (state, fact) => {
    if (fact.type === "child" || fact.type === "caregiver" || fact.type === "plan")
      state.profiles.delete(fact.id)
    else state.entries.splice(lowerBound(state.entries, fact, compareEvents), 1)
  }
}

const latest = <P extends Child | Caregiver | Plan>(map: Map<string, P>, key: string, profile: P): void => {
  const held = map.get(key)
  if (held === undefined || isLaterEvent(profile, held)) map.set(key, profile)
}

/**
 * The incremental form of {@link current}. `apply` is O(log n) for a log read in time order;
 * `result` rebuilds the maps and lists only after a change.
 *
 * @since 0.1.0
 * @category reducers
 */
export const CurrentReducer: Reducer<void, CurrentState, Current> = {
  initial: () => ({
    set: makeEventSet(undefined),
    entries: [],
    profiles: new Map(),
    result: undefined,
    stale: true
  }),
  apply: (state, entry) => {
    if (admit(state.set, entry, sink, state)) state.stale = true
    return state
  },
  result: (state) => {
    if (state.result !== undefined && !state.stale) return state.result
    const children = new Map<string, Child>()
    const caregivers = new Map<string, Caregiver>()
    const plans = new Map<string, Plan>()
    for (const p of state.profiles.values()) {
      if (p.type === "child") latest(children, p.child, p)
      else if (p.type === "plan") latest(plans, p.child, p)
      else latest(caregivers, p.by, p)
    }
    const result: Current = {
      entries: state.entries.slice(),
      children,
      caregivers,
      plans,
      retracted: retractedIds(state.set),
      skipped: skippedOf(state.set)
    }
    state.result = result
    state.stale = false
    return result
  }
}

/**
 * What is in force in a set of log entries: duplicates count once, a retraction removes its target
 * whichever arrives first, a retraction of a retraction is ignored, unknown and invalid entries
 * are skipped and counted. Profiles are "latest by {@link compareEvents} wins"; when the latest
 * is retracted, the one before it is in force again.
 *
 * @example
 * ```ts
 * import { current } from "@relactation/core"
 *
 * const { entries, children, caregivers } = current(log.events)
 * const newestFirst = entries.slice().reverse()
 * const name = caregivers.get("parent-a")?.name
 * ```
 *
 * @since 0.1.0
 * @category projections
 */
export const current = (entries: Iterable<LogEntry>): Current => fold(CurrentReducer, entries, undefined)
