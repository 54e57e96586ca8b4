/**
 * The errors of the sync layer (besides core's `InvalidEvent`, which `append` passes through). All
 * are tagged so the Effect face can `catchTag` them and the Promise face rejects with the same tag.
 * Messages never carry event content.
 *
 * @since 0.1.0
 */
import type { Event } from "@relactation/core"
import { Data } from "effect"

/**
 * The log was closed; nothing more can be appended or awaited on it.
 *
 * @since 0.1.0
 * @category errors
 */
export class LogClosed extends Data.TaggedError("LogClosed")<{ readonly logId: string }> {
  override get message(): string {
    return `log ${this.logId} is closed`
  }
}

/**
 * Local persistence could not be opened, written or closed.
 *
 * @since 0.1.0
 * @category errors
 */
export class PersistenceError extends Data.TaggedError("PersistenceError")<{
  readonly kind: string
  readonly operation: "open" | "write" | "close"
  readonly cause: unknown
}> {
  override get message(): string {
    const reason = this.cause instanceof Error ? `: ${this.cause.message}` : ""
    return `${this.kind} persistence failed to ${this.operation}${reason}`
  }
}

/**
 * The rules `InvalidLogOptions` reports, by code.
 *
 * @since 0.2.0
 * @category errors
 */
export type InvalidLogOptionsCode =
  | "log-id-format"
  | "caregiver-empty"
  | "url-token-pair"
  | "websocket-missing"
  | "not-a-duration"
  | "not-a-function"
  | "file-needs-node"
  | "no-relay"
  | "family-key-format"
  | "family-key-wrong"
  | "not-plaintext"
  | "not-sealed"

/**
 * `openLog` (or another call) got options it cannot work with: the message names the option and
 * the rule.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidLogOptions extends Data.TaggedError("InvalidLogOptions")<{
  readonly option: string
  /** The rule, in English. */
  readonly rule: string
  /** Which rule, stable across versions (the English `rule` may be reworded), for translating it. @since 0.2.0 */
  readonly code: InvalidLogOptionsCode
}> {
  override get message(): string {
    return `${this.option}: ${this.rule}`
  }
}

/**
 * `stopSession` found the session already stopped, by this device or another (its event is in
 * the log): nothing was recorded. `stoppedBy` is the caregiver who stopped it (the event's `by`),
 * for a notice such as "already stopped by Alex"; `event` is the entry that stands.
 *
 * @since 0.1.0
 * @category errors
 */
export class SessionAlreadyStopped extends Data.TaggedError("SessionAlreadyStopped")<{
  readonly sessionId: string
  readonly stoppedBy: string
  readonly event: Event
}> {
  override get message(): string {
    return `session ${this.sessionId} was already stopped (event ${this.event.id})`
  }
}
