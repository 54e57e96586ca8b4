/**
 * The live projections of a log as React state: daily totals, the weight trend and relactation
 * progress, re-rendering only when an entry (local, remote or from storage) changed them.
 *
 * @since 0.1.0
 */
import type { DailyTotals, RelactationProgress, WeightTrend } from "@relactation/core"
import type { EventLog, ProjectionOptions } from "@relactation/sync"
import { useLogValue } from "./internal/useLogValue.js"
import { storeOf } from "./internal/store.js"

/**
 * The log's live `dailyTotals`; `undefined` while there is no log (for example while `useLog` opens it).
 *
 * @since 0.1.0
 * @category hooks
 */
export function useDailyTotals(log: EventLog): DailyTotals
export function useDailyTotals(log: EventLog | undefined): DailyTotals | undefined
export function useDailyTotals(log: EventLog | undefined): DailyTotals | undefined {
  return useLogValue(log, "dailyTotals", (l) => l.dailyTotals)
}

/**
 * The log's live `weightTrend`; `undefined` while there is no log.
 *
 * @since 0.1.0
 * @category hooks
 */
export function useWeightTrend(log: EventLog): WeightTrend
export function useWeightTrend(log: EventLog | undefined): WeightTrend | undefined
export function useWeightTrend(log: EventLog | undefined): WeightTrend | undefined {
  return useLogValue(log, "weightTrend", (l) => l.weightTrend)
}

/**
 * The log's live `relactationProgress`; `undefined` while there is no log.
 *
 * @since 0.1.0
 * @category hooks
 */
export function useRelactationProgress(log: EventLog): RelactationProgress
export function useRelactationProgress(log: EventLog | undefined): RelactationProgress | undefined
export function useRelactationProgress(log: EventLog | undefined): RelactationProgress | undefined {
  return useLogValue(log, "relactationProgress", (l) => l.relactationProgress)
}

/**
 * The log's valid events (retractions included), sorted by `at`, then `id`; `undefined` while there
 * is no log.
 *
 * @since 0.1.0
 * @category hooks
 */
export function useEvents(log: EventLog): EventLog["events"]
export function useEvents(log: EventLog | undefined): EventLog["events"] | undefined
export function useEvents(log: EventLog | undefined): EventLog["events"] | undefined {
  return useLogValue(log, "events", (l) => l.events)
}

/**
 * `log.setProjectionOptions(options)`, and every hook reading the log's projections re-renders with
 * the rebuilt results (the log itself announces entries, not rebuilds). Throws core's
 * `InvalidOptions` on bad options, leaving the projections as they were.
 *
 * @since 0.1.0
 * @category actions
 */
export const setProjectionOptions = (log: EventLog, options: ProjectionOptions): void => {
  log.setProjectionOptions(options)
  storeOf(log).touch()
}
