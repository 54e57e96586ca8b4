/**
 * The log's three live projections (daily totals, weight trend, relactation progress) under one
 * set of `ProjectionOptions`: each entry is folded into all three, and a change of options
 * rebuilds all three or, when one of them rejects the options, none.
 */
import {
  type DailyTotals,
  type DailyTotalsOptions,
  DailyTotalsReducer,
  type LogEntry,
  type RelactationProgress,
  type RelactationProgressOptions,
  RelactationProgressReducer,
  type WeightTrend,
  type WeightTrendOptions,
  WeightTrendReducer
} from "@relactation/core"
import type { ProjectionOptions } from "../EventLog.js"
import * as LiveProjections from "../LiveProjections.js"
import { opt } from "./opt.js"

/** The public `ProjectionOptions`. */
export type Options = ProjectionOptions

const dailyOptionsOf = (p: Options): DailyTotalsOptions => ({
  timeZone: p.timeZone,
  ...opt("dayStartHour", p.dayStartHour),
  ...opt("night", p.night),
  ...opt("child", p.child)
})
const progressOptionsOf = (p: Options): RelactationProgressOptions => dailyOptionsOf(p)
const weightOptionsOf = (p: Options): WeightTrendOptions => ({
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
  /** Folds one new entry into all three. */
  readonly apply: (entry: LogEntry) => void
  /** Starts over from `entries` with `options` (default: the current ones); throws core's `InvalidOptions`. */
  readonly rebuild: (entries: () => Iterable<LogEntry>, options?: Options) => void
}

/** Results the projections start from instead of folding (from a confirmed checkpoint). */
export interface Results {
  readonly dailyTotals: DailyTotals
  readonly weightTrend: WeightTrend
  readonly relactationProgress: RelactationProgress
}

const fold = (options: Options, entries: () => Iterable<LogEntry>) => ({
  daily: LiveProjections.make(DailyTotalsReducer, dailyOptionsOf(options), entries()),
  weight: LiveProjections.make(WeightTrendReducer, weightOptionsOf(options), entries()),
  progress: LiveProjections.make(RelactationProgressReducer, progressOptionsOf(options), entries())
})

/**
 * Folds `entries` into the three projections; throws core's `InvalidOptions` on bad options.
 * With `cached` (the results of exactly these entries and options), nothing is folded until the
 * first new entry or rebuild: reading the results costs nothing until then.
 */
export const make = (options: Options, entries: () => Iterable<LogEntry>, cached?: Results): Projections => {
  let current = options
  if (cached !== undefined) {
    // The options are still checked now, as without a checkpoint.
    DailyTotalsReducer.initial(dailyOptionsOf(options))
    WeightTrendReducer.initial(weightOptionsOf(options))
    RelactationProgressReducer.initial(progressOptionsOf(options))
  }
  let live = cached === undefined ? fold(options, entries) : undefined
  const folded = () => {
    live ??= fold(current, entries)
    return live
  }
  return {
    get options() {
      return current
    },
    get dailyTotals() {
      return live === undefined ? cached!.dailyTotals : live.daily.result
    },
    get weightTrend() {
      return live === undefined ? cached!.weightTrend : live.weight.result
    },
    get relactationProgress() {
      return live === undefined ? cached!.relactationProgress : live.progress.result
    },
    apply: (entry) => {
      // The log adds an entry to its index before applying it, so a first fold includes it.
      if (live === undefined) {
        folded()
        return
      }
      live.daily.apply(entry)
      live.weight.apply(entry)
      live.progress.apply(entry)
    },
    rebuild: (all, next = current) => {
      // All three check their options (in `initial`) before any is rebuilt, so options one of them
      // rejects leave every projection as it was.
      const d = dailyOptionsOf(next)
      const w = weightOptionsOf(next)
      const p = progressOptionsOf(next)
      DailyTotalsReducer.initial(d)
      WeightTrendReducer.initial(w)
      RelactationProgressReducer.initial(p)
      if (live === undefined) live = fold(next, all)
      else {
        live.daily.rebuild(d, all())
        live.weight.rebuild(w, all())
        live.progress.rebuild(p, all())
      }
      current = next
    }
  }
}
