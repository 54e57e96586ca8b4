/**
 * Seeded randomness for the suite: every random choice comes from here or from fast-check, and the
 * seed is printed so a failure can be replayed with `RELIABILITY_SEED=<seed>` (or `FC_SEED`).
 */

/** mulberry32: small, fast, good enough to pick moments and payloads. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const fromEnv = (name: string): number | undefined => {
  const value = process.env[name]
  if (value === undefined || value === "") return undefined
  const parsed = Number(value)
  if (!Number.isInteger(parsed)) throw new Error(`${name} must be an integer, got ${value}`)
  return parsed
}

/** The seed of one scenario: `RELIABILITY_SEED` or a fresh one, printed either way. */
export const seedFor = (scenario: string): number => {
  const seed = fromEnv("RELIABILITY_SEED") ?? Math.floor(Math.random() * 2 ** 31)
  console.log(`[${scenario}] seed ${seed} (replay with RELIABILITY_SEED=${seed})`)
  return seed
}

/** The fast-check seed: `FC_SEED`, else `RELIABILITY_SEED`, else fresh; printed. */
export const fcSeedFor = (scenario: string): number => {
  const seed = fromEnv("FC_SEED") ?? fromEnv("RELIABILITY_SEED") ?? Math.floor(Math.random() * 2 ** 31)
  console.log(`[${scenario}] fast-check seed ${seed} (replay with FC_SEED=${seed})`)
  return seed
}

export const between = (random: () => number, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1))

export const pickOne = <T>(random: () => number, items: ReadonlyArray<T>): T => {
  const item = items[Math.floor(random() * items.length)]
  if (item === undefined) throw new Error("pickOne: empty list")
  return item
}
