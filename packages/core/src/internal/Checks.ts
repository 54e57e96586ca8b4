/**
 * Reusable field checks of the event schemas: bounded text and numbers with messages that name
 * the rule.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** @internal */
export const text = (max: number) =>
  Schema.String.check(
    Schema.makeFilter<string>((s) =>
      s.trim().length === 0
        ? "must not be empty"
        : s.length > max
          ? `must be at most ${max} characters`
          : s !== s.trim()
            ? "must not start or end with spaces"
            : undefined
    )
  )

/** @internal */
export const between = (minimum: number, maximum: number) =>
  Schema.Finite.check(
    Schema.makeFilter<number>((n) =>
      n >= minimum && n <= maximum ? undefined : `must be between ${minimum} and ${maximum}`
    )
  )

/** @internal */
export const intBetween = (minimum: number, maximum: number) =>
  Schema.Finite.check(
    Schema.makeFilter<number>((n) =>
      !Number.isInteger(n)
        ? "must be a whole number"
        : n >= minimum && n <= maximum
          ? undefined
          : `must be between ${minimum} and ${maximum}`
    )
  )
