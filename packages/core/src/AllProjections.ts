/**
 * The three projections an app shows (daily totals, weight trend, relactation progress) folded
 * together: `dailyTotals` and `relactationProgress` keep the same per-day sums under the same
 * options, so one set of events (one id map) feeds both, in one pass. Results are exactly those of
 * the three batch functions. For a source that never holds two entries with one id (the sync log),
 * the unique-id form records no fact in the id map at all, and its state can be saved as plain data
 * and restored (the sync checkpoint keeps it).
 *
 * @since 0.2.0
 */
import type { LogEntry } from "./Codec.js"
import {
  type DailyTotals,
  type DailyTotalsOptions,
  DailyTotalsReducer,
  type DailyTotalsState
} from "./DailyTotals.js"
import {
  type DayRow,
  dayRows,
  type Days,
  contribute,
  isDayFact,
  makeDays,
  restoreDays
} from "./internal/Days.js"
import {
  admit,
  admitUnique,
  type EventSet,
  type Fact,
  isFactEntry,
  makeEventSet,
  restoreMarkers,
  type SetSnapshot,
  type Sink,
  snapshotSet
} from "./internal/EventSet.js"
import { checkDayOptions } from "./internal/InvalidOptions.js"
import type { Reducer } from "./Projection.js"
import {
  type RelactationProgress,
  RelactationProgressReducer,
  type RelactationProgressState
} from "./RelactationProgress.js"
import {
  type WeightTrend,
  type WeightTrendOptions,
  WeightTrendReducer,
  type WeightTrendState
} from "./WeightTrend.js"

/**
 * Options of {@link projectAll}: those of `dailyTotals` (and `relactationProgress`) and of
 * `weightTrend` in one object; `child` applies to all three.
 *
 * @since 0.2.0
 * @category models
 */
export interface AllProjectionsOptions extends DailyTotalsOptions, WeightTrendOptions {}

/**
 * The three results. Each is computed when first read; `weightTrend` throws core's
 * `InvalidOptions` on reading when `weightTrend` would (several children and no `child`), the
 * other two are readable all the same.
 *
 * @since 0.2.0
 * @category models
 */
export interface AllProjections {
  readonly dailyTotals: DailyTotals
  readonly weightTrend: WeightTrend
  readonly relactationProgress: RelactationProgress
}

/**
 * The accumulator of {@link AllProjectionsReducer}. Treat it as opaque.
 *
 * @since 0.2.0
 * @category models
 */
export interface AllProjectionsState {
  /** @internal the one set behind both day projections */
  readonly daySet: EventSet
  /** @internal */
  readonly daily: DailyTotalsState
  /** @internal */
  readonly progress: RelactationProgressState
  /** @internal its own set: it only records weigh-ins and child profiles */
  readonly weight: WeightTrendState
  /** @internal for a unique-id source: the entry folded before under an id */
  readonly folded: ((id: string) => LogEntry | undefined) | undefined
  /** @internal nothing folded yet */
  fresh: boolean
  /** @internal the last result read */
  result: AllProjections | undefined
}

interface DayStates {
  readonly daily: { readonly days: Days }
}

// Both day projections read the same days (two readers, each told what changed since it read).
const daySink: Sink<DayStates> = {
  relevant: isDayFact,
  add: (state, fact: Fact) => contribute(state.daily.days, fact, 1),
  remove: (state, fact: Fact) => contribute(state.daily.days, fact, -1)
}

const make = (
  options: AllProjectionsOptions,
  folded: ((id: string) => LogEntry | undefined) | undefined
): AllProjectionsState => {
  // The same checks, in the same order, with the same messages as the three reducers' `initial`.
  const daily = checkDayOptions("dailyTotals", options)
  const weight = WeightTrendReducer.initial(options)
  const progress = checkDayOptions("relactationProgress", options)
  const daySet = makeEventSet(daily.child)
  // The two day projections' options agree (the same checks of the same object).
  void progress
  const days = makeDays(daily, 2)
  return {
    daySet,
    daily: { set: daySet, days, reader: 0, result: undefined, stale: true },
    progress: { set: daySet, days, reader: 1, result: undefined, stale: true },
    weight,
    folded,
    fresh: true,
    result: undefined
  }
}

const changed = (state: AllProjectionsState): void => {
  state.daily.stale = true
  state.progress.stale = true
  state.result = undefined
}

const resultOf = (state: AllProjectionsState): AllProjections => {
  let result = state.result
  if (result !== undefined) return result
  const { daily, progress, weight } = state
  result = {
    get dailyTotals() {
      return DailyTotalsReducer.result(daily)
    },
    get relactationProgress() {
      return RelactationProgressReducer.result(progress)
    },
    get weightTrend() {
      return WeightTrendReducer.result(weight)
    }
  }
  state.result = result
  return result
}

/**
 * The incremental form of {@link projectAll}: `apply` folds an entry into the shared set once and
 * into the weight trend; `result` gives an object whose three results are read (and brought up to
 * date) on access, the same object until an entry changes something. `initial` throws
 * `InvalidOptions` for options any of the three rejects.
 *
 * @since 0.2.0
 * @category reducers
 */
export const AllProjectionsReducer: Reducer<AllProjectionsOptions, AllProjectionsState, AllProjections> = {
  initial: (options) => make(options, undefined),
  apply: (state, entry) => {
    state.fresh = false
    const folded = state.folded
    const day =
      folded === undefined
        ? admit(state.daySet, entry, daySink, state)
        : admitUnique(state.daySet, entry, daySink, state, folded)
    // Whether the weight trend moved, from its own flags (cleared for the call, then merged back).
    const weight = state.weight
    const wasChanged = weight.changed
    const wasSkipped = weight.skippedChanged
    weight.changed = false
    weight.skippedChanged = false
    WeightTrendReducer.apply(weight, entry)
    const moved = weight.changed || weight.skippedChanged
    weight.changed ||= wasChanged
    weight.skippedChanged ||= wasSkipped
    if (day) changed(state)
    else if (moved) state.result = undefined
    return state
  },
  result: resultOf
}

/**
 * The three projections of a set of entries in one pass, with exactly the results of
 * `dailyTotals`, `weightTrend` and `relactationProgress` over the same entries and options.
 *
 * @example
 * ```ts
 * const { dailyTotals, relactationProgress } = projectAll(entries, { timeZone: "Europe/Berlin" })
 * ```
 *
 * @since 0.2.0
 * @category projections
 */
export const projectAll = (entries: Iterable<LogEntry>, options: AllProjectionsOptions): AllProjections => {
  const state = make(options, undefined)
  for (const entry of entries) {
    admit(state.daySet, entry, daySink, state)
    WeightTrendReducer.apply(state.weight, entry)
  }
  state.fresh = false
  return resultOf(state)
}

/**
 * The unique-id form, for a source that never holds two entries with one id (as the sync log's
 * map, one key per id): the day projections' set then records only retractions, the ids they name
 * and skipped entries, never the facts, which is most of the cost of set semantics. `folded(id)`
 * must give the entry with that id whenever it was folded into this state before (the source's
 * own index), and nothing for an entry not folded yet. Results equal those of the batch functions
 * for any such source; an unknown or invalid entry whose id is a valid event's is the one case a
 * unique-id source leaves open, and there the skipped entry wins whatever the order.
 *
 * @since 0.2.0
 * @category reducers
 */
export const UniqueIdProjections = {
  /** A fresh state; throws `InvalidOptions` as `AllProjectionsReducer.initial` does. */
  initial: (
    options: AllProjectionsOptions,
    folded: (id: string) => LogEntry | undefined
  ): AllProjectionsState => make(options, folded),
  /**
   * Folds a batch (retractions and skipped entries first, then facts, so a fact retracted in the
   * same batch is never added); the entries of the batch must not be folded yet.
   */
  fold: (state: AllProjectionsState, entries: Iterable<LogEntry>): AllProjectionsState => {
    const folded = state.folded
    if (folded === undefined)
      throw new TypeError("UniqueIdProjections.fold needs a state made by UniqueIdProjections")
    const list = Array.isArray(entries) ? (entries as ReadonlyArray<LogEntry>) : [...entries]
    let lookup: (id: string) => LogEntry | undefined = NOTHING_FOLDED
    if (!state.fresh) {
      // The batch's own facts are not folded yet, even when `folded` already knows them.
      const batch = new Set<string>()
      for (const entry of list) if (isFactEntry(entry)) batch.add(entry.id as string)
      lookup = (id) => (batch.has(id) ? undefined : folded(id))
    }
    const { daySet, weight } = state
    let day = false
    // Retractions and skipped entries first, then the facts, so a fact a retraction of the batch
    // names is never added and subtracted again.
    for (const entry of list) {
      if (isFactEntry(entry)) continue
      if (admitUnique(daySet, entry, daySink, state, lookup)) day = true
      WeightTrendReducer.apply(weight, entry)
    }
    for (const entry of list) {
      if (!isFactEntry(entry)) continue
      if (admitUnique(daySet, entry, daySink, state, lookup)) day = true
      const type = (entry as Fact).type
      // Of the facts, only weigh-ins and child profiles reach the weight trend.
      if (type === "weigh-in" || type === "child") WeightTrendReducer.apply(weight, entry)
    }
    if (day) changed(state)
    state.fresh = false
    state.result = undefined
    return state
  },
  /**
   * The state as plain JSON data, small (the days' sums and the ids of retractions, of what they
   * name and of skipped entries, plus the weigh-ins' and profiles' ids), to store beside the
   * entries it was folded from.
   */
  snapshot: (state: AllProjectionsState): AllProjectionsSnapshot => {
    if (state.folded === undefined) throw new TypeError("only a unique-id state has a snapshot")
    return {
      v: SNAPSHOT_VERSION,
      days: dayRows(state.daily.days),
      set: snapshotSet(state.daySet),
      weight: snapshotSet(state.weight.set)
    }
  },
  /**
   * A state from a snapshot, with these options (the caller checks they are those of the
   * snapshot); `undefined` when the snapshot is malformed or names an entry `folded` does not
   * have (then fold from scratch). Throws `InvalidOptions` for bad options.
   */
  restore: (
    options: AllProjectionsOptions,
    snapshot: unknown,
    folded: (id: string) => LogEntry | undefined
  ): AllProjectionsState | undefined => {
    const state = make(options, folded)
    const s = snapshot as Partial<AllProjectionsSnapshot> | null
    if (
      s === null ||
      typeof s !== "object" ||
      s.v !== SNAPSHOT_VERSION ||
      s.set === undefined ||
      s.weight === undefined
    ) {
      return undefined
    }
    // The day set records no facts in the unique-id form.
    if (!Array.isArray(s.set.facts) || s.set.facts.length > 0) return undefined
    if (!restoreMarkers(state.daySet, s.set)) return undefined
    if (!restoreDays(state.daily.days, s.days)) return undefined
    // The weight trend's facts (weigh-ins and child profiles) are replayed from the source.
    if (!Array.isArray(s.weight.facts)) return undefined
    for (const id of s.weight.facts) {
      const entry = typeof id === "string" ? folded(id) : undefined
      if (entry === undefined) return undefined
      WeightTrendReducer.apply(state.weight, entry)
    }
    if (!restoreMarkers(state.weight.set, s.weight)) return undefined
    if (state.weight.set.ids.size !== countIds(s.weight)) return undefined
    state.fresh = false
    return state
  }
}

const NOTHING_FOLDED = (): undefined => undefined

const countIds = (s: SetSnapshot): number =>
  s.facts.length + s.retractions.length + s.targeted.length + s.dead.length + s.skipped.length

const SNAPSHOT_VERSION = 1

/**
 * What {@link UniqueIdProjections.snapshot} gives: JSON data, versioned.
 *
 * @since 0.2.0
 * @category models
 */
export interface AllProjectionsSnapshot {
  readonly v: number
  /** @internal */
  readonly days: ReadonlyArray<DayRow>
  /** @internal */
  readonly set: SetSnapshot
  /** @internal */
  readonly weight: SetSnapshot
}
