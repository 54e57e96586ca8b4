/**
 * The seed of a run: one environment variable, `FC_SEED`, for fast-check and for every other random
 * choice a test, a scenario or a benchmark makes; `FC_RUNS` sets how many runs a property makes.
 * The seed is always printed, so a failure can be replayed.
 */

const integerFromEnv = (name: string): number | undefined => {
  const value = process.env[name]
  if (value === undefined || value === "") return undefined
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed)) throw new Error(`${name} must be a whole number, got "${value}"`)
  return parsed
}

let fresh: number | undefined

/**
 * The seed of this run: `FC_SEED` when set, else one fresh seed for the whole process. The root
 * vitest.config.ts draws it once and hands it to every test worker through `FC_SEED`.
 */
export const runSeed = (): number => {
  const fromEnv = integerFromEnv("FC_SEED")
  if (fromEnv !== undefined) return fromEnv
  fresh ??= Math.floor(Math.random() * 2 ** 31)
  return fresh
}

/** The run's seed, printed with `name` and how to replay it. */
export const seedFor = (name: string): number => {
  const seed = runSeed()
  console.log(`[${name}] seed ${seed} (replay with FC_SEED=${seed})`)
  return seed
}

/** How many runs a property makes: `FC_RUNS` when set (at least 1), else `fallback`. */
export const runs = (fallback: number): number => {
  const fromEnv = integerFromEnv("FC_RUNS")
  if (fromEnv === undefined) return fallback
  if (fromEnv < 1) throw new Error(`FC_RUNS must be at least 1, got ${fromEnv}`)
  return fromEnv
}

/** `FC_RUNS` when set, else undefined (each property keeps its own count). */
export const runsFromEnv = (): number | undefined => {
  const fromEnv = integerFromEnv("FC_RUNS")
  return fromEnv === undefined ? undefined : runs(fromEnv)
}
