/**
 * The relactation plan as an event: daily targets and a supplement-reduction schedule that a
 * lactation consultant or doctor sets and adjusts, shared by both phones because it is in the log.
 * The latest plan by `compareEvents` wins, like a profile; retracting it brings the previous one
 * back. The library checks and reports against the plan; it never sets or changes one.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { CalendarDate } from "./EventFields.js"
import { between, intBetween, text } from "./internal/Checks.js"
import { defineEvent } from "./internal/DefineEvent.js"

const optional = Schema.optionalKey

/**
 * Daily targets, each optional: a day meets a target when its total is at least the target.
 *
 * @since 0.1.0
 * @category fields
 */
export const PlanTargets = Schema.Struct({
  /** Nursing sessions a day, 0–30. */
  latches: optional(intBetween(0, 30)),
  /** Of those, started in the night window, 0–30. */
  nightLatches: optional(intBetween(0, 30)),
  /** Minutes at the breast a day, 0–1440. */
  latchMinutes: optional(between(0, 1_440)),
  /** Pumping or hand-expression sessions a day, 0–30. */
  pumps: optional(intBetween(0, 30)),
  /** Millilitres pumped a day, 0–5000. */
  pumpedMl: optional(between(0, 5_000))
}).check(
  Schema.makeFilter((t) =>
    Object.values(t).some((v) => v !== undefined) ? undefined : "must name at least one target"
  )
)
/** @since 0.1.0 @category fields */
export type PlanTargets = typeof PlanTargets.Type

/**
 * How the daily supplement comes down: the ceiling starts at `startMl` on `from` and drops by
 * `stepMl` every `everyDays` days, never below `minimumMl`; with `holdBelowGramsPerDay`, a step is
 * skipped (the reduction held) when the latest weight velocity before that day is below it.
 *
 * @since 0.1.0
 * @category fields
 */
export const SupplementSchedule = Schema.Struct({
  /** The daily ceiling at the start, millilitres, 0–2000. */
  startMl: between(0, 2_000),
  /** Millilitres less at each step: more than 0, at most 2000. */
  stepMl: Schema.Finite.check(
    Schema.makeFilter<number>((n) =>
      n > 0 && n <= 2_000 ? undefined : "must be more than 0 and at most 2000"
    )
  ),
  /** Days between steps, a whole number 1–60. */
  everyDays: intBetween(1, 60),
  /** The local date the schedule starts on; default the local day the plan was set (`at`). */
  from: optional(CalendarDate),
  /** The ceiling never goes below this, millilitres, 0–2000 (default 0); at most `startMl`. */
  minimumMl: optional(between(0, 2_000)),
  /**
   * Hold: a step is skipped while the latest weight velocity (grams a day, between weigh-ins at
   * least 3 days apart, before the step's day) is below this, −500–500.
   */
  holdBelowGramsPerDay: optional(between(-500, 500))
}).check(
  Schema.makeFilter((s) =>
    s.minimumMl !== undefined && s.minimumMl > s.startMl
      ? { path: ["minimumMl"], issue: "must be at most startMl" }
      : undefined
  )
)
/** @since 0.1.0 @category fields */
export type SupplementSchedule = typeof SupplementSchedule.Type

/**
 * A relactation plan for the child `child`, set by the caregiver `by` (who may enter what a
 * consultant decided): `targets`, a `supplement` schedule, or both, and an optional `note`.
 *
 * @since 0.1.0
 * @category events
 */
export const Plan = defineEvent("plan", {
  targets: optional(PlanTargets),
  supplement: optional(SupplementSchedule),
  /** Up to 500 characters, e.g. "from the consultant, 2027-03-02". Never shown in error messages. */
  note: optional(text(500))
}).check(
  Schema.makeFilter((p) =>
    p.targets === undefined && p.supplement === undefined
      ? { path: ["targets"], issue: "a plan needs targets, a supplement schedule, or both" }
      : undefined
  )
)
/** @since 0.1.0 @category events */
export type Plan = typeof Plan.Type
