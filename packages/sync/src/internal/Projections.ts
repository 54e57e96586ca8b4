/**
 * The log's three live projections (daily totals, weight trend, relactation progress) under one
 * set of `ProjectionOptions`, folded together by core's `UniqueIdProjections` (the map holds one
 * entry per id, so set semantics need no id map of the facts): each entry is folded once, a change
 * of options rebuilds all three or, when one of them rejects the options, none. The state can be
 * saved in the checkpoint and restored, so an open folds only what was added since.
 */
import {
  type AllProjectionsOptions,
  type AllProjectionsState,
  AllProjectionsReducer,
  type DailyTotals,
  type LogEntry,
  type RelactationProgress,
  UniqueIdProjections,
  type WeightTrend
} from "@relactation/core"
import type { ProjectionOptions } from "../EventLog.js"
import { opt } from "./opt.js"

/** The public `ProjectionOptions`. */
export type Options = ProjectionOptions

const coreOptionsOf = (p: Options): AllProjectionsOptions => ({
  timeZone: p.timeZone,
  ...opt("dayStartHour", p.dayStartHour),
  ...opt("night", p.night),
  ...opt("child", p.child),
  ...opt("birthDate", p.birthDate),
  ...opt("sex", p.sex)
})

/** The three projections. */
export interface Projections {
  readonly options: Options
  readonly dailyTotals: DailyTotals
  readonly weightTrend: WeightTrend
  readonly relactationProgress: RelactationProgress
  /** Folds one new entry into all three (the index already holds it). */
  readonly apply: (entry: LogEntry) => void
  /** Starts over from `entries` with `options` (default: the current ones); throws core's `InvalidOptions`. */
  readonly rebuild: (entries: () => Iterable<LogEntry>, options?: Options) => void
  /** The state as JSON data, for the checkpoint (of exactly the entries folded so far). */
  readonly snapshot: () => unknown
  /** How the projections were started: what a test or a benchmark checks. */
  readonly startedFrom: "fold" | "checkpoint results" | "checkpoint state"
}

/** Results the projections start from instead of folding (from a confirmed checkpoint). */
export interface Results {
  readonly dailyTotals: DailyTotals
  readonly weightTrend: WeightTrend
  readonly relactationProgress: RelactationProgress
}

/** What a checkpoint gives the start. */
export interface FromCheckpoint {
  /** The results of exactly the log's entries under these options (nothing added since). */
  readonly results?: Results
  /** The projections' state of the checkpoint's entries under these options. */
  readonly state?: unknown
  /** With `state` and no `results`: the entries added since the checkpoint (not in its state). */
  readonly added?: () => ReadonlyArray<LogEntry>
}

/**
 * Folds `entries` into the three projections; throws core's `InvalidOptions` on bad options.
 * `folded(id)` is the log's index: the entry with that id (every indexed entry is folded, the
 * log indexes an entry just before it applies it). From a checkpoint: with `results` nothing is
 * folded until the first new entry or rebuild (then the state is restored, or everything folded
 * if it does not restore); with `state` and `added`, the state is restored and only `added`
 * folded into it.
 */
export const make = (
  options: Options,
  entries: () => Iterable<LogEntry>,
  folded: (id: string) => LogEntry | undefined,
  start: FromCheckpoint = {}
): Projections => {
  let current = options
  // The options are checked now, whatever the start.
  const fresh = UniqueIdProjections.initial(coreOptionsOf(options), folded)
  const scratch = (o: Options): AllProjectionsState =>
    UniqueIdProjections.fold(UniqueIdProjections.initial(coreOptionsOf(o), folded), entries())
  const restored = (): AllProjectionsState | undefined =>
    start.state === undefined
      ? undefined
      : UniqueIdProjections.restore(coreOptionsOf(options), start.state, folded)

  let startedFrom: Projections["startedFrom"] = "fold"
  let state: AllProjectionsState | undefined
  const cached = start.results
  if (cached !== undefined) startedFrom = "checkpoint results"
  else if (start.added !== undefined) {
    const back = restored()
    if (back !== undefined) {
      state = UniqueIdProjections.fold(back, start.added())
      startedFrom = "checkpoint state"
    }
  }
  if (cached === undefined && state === undefined) state = UniqueIdProjections.fold(fresh, entries())

  const live = (): AllProjectionsState => {
    state ??= scratch(current)
    return state
  }
  const results = () => AllProjectionsReducer.result(live())

  return {
    get options() {
      return current
    },
    get dailyTotals() {
      return state === undefined ? cached!.dailyTotals : results().dailyTotals
    },
    get weightTrend() {
      return state === undefined ? cached!.weightTrend : results().weightTrend
    },
    get relactationProgress() {
      return state === undefined ? cached!.relactationProgress : results().relactationProgress
    },
    apply: (entry) => {
      if (state === undefined) {
        // The first entry after an open from exact results: the checkpoint's state plus this
        // entry; without a usable state, a fold of the index (which already holds the entry).
        const back = restored()
        if (back === undefined) {
          state = scratch(current)
          return
        }
        state = back
      }
      AllProjectionsReducer.apply(state, entry)
    },
    rebuild: (all, next = current) => {
      // Options any of the three rejects throw here, leaving every projection as it was.
      const fresh = UniqueIdProjections.initial(coreOptionsOf(next), folded)
      state = UniqueIdProjections.fold(fresh, all())
      current = next
    },
    snapshot: () =>
      state === undefined && start.state !== undefined ? start.state : UniqueIdProjections.snapshot(live()),
    get startedFrom() {
      return startedFrom
    }
  }
}
