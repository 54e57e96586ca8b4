/**
 * Set semantics shared by every projection, incrementally: an entry counts once by `id`, a
 * retraction removes its target whether it arrives before or after it, a retraction of a
 * retraction is ignored, unknown and invalid entries are counted as skipped. Each projection only
 * says how one event adds to and subtracts from its state (a {@link Sink}), so `apply` stays O(1).
 *
 * @since 0.1.0
 */
import type { LogEntry } from "../Codec.js"
import type { Event } from "../Event.js"
import type { Skipped } from "../Projection.js"

/**
 * Any event but a retraction: what projections add up.
 *
 * @internal
 */
export type Fact = Exclude<Event, { readonly type: "retract" }>

/**
 * How a projection's state takes in one fact and gives it back. `remove` is only ever called with
 * a fact `add` was called with, so the sink can subtract exactly what it added.
 *
 * @internal
 */
export interface Sink<S> {
  readonly add: (state: S, fact: Fact) => void
  readonly remove: (state: S, fact: Fact) => void
}

/**
 * The incremental set of entries seen so far.
 *
 * @internal
 */
export interface EventSet {
  /** Only facts about this child count (retractions apply whatever their `child`). */
  readonly child: string | undefined
  /** Every id seen, of any entry, so duplicates are recognised. */
  readonly seen: Set<string>
  /** Ids named by a retraction that is in force. */
  readonly retracted: Set<string>
  /** Ids of retractions: a retraction naming one of them is ignored. */
  readonly retractions: Set<string>
  /** The facts that currently count, by id, so a late retraction can subtract them. */
  readonly live: Map<string, Fact>
  unknown: number
  invalid: number
}

/** @internal */
export const makeEventSet = (child: string | undefined): EventSet => ({
  child,
  seen: new Set(),
  retracted: new Set(),
  retractions: new Set(),
  live: new Map(),
  unknown: 0,
  invalid: 0
})

/**
 * Folds one entry into the set and tells the sink what changed. Returns whether the projection's
 * result may have changed (including the skipped counts).
 *
 * @internal
 */
export const admit = <S>(set: EventSet, entry: LogEntry, sink: Sink<S>, state: S): boolean => {
  if ("_tag" in entry) {
    // Unknown and invalid entries count once by id; without an id there is nothing to dedupe by.
    if (entry.id !== undefined) {
      if (set.seen.has(entry.id)) return false
      set.seen.add(entry.id)
    }
    if (entry._tag === "UnknownEntry") set.unknown++
    else set.invalid++
    return true
  }
  const id = entry.id
  if (set.seen.has(id)) return false
  set.seen.add(id)
  if (entry.type === "retract") {
    set.retractions.add(id)
    const target = entry.target
    // A retraction of a retraction is ignored: only facts are ever retracted.
    if (set.retractions.has(target) || set.retracted.has(target)) return false
    set.retracted.add(target)
    const fact = set.live.get(target)
    if (fact === undefined) return false
    set.live.delete(target)
    sink.remove(state, fact)
    return true
  }
  if (set.retracted.has(id)) return false
  if (set.child !== undefined && entry.child !== set.child) return false
  set.live.set(id, entry)
  sink.add(state, entry)
  return true
}

/**
 * The skipped counts, as a fresh object.
 *
 * @internal
 */
export const skippedOf = (set: EventSet): Skipped => ({ unknown: set.unknown, invalid: set.invalid })

/**
 * Whether `a` is later than `b` by (`at`, `id`): the order "latest wins" uses for profiles.
 *
 * @internal
 */
export const isLater = (
  a: { readonly at: string; readonly id: string },
  b: { readonly at: string; readonly id: string }
): boolean => {
  const c = compareInstants(a.at, b.at)
  return c === 0 ? a.id > b.id : c > 0
}

/**
 * Compares two ISO instants. Strings of the same shape compare as text; `.5Z` vs `Z` (optional
 * fractions) do not, so those fall back to parsing.
 *
 * @internal
 */
export const compareInstants = (a: string, b: string): number => {
  if (a.length === b.length) return a < b ? -1 : a > b ? 1 : 0
  return Date.parse(a) - Date.parse(b)
}
