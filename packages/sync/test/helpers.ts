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
