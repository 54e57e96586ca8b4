/**
 * The error an app gets when it tries to record an event that breaks the wire format rules. Its
 * message names each field and the rule it broke.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * One broken rule: where (`path`, such as `["durationSec"]`) and what (`message`).
 *
 * @since 0.1.0
 * @category errors
 */
export interface FieldProblem {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/**
 * An event (or draft) failed validation. Nothing was stored.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidEvent extends Data.TaggedError("InvalidEvent")<{
  /** The event type, when the input named a known one. */
  readonly type: string | undefined
  /** Every broken rule, in field order. */
  readonly problems: ReadonlyArray<FieldProblem>
}> {
  override get message(): string {
    return describeProblems(this.type, this.problems)
  }
}

/**
 * `latch.durationSec: must be between 1 and 14400 (got 0); latch.side: ...`.
 *
 * @since 0.1.0
 * @category errors
 */
export const describeProblems = (type: string | undefined, problems: ReadonlyArray<FieldProblem>): string =>
  problems
    .map((p) => {
      const where = [type ?? "event", ...p.path.map(String)].join(".")
      return `${where}: ${p.message}`
    })
    .join("; ")
