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

/**
 * A fact the set's projection counts: a valid event, not a retraction, relevant to the sink and of
 * the set's child. `undefined` for anything else.
 */
const counting = <S>(set: EventSet, sink: Sink<S>, entry: LogEntry | undefined): Fact | undefined => {
  if (entry === undefined || isSkipped(entry) || entry.type === "retract") return undefined
  if (!sink.relevant(entry)) return undefined
  if (set.child !== undefined && entry.child !== set.child) return undefined
  return entry
}

/**
 * {@link admit} for a source that never holds two entries with one id (the sync log's map: one
 * key per id). Facts are not recorded in `ids`, only retractions, the ids they name and skipped
 * entries (a few in a hundred entries), so most entries cost one lookup in a small map and no
 * insert. `folded(id)` gives back the entry with that id when it was folded into this set before
 * (a retraction of it must subtract it). The one case the source's guarantee leaves open, an
 * unknown or invalid entry whose id is a valid event's, is decided one way whatever the order:
 * the skipped entry counts and the event does not.
 *
 * @internal
 */
export const admitUnique = <S>(
  set: EventSet,
  entry: LogEntry,
  sink: Sink<S>,
  state: S,
  folded: (id: string) => LogEntry | undefined
): boolean => {
  const ids = set.ids
  if (isSkipped(entry)) {
    const id = entry.id
    if (id !== undefined) {
      const known = ids.get(id)
      // A retracted fact (DEAD) is already out: the skipped entry still counts, as it would
      // have had it come first.
      if (known !== undefined && known !== TARGETED && known !== DEAD) return false
      if (known === undefined) {
        const fact = counting(set, sink, folded(id))
        if (fact !== undefined) sink.remove(state, fact)
      }
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
    // Anything recorded under the target is not a fact in force: nothing to give back.
    if (ids.get(target) !== undefined) return false
    const fact = counting(set, sink, folded(target))
    if (fact === undefined) {
      ids.set(target, TARGETED)
      return false
    }
    ids.set(target, DEAD)
    sink.remove(state, fact)
    return true
  }
  if (!sink.relevant(entry)) return false
  if (set.child !== undefined && entry.child !== set.child) return false
  const known = ids.get(entry.id)
  if (known !== undefined) {
    if (known === TARGETED) ids.set(entry.id, DEAD)
    return false
  }
  sink.add(state, entry)
  return true
}

/**
 * Whether an entry is a fact (neither skipped nor a retraction).
 *
 * @internal
 */
export const isFactEntry = (entry: LogEntry): boolean => !isSkipped(entry) && entry.type !== "retract"

/**
 * A set as plain data: what each recorded id is (facts by id only: the source has them), and the
 * skipped counts.
 *
 * @internal
 */
export interface SetSnapshot {
  readonly facts: ReadonlyArray<string>
  readonly retractions: ReadonlyArray<string>
  readonly targeted: ReadonlyArray<string>
  readonly dead: ReadonlyArray<string>
  readonly skipped: ReadonlyArray<string>
  readonly unknown: number
  readonly invalid: number
}

/** @internal */
export const snapshotSet = (set: EventSet): SetSnapshot => {
  const facts: Array<string> = []
  const retractions: Array<string> = []
  const targeted: Array<string> = []
  const dead: Array<string> = []
  const skipped: Array<string> = []
  for (const [id, known] of set.ids) {
    if (typeof known !== "number") facts.push(id)
    else if (known === RETRACTION) retractions.push(id)
    else if (known === TARGETED) targeted.push(id)
    else if (known === DEAD) dead.push(id)
    else skipped.push(id)
  }
  return { facts, retractions, targeted, dead, skipped, unknown: set.unknown, invalid: set.invalid }
}

const isIdList = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((id) => typeof id === "string")

/**
 * Puts a snapshot's markers and counts into an empty set (its facts are the caller's to replay
 * through the sink); `false` when the snapshot is malformed.
 *
 * @internal
 */
export const restoreMarkers = (set: EventSet, snapshot: SetSnapshot): boolean => {
  const s = snapshot as Partial<Record<keyof SetSnapshot, unknown>>
  if (
    !isIdList(s.facts) ||
    !isIdList(s.retractions) ||
    !isIdList(s.targeted) ||
    !isIdList(s.dead) ||
    !isIdList(s.skipped) ||
    !Number.isInteger(s.unknown) ||
    !Number.isInteger(s.invalid)
  ) {
    return false
  }
  for (const id of s.retractions) set.ids.set(id, RETRACTION)
  for (const id of s.targeted) set.ids.set(id, TARGETED)
  for (const id of s.dead) set.ids.set(id, DEAD)
  for (const id of s.skipped) set.ids.set(id, SKIPPED)
  set.unknown = s.unknown as number
  set.invalid = s.invalid as number
  return true
}
