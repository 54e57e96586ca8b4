/**
 * Timing helpers shared by the figures: warm up, repeat, report medians. Times are milliseconds
 * from `performance.now()` unless a name says otherwise.
 */

/** The value at quantile `q` (0..1) of an ascending array (nearest rank). */
export const quantile = (sorted: ReadonlyArray<number>, q: number): number => {
  if (sorted.length === 0) return Number.NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]!
}

/** The median of some samples (not necessarily sorted). */
export const median = (samples: ReadonlyArray<number>): number =>
  quantile(
    [...samples].sort((a, b) => a - b),
    0.5
  )

export interface RepeatOptions {
  /** Untimed runs first, so the JIT has settled. */
  readonly warmup?: number
  /** At least this many timed runs... */
  readonly minRuns?: number
  /** ...and keep going until this much time was spent, up to maxRuns. */
  readonly minTimeMs?: number
  readonly maxRuns?: number
}

/**
 * Runs `fn` repeatedly and returns the median time of one run in milliseconds. `fn`'s result is
 * kept in a sink so the work cannot be optimised away.
 */
export const repeat = (fn: () => unknown, options: RepeatOptions = {}): { median: number; runs: number } => {
  const { warmup = 2, minRuns = 5, minTimeMs = 300, maxRuns = 200 } = options
  for (let i = 0; i < warmup; i++) sink(fn())
  const samples: Array<number> = []
  const started = performance.now()
  while (samples.length < minRuns || (performance.now() - started < minTimeMs && samples.length < maxRuns)) {
    const t0 = performance.now()
    sink(fn())
    samples.push(performance.now() - t0)
  }
  return { median: median(samples), runs: samples.length }
}

/**
 * Runs two functions alternately (A, B, A, B...) so both see the same machine state, and returns
 * both medians. Used for every "ours against baseline" pair.
 */
export const sideBySide = (
  ours: () => unknown,
  baseline: () => unknown,
  options: RepeatOptions = {}
): { ours: number; baseline: number; runs: number } => {
  const { warmup = 2, minRuns = 5, minTimeMs = 300, maxRuns = 200 } = options
  for (let i = 0; i < warmup; i++) {
    sink(ours())
    sink(baseline())
  }
  const a: Array<number> = []
  const b: Array<number> = []
  const started = performance.now()
  while (a.length < minRuns || (performance.now() - started < minTimeMs * 2 && a.length < maxRuns)) {
    let t0 = performance.now()
    sink(ours())
    a.push(performance.now() - t0)
    t0 = performance.now()
    sink(baseline())
    b.push(performance.now() - t0)
  }
  return { ours: median(a), baseline: median(b), runs: a.length }
}

let sunk: unknown
/** Keeps a value alive so V8 cannot drop the work that made it. */
export const sink = (value: unknown): void => {
  sunk = value
}
/** Read by nobody; exported so the sink is observable. */
export const lastSunk = (): unknown => sunk

/** Nanoseconds as a number, for timing very short operations one at a time. */
export const nowNs = (): number => Number(process.hrtime.bigint())

/** Resident set size of a process in bytes, from /proc (Linux). */
export const rssOf = async (pid: number): Promise<number> => {
  const { readFile } = await import("node:fs/promises")
  const status = await readFile(`/proc/${pid}/status`, "utf8")
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status)
  if (match === null) throw new Error(`no VmRSS for process ${pid}`)
  return Number(match[1]) * 1024
}
