/**
 * The WHO Child Growth Standards weight-velocity reference, 1-month increments from birth to 12
 * months (World Health Organization, "WHO Child Growth Standards: Growth velocity based on weight,
 * length and head circumference. Methods and development", Geneva 2009). The library uses it to say
 * where a measured gain falls; it never turns that into advice.
 *
 * @since 0.1.0
 */
import type { Sex } from "./EventFields.js"

/**
 * Grams gained over one interval at the 5th, 15th, 50th and 85th percentile.
 *
 * @since 0.1.0
 * @category models
 */
export interface WhoPercentiles {
  readonly p5: number
  readonly p15: number
  readonly median: number
  readonly p85: number
}

/**
 * One 1-month interval of the reference: its label, its bounds in days of age, and the
 * percentiles of the weight gained over it for boys and for girls.
 *
 * @since 0.1.0
 * @category models
 */
export interface WhoVelocityInterval {
  /** `0-4wk`, `4wk-2mo`, `2-3mo` ... `11-12mo`. */
  readonly interval: string
  /** Age at the start, in days (WHO: 1 week = 7 days, 1 month = 30.4375 days). */
  readonly fromAgeDays: number
  /** Age at the end, in days. */
  readonly toAgeDays: number
  readonly male: WhoPercentiles
  readonly female: WhoPercentiles
}

/**
 * Days in a WHO month (365.25 / 12).
 *
 * @since 0.1.0
 * @category constants
 */
export const DAYS_PER_MONTH = 30.4375

const p = (p5: number, p15: number, median: number, p85: number): WhoPercentiles => ({ p5, p15, median, p85 })
const month = (m: number) => m * DAYS_PER_MONTH

/**
 * WHO weight velocity, 1-month increments (grams gained over the interval), birth to 12 months.
 *
 * @since 0.1.0
 * @category constants
 */
export const WHO_WEIGHT_VELOCITY: ReadonlyArray<WhoVelocityInterval> = [
  {
    interval: "0-4wk",
    fromAgeDays: 0,
    toAgeDays: 28,
    male: p(460, 681, 1023, 1336),
    female: p(446, 602, 879, 1171)
  },
  {
    interval: "4wk-2mo",
    fromAgeDays: 28,
    toAgeDays: month(2),
    male: p(713, 886, 1196, 1524),
    female: p(578, 734, 1011, 1301)
  },
  {
    interval: "2-3mo",
    fromAgeDays: month(2),
    toAgeDays: month(3),
    male: p(446, 577, 815, 1071),
    female: p(369, 494, 718, 952)
  },
  {
    interval: "3-4mo",
    fromAgeDays: month(3),
    toAgeDays: month(4),
    male: p(285, 403, 617, 845),
    female: p(259, 376, 585, 804)
  },
  {
    interval: "4-5mo",
    fromAgeDays: month(4),
    toAgeDays: month(5),
    male: p(194, 311, 522, 746),
    female: p(172, 286, 489, 703)
  },
  {
    interval: "5-6mo",
    fromAgeDays: month(5),
    toAgeDays: month(6),
    male: p(103, 217, 422, 640),
    female: p(93, 203, 401, 611)
  },
  {
    interval: "6-7mo",
    fromAgeDays: month(6),
    toAgeDays: month(7),
    male: p(42, 154, 357, 573),
    female: p(37, 146, 344, 555)
  },
  {
    interval: "7-8mo",
    fromAgeDays: month(7),
    toAgeDays: month(8),
    male: p(-1, 111, 316, 535),
    female: p(-2, 109, 311, 526)
  },
  {
    interval: "8-9mo",
    fromAgeDays: month(8),
    toAgeDays: month(9),
    male: p(-36, 77, 285, 508),
    female: p(-40, 70, 273, 489)
  },
  {
    interval: "9-10mo",
    fromAgeDays: month(9),
    toAgeDays: month(10),
    male: p(-66, 48, 259, 486),
    female: p(-70, 41, 245, 464)
  },
  {
    interval: "10-11mo",
    fromAgeDays: month(10),
    toAgeDays: month(11),
    male: p(-89, 27, 243, 478),
    female: p(-89, 24, 233, 459)
  },
  {
    interval: "11-12mo",
    fromAgeDays: month(11),
    toAgeDays: month(12),
    male: p(-106, 15, 239, 484),
    female: p(-102, 15, 232, 467)
  }
]

/**
 * Where a gain falls against the reference: below the 5th percentile, from the 5th up to the 15th,
 * from the 15th to the 85th (inclusive), or above the 85th.
 *
 * @since 0.1.0
 * @category models
 */
export type WhoBand = "below-p5" | "p5-p15" | "p15-p85" | "above-p85"

/**
 * The band a gain in grams falls in, for given percentiles.
 *
 * @since 0.1.0
 * @category reference
 */
export const whoBand = (gainGrams: number, percentiles: WhoPercentiles): WhoBand =>
  gainGrams < percentiles.p5
    ? "below-p5"
    : gainGrams < percentiles.p15
      ? "p5-p15"
      : gainGrams <= percentiles.p85
        ? "p15-p85"
        : "above-p85"

/**
 * The percentiles of one interval for a sex.
 *
 * @since 0.1.0
 * @category reference
 */
export const whoPercentiles = (interval: WhoVelocityInterval, sex: Sex): WhoPercentiles =>
  sex === "male" ? interval.male : interval.female

/**
 * Where the gain over one WHO 1-month interval falls.
 *
 * @since 0.1.0
 * @category models
 */
export interface WhoVelocityResult {
  /** `0-4wk`, `4wk-2mo`, `2-3mo` ... `11-12mo`. */
  readonly interval: string
  readonly fromAgeDays: number
  readonly toAgeDays: number
  /** Estimated grams gained over the interval (see {@link whoVelocities} for how). */
  readonly gainGrams: number
  /** The WHO percentiles for the child's sex. */
  readonly reference: WhoPercentiles
  readonly band: WhoBand
}

/**
 * A weight at an age, for {@link whoVelocities}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WeightAtAge {
  /** Age in days (fractional), counted from 00:00 UTC on the birth date. */
  readonly ageDays: number
  readonly grams: number
}

// A boundary weight is taken from a weigh-in within this many days of it, or interpolated between
// weigh-ins at most BRACKET_DAYS apart around it; anything sparser would be a guess.
const NEAR_DAYS = 1
const BRACKET_DAYS = 14

const round1 = (n: number): number => Math.round(n * 10) / 10

// The weight at an age: a weigh-in within a day of it (the nearest), else a straight line between
// the weigh-ins just before and just after it, when they are at most two weeks apart.
const weightAtAge = (points: ReadonlyArray<WeightAtAge>, age: number): number | undefined => {
  let before: WeightAtAge | undefined
  let after: WeightAtAge | undefined
  let nearest: WeightAtAge | undefined
  for (const point of points) {
    const a = point.ageDays
    if (
      Math.abs(a - age) <= NEAR_DAYS &&
      (nearest === undefined || Math.abs(a - age) < Math.abs(nearest.ageDays - age))
    ) {
      nearest = point
    }
    if (a <= age) before = point
    else if (after === undefined) after = point
  }
  if (nearest !== undefined) return nearest.grams
  if (before === undefined || after === undefined) return undefined
  const span = after.ageDays - before.ageDays
  if (span > BRACKET_DAYS) return undefined
  return before.grams + ((after.grams - before.grams) * (age - before.ageDays)) / span
}

/**
 * Where the gain over each WHO 1-month interval falls, for weights sorted by age. The weight at
 * each interval boundary (birth, 4 weeks, 2 months ... 12 months) is the weight within a day of
 * it (the nearest), or a straight line between the weights around it when they are at most 14
 * days apart; an interval without both boundaries is left out. `weightTrend` uses it for `who`.
 *
 * @since 0.1.0
 * @category reference
 */
export const whoVelocities = (points: ReadonlyArray<WeightAtAge>, sex: Sex): Array<WhoVelocityResult> => {
  const who: Array<WhoVelocityResult> = []
  if (points.length < 2) return who
  for (const interval of WHO_WEIGHT_VELOCITY) {
    const start = weightAtAge(points, interval.fromAgeDays)
    const end = weightAtAge(points, interval.toAgeDays)
    if (start === undefined || end === undefined) continue
    const gainGrams = Math.round(end - start)
    const reference = whoPercentiles(interval, sex)
    who.push({
      interval: interval.interval,
      fromAgeDays: round1(interval.fromAgeDays),
      toAgeDays: round1(interval.toAgeDays),
      gainGrams,
      reference,
      band: whoBand(gainGrams, reference)
    })
  }
  return who
}
