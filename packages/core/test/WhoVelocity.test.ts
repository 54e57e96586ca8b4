// whoVelocities on its own: boundary weights from the nearest weight within a day, else a straight
// line between weights at most 14 days apart, else the interval is left out. Checked by hand.
import { describe, expect, it } from "vitest"
import { whoVelocities } from "@relactation/core"

describe("whoVelocities", () => {
  it("takes the nearest weight within a day, interpolates across at most 14 days, else leaves out", () => {
    // Birth 3400 g at age 0; 4 weeks = day 28: weights at day 21 (4000) and 35 (4700), 14 days
    // apart, so day 28 is 4000 + 700 * 7/14 = 4350: a gain of 950 g, P15-P85 for boys (681-1336).
    const result = whoVelocities(
      [
        { ageDays: 0.4, grams: 3400 },
        { ageDays: 21, grams: 4000 },
        { ageDays: 35, grams: 4700 }
      ],
      "male"
    )
    expect(result).toEqual([
      {
        interval: "0-4wk",
        fromAgeDays: 0,
        toAgeDays: 28,
        gainGrams: 950,
        reference: { p5: 460, p15: 681, median: 1023, p85: 1336 },
        band: "p15-p85"
      }
    ])
    // 15 days apart around day 28: no estimate, so no interval.
    expect(
      whoVelocities(
        [
          { ageDays: 0, grams: 3400 },
          { ageDays: 21, grams: 4000 },
          { ageDays: 36, grams: 4700 }
        ],
        "male"
      )
    ).toEqual([])
    // Girls' reference: 950 g is P15-P85 there too (602-1171); 560 g is P5-P15 (446-602).
    expect(
      whoVelocities(
        [
          { ageDays: 0, grams: 3400 },
          { ageDays: 28.9, grams: 3960 }
        ],
        "female"
      ).map((r) => [r.gainGrams, r.band])
    ).toEqual([[560, "p5-p15"]])
  })
})
