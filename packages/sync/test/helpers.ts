// Test helpers: waiting on conditions with a deadline (never a bare sleep), seeded randomness and
// phones on a real relay (all from @relactation/testkit), and a clock that tests move by hand.
export { phone, prng, runs, seedFor, until } from "@relactation/testkit"

/** A fixed clock that tests move on by hand. */
export const clock = (start = Date.parse("2027-03-28T01:30:00.000Z")) => {
  let t = start
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms
    }
  }
}

const sides = ["left", "right", "both"] as const

/**
 * One random day-event draft at `at`, drawn with `int(n)` (a whole number below n) in a fixed order,
 * so a seeded run replays the same drafts. Shared by the randomized convergence tests.
 */
export const randomDraft = (int: (n: number) => number, at: string) => {
  const kind = int(4)
  return kind === 0
    ? ({ type: "latch", at, durationSec: 60 + int(1800), side: sides[int(3)]! } as const)
    : kind === 1
      ? ({ type: "pump", at, durationSec: 300 + int(900), method: "electric", totalMl: int(80) } as const)
      : kind === 2
        ? ({ type: "supplement", at, ml: 5 + int(60), milk: "formula", via: "sns" } as const)
        : ({ type: "weigh-in", at, grams: 3000 + int(800) } as const)
}
