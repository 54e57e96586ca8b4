/**
 * UUIDv7 event ids (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids sort by
 * creation time, which keeps "latest wins" ties and Yjs map keys in a meaningful order.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Random } from "effect"

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0")

/**
 * Builds a UUIDv7 from a millisecond timestamp and a source of random numbers in [0, 1).
 *
 * @since 0.1.0
 * @category ids
 */
export const uuidv7From = (ms: number, random: () => number): string => {
  const t = Math.max(0, Math.floor(ms))
  const high = Math.floor(t / 2 ** 16) // top 32 bits of the 48-bit timestamp
  const low = t % 2 ** 16
  const r = (bits: number) => Math.floor(random() * 2 ** bits)
  const randA = r(12)
  const variantAndRandB = 0x8000 | r(14)
  return `${hex(high, 8)}-${hex(low, 4)}-${hex(0x7000 | randA, 4)}-${hex(variantAndRandB, 4)}-${hex(r(24), 6)}${hex(r(24), 6)}`
}

/**
 * A new UUIDv7 from Effect's `Clock` and `Random` services, so tests can make ids deterministic.
 *
 * @since 0.1.0
 * @category ids
 */
export const makeEventId: Effect.Effect<string> = Effect.gen(function* () {
  const ms = yield* Clock.currentTimeMillis
  const randoms: Array<number> = []
  for (let i = 0; i < 5; i++) randoms.push(yield* Random.next)
  let i = 0
  return uuidv7From(ms, () => randoms[i++] ?? 0)
})

/**
 * The millisecond timestamp a UUIDv7 carries.
 *
 * @since 0.1.0
 * @category ids
 */
export const uuidv7Time = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
