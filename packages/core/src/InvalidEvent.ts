/**
 * The error an app gets when it tries to record an event that breaks the wire format rules. Its
 * message names each field and the rule it broke.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * Which kind of rule a field broke, stable across versions (the English `message` may be reworded):
 * an app translates the code and names the field itself. `range` and `too-long` messages carry
 * their limits as numbers (`must be between 0 and 2000`, `must be at most 64 characters`).
 *
 * @since 0.2.0
 * @category errors
 */
export type ProblemCode =
  | "required"
  | "type"
  | "one-of"
  | "range"
  | "whole-number"
  | "empty"
  | "too-long"
  | "spaces"
  | "format"
  | "sum"
  | "either"
  | "duplicate-id"
  | "version"
  | "unknown-type"
  | "invalid"

/**
 * One broken rule: where (`path`, such as `["durationSec"]`), which rule (`code`) and what, in
 * English (`message`).
 *
 * @since 0.1.0
 * @category errors
 */
export interface FieldProblem {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
  /** @since 0.2.0 */
  readonly code: ProblemCode
}

/**
 * The code of a rule's English message, for the messages the schemas write (`is required`,
 * `must be between 1 and 14400`, ...); `invalid` for any other.
 *
 * @since 0.2.0
 * @category errors
 */
export const problemCode = (message: string): ProblemCode =>
  /^is required/.test(message)
    ? "required"
    : /^must be one of/.test(message)
      ? "one-of"
      : /^must be (a|an) (string|number|boolean|object|array|JSON object)\b/.test(message)
        ? "type"
        : /^must be (between|more than)/.test(message)
          ? "range"
          : /^must be a whole number/.test(message)
            ? "whole-number"
            : /^must not be empty/.test(message)
              ? "empty"
              : /^must be at most \d+ characters/.test(message)
                ? "too-long"
                : /^must not start or end with spaces/.test(message)
                  ? "spaces"
                  : /^must equal /.test(message)
                    ? "sum"
                    : /^must be (a UUIDv7|1 to 64 characters|an ISO-8601|a real|an IANA|a valid time)/.test(
                          message
                        )
                      ? "format"
                      : "invalid"

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
