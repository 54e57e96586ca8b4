// The three projections the log keeps live. TEMPORARY stand-ins for WeightTrend and
// RelactationProgress until they land in @relactation/core; replaced by plain re-exports then.
import type { LogEntry, Reducer } from "@relactation/core"
import { isEvent } from "@relactation/core"

export { type DailyTotals, type DailyTotalsOptions, DailyTotalsReducer } from "@relactation/core"

export interface WeightTrendOptions {
  readonly child?: string
  readonly birthDate?: string
  readonly sex?: "female" | "male"
}
export interface WeightTrend {
  readonly weighIns: number
}
export interface RelactationProgressOptions {
  readonly timeZone: string
  readonly dayStartHour?: number
  readonly night?: { readonly start: number; readonly end: number }
  readonly child?: string
}
export interface RelactationProgress {
  readonly events: number
}

const counter = <O, R>(
  pick: (e: LogEntry) => boolean,
  wrap: (n: number) => R
): Reducer<O, { ids: Set<string> }, R> => ({
  initial: () => ({ ids: new Set() }),
  apply: (s, e) => {
    if (isEvent(e) && pick(e)) s.ids.add(e.id)
    return s
  },
  result: (s) => wrap(s.ids.size)
})

export const WeightTrendReducer = counter<WeightTrendOptions, WeightTrend>(
  (e) => isEvent(e) && e.type === "weigh-in",
  (weighIns) => ({ weighIns })
)
export const RelactationProgressReducer = counter<RelactationProgressOptions, RelactationProgress>(
  () => true,
  (events) => ({ events })
)
