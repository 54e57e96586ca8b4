/**
 * The shape every projection shares: a pure reducer over log entries (`initial`, `apply`,
 * `result`) and a batch function built from it. The input is a set: applying the same entries in
 * any order, with duplicates, gives the same result; a retraction may come before its target.
 *
 * @since 0.1.0
 */
import type { LogEntry } from "./Codec.js"

/**
 * An incremental projection.
 *
 * - `initial(options)` makes an empty state for those options.
 * - `apply(state, entry)` folds one entry in and returns the state. For speed the state is an
 *   accumulator owned by the caller: `apply` may update it in place, so do not share one state
 *   between two folds. It never reads a clock, randomness or IO.
 * - `result(state)` reads the current result. It returns the same object until the state changes,
 *   and a new object after, so UIs can compare by identity.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reducer<in Options, State, out Result> {
  readonly initial: (options: Options) => State
  readonly apply: (state: State, entry: LogEntry) => State
  readonly result: (state: State) => Result
}

/**
 * How many entries a projection skipped, and why.
 *
 * @since 0.1.0
 * @category models
 */
export interface Skipped {
  /** Entries of a type or version this library does not know (written by a newer app). */
  readonly unknown: number
  /** Entries that failed validation (quarantined). */
  readonly invalid: number
}

/**
 * Runs a reducer over entries: the batch form of a projection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fold = <O, S, R>(reducer: Reducer<O, S, R>, entries: Iterable<LogEntry>, options: O): R => {
  let state = reducer.initial(options)
  for (const entry of entries) state = reducer.apply(state, entry)
  return reducer.result(state)
}
