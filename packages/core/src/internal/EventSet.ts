/**
 * Set semantics shared by every projection, incrementally: an entry counts once by `id`, a
 * retraction removes its target whether it arrives before or after it, a retraction of a
 * retraction is ignored, unknown and invalid entries are counted as skipped. Each projection only
 * says how one event adds to and subtracts from its state (a {@link Sink}), so `apply` stays O(1).
 *
 * @since 0.1.0
 */
import type { InvalidEntry, LogEntry, UnknownEntry } from "../Codec.js"
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
 * a fact `add` was called with, so the sink can subtract exactly what it added. Facts `relevant`
 * rejects never reach the sink and are not even recorded: they cannot change the result, so
 * neither can their duplicates or retractions.
 *
 * @internal
 */
export interface Sink<S> {
  readonly relevant: (fact: Fact) => boolean
  readonly add: (state: S, fact: Fact) => void
  readonly remove: (state: S, fact: Fact) => void
}

// What `ids` knows about an id besides "a fact that counts" (then it holds the fact itself).
/** A retraction: a retraction naming it is ignored. */
const RETRACTION = 0
/** Named by a retraction in force but not seen yet: when the fact comes, it does not count. */
const TARGETED = 1
/** A fact that was retracted. */
const DEAD = 2
/** An unknown or invalid entry, counted once. */
const SKIPPED = 3

/**
 * The incremental set of entries seen so far.
 *
 * @internal
 */
export interface EventSet {
  /** Only facts about this child count (retractions apply whatever their `child`). */
  readonly child: string | undefined
  /**
   * Per id, the fact when it counts, else what is known about the id (one Map lookup per entry
   * instead of one per rule).
   */
  readonly ids: Map<string, Fact | number>
  unknown: number
  invalid: number
}

/** @internal */
export const makeEventSet = (child: string | undefined): EventSet => ({
  child,
  ids: new Map(),
  unknown: 0,
  invalid: 0
})

// Not `"_tag" in entry`: over entries of many shapes, loading a missing property is several times
// cheaper than `in`, and no event has a `_tag`.
const isSkipped = (entry: LogEntry): entry is UnknownEntry | InvalidEntry =>
  (entry as { readonly _tag?: string })._tag !== undefined

/**
 * Folds one entry into the set and tells the sink what changed. Returns whether the projection's
 * result may have changed (including the skipped counts).
 *
 * @internal
 */
export const admit = <S>(set: EventSet, entry: LogEntry, sink: Sink<S>, state: S): boolean => {
  const ids = set.ids
  if (isSkipped(entry)) {
    // Unknown and invalid entries count once by id; without an id there is nothing to dedupe by.
    const id = entry.id
    if (id !== undefined) {
      const known = ids.get(id)
      if (known !== undefined && known !== TARGETED) return false
      ids.set(id, SKIPPED)
    }
    if (entry._tag === "UnknownEntry") set.unknown++
    else set.invalid++
    return true
  }
  if (entry.type === "retract") {
    const id = entry.id
    const known = ids.get(id)
    if (known !== undefined && known !== TARGETED) return false
    ids.set(id, RETRACTION)
    const target = entry.target
    const fact = ids.get(target)
    if (fact === undefined) {
      ids.set(target, TARGETED)
      return false
    }
    // A retraction of a retraction is ignored: only facts are ever retracted; a fact that is
    // already retracted, skipped or not seen yet has nothing to give back.
    if (typeof fact === "number") return false
    ids.set(target, DEAD)
    sink.remove(state, fact)
    return true
  }
  if (!sink.relevant(entry)) return false
  if (set.child !== undefined && entry.child !== set.child) return false
  const id = entry.id
  const known = ids.get(id)
  if (known !== undefined) {
    if (known === TARGETED) ids.set(id, DEAD)
    return false
  }
  ids.set(id, entry)
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
 * The ids of the facts seen so far that a retraction in force removes (whichever came first).
 *
 * @internal
 */
export const retractedIds = (set: EventSet): Set<string> => {
  const out = new Set<string>()
  for (const [id, known] of set.ids) if (known === DEAD) out.add(id)
  return out
}
