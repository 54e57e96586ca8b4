/**
 * Projections kept up to date as entries arrive: each new entry is folded into every reducer's
 * state once (`apply`), and results are read on demand (`result`). Rebuilt from scratch only when
 * the app changes the options, or when a foreign writer changed or deleted an entry (which this
 * library never does).
 *
 * @since 0.1.0
 */
import type { LogEntry, Reducer } from "@relactation/core"

/**
 * One reducer with its options and live state.
 *
 * @since 0.1.0
 * @category models
 */
export interface LiveProjection<Options, Result> {
  readonly options: Options
  readonly result: Result
  readonly apply: (entry: LogEntry) => void
  readonly rebuild: (options: Options, entries: Iterable<LogEntry>) => void
}

/**
 * Makes a live projection from a reducer, folding `entries` once.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <Options, State, Result>(
  reducer: Reducer<Options, State, Result>,
  options: Options,
  entries: Iterable<LogEntry> = []
): LiveProjection<Options, Result> => {
  let currentOptions = options
  let state = reducer.initial(options)
  for (const entry of entries) state = reducer.apply(state, entry)
  return {
    get options() {
      return currentOptions
    },
    get result() {
      return reducer.result(state)
    },
    apply: (entry) => {
      state = reducer.apply(state, entry)
    },
    rebuild: (next, all) => {
      // Built aside first: options a reducer rejects (it throws) leave the projection as it was.
      let fresh = reducer.initial(next)
      for (const entry of all) fresh = reducer.apply(fresh, entry)
      currentOptions = next
      state = fresh
    }
  }
}
