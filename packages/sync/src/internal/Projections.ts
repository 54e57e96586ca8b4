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

/** Folds `entries` into the three projections; throws core's `InvalidOptions` on bad options. */
export const make = (options: Options, entries: () => Iterable<LogEntry>): Projections => {
  let current = options
  const daily = LiveProjections.make(DailyTotalsReducer, dailyOptionsOf(options), entries())
  const weight = LiveProjections.make(WeightTrendReducer, weightOptionsOf(options), entries())
  const progress = LiveProjections.make(RelactationProgressReducer, progressOptionsOf(options), entries())
  return {
    get options() {
      return current
    },
    get dailyTotals() {
      return daily.result
    },
    get weightTrend() {
      return weight.result
    },
    get relactationProgress() {
      return progress.result
    },
    apply: (entry) => {
      daily.apply(entry)
      weight.apply(entry)
      progress.apply(entry)
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
      daily.rebuild(d, all())
      weight.rebuild(w, all())
      progress.rebuild(p, all())
      current = next
    }
  }
}
