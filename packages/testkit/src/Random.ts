/**
 * Seeded randomness on `lib0/prng` (the Xoroshiro128+ generator Yjs's own tests use): the same seed
 * and salt give the same numbers, in tests, scenarios and benchmark data alike.
 */
import * as lib0Prng from "lib0/prng"

// murmur3's 32-bit finaliser: spreads nearby seeds (1, 2, 3…) over the whole state space, and keeps
// the state away from 0, where the xorshift that fills lib0's state would only ever return 0.
const fmix32 = (h: number): number => {
  let x = h >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

const mixSalt = (seed: number, salt: string | number): number => {
  let h = fmix32(seed)
  const text = String(salt)
  for (let i = 0; i < text.length; i++) h = fmix32(h ^ text.charCodeAt(i))
  return h
}

/**
 * A generator of numbers in [0, 1) from `seed` (any whole number), optionally varied by `salt`
 * (a phone's name, a day number), in the shape `openLog`'s and `makeSync`'s `random` options take.
 */
export const prng = (seed: number, salt?: string | number): (() => number) => {
  const mixed = salt === undefined ? fmix32(seed) : mixSalt(seed, salt)
  const gen = lib0Prng.create(mixed === 0 ? 0x9e3779b9 : mixed)
  return () => gen.next()
}

/** A whole number in [min, max]. */
export const between = (random: () => number, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1))

/** One item of a non-empty list. */
export const pickOne = <T>(random: () => number, items: ReadonlyArray<T>): T => {
  const item = items[Math.floor(random() * items.length)]
  if (item === undefined) throw new Error("pickOne: the list is empty")
  return item
}
