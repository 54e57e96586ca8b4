/**
 * Turning raw JSON into events and back. Decoding never throws at the app: every raw entry ends up
 * as a valid event, an entry of a type or version this library does not know (kept verbatim), or
 * an invalid entry with a readable reason naming the field.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { type Event, isEventType, schemas } from "./Event.js"
import { CURRENT_VERSION } from "./EventFields.js"
import { eventVersions } from "./EventVersions.js"
import { type FieldProblem, InvalidEvent } from "./InvalidEvent.js"
import { makeEntryDecoder } from "./internal/Decoder.js"

/**
 * A raw entry of a type this version does not know, or of a newer payload version: written by a
 * newer app. Kept verbatim, skipped by projections.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnknownEntry {
  readonly _tag: "UnknownEntry"
  /** The entry's `id` when it has a string one (used to count it once). */
  readonly id: string | undefined
  readonly type: string
  readonly v: number
  readonly raw: unknown
}

/**
 * A raw entry that breaks the rules of a type and version this library knows. Quarantined:
 * kept, reported, skipped by projections.
 *
 * @since 0.1.0
 * @category models
 */
export interface InvalidEntry {
  readonly _tag: "InvalidEntry"
  readonly id: string | undefined
  readonly type: string | undefined
  readonly problems: ReadonlyArray<FieldProblem>
  /** `field: rule` for each problem, joined. Never includes free text the caregiver typed. */
  readonly reason: string
  readonly raw: unknown
}

/**
 * What a log holds, entry by entry: a valid event, an unknown entry or an invalid one.
 *
 * @since 0.1.0
 * @category models
 */
export type LogEntry = Event | UnknownEntry | InvalidEntry

/**
 * Whether a log entry is a valid event (and not an unknown or invalid entry).
 *
 * @since 0.1.0
 * @category guards
 */
export const isEvent = (entry: LogEntry): entry is Event => !("_tag" in entry)

/**
 * The result of {@link decodeEvents}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decoded {
  readonly events: Array<Event>
  readonly unknown: Array<UnknownEntry>
  readonly invalid: Array<InvalidEntry>
}

const decode = makeEntryDecoder(eventVersions)

/**
 * Decodes one raw entry. Never throws. The entry is read with the schema of its own version
 * (`type@v`, see {@link eventVersions}) and upgraded to the current version of its type; a type or
 * version this library does not know is an {@link UnknownEntry}. A valid current event is
 * returned as the same object (the wire form is the decoded form), so decoding costs no copy.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeEntry = (raw: unknown): LogEntry => decode(raw)

/**
 * Decodes a list of raw entries (parsed JSON) into valid events, unknown entries and invalid
 * entries. Never throws; the input order is kept in each list.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeEvents = (raw: Iterable<unknown>): Decoded => {
  const events: Array<Event> = []
  const unknown: Array<UnknownEntry> = []
  const invalidEntries: Array<InvalidEntry> = []
  for (const item of raw) {
    const entry = decodeEntry(item)
    if (isEvent(entry)) events.push(entry)
    else if (entry._tag === "UnknownEntry") unknown.push(entry)
    else invalidEntries.push(entry)
  }
  return { events, unknown, invalid: invalidEntries }
}

/**
 * Validates one raw value as an event of this version, failing with {@link InvalidEvent} (the
 * unknown types a newer app writes are invalid here: an app may only record what it knows).
 *
 * @since 0.1.0
 * @category decoding
 */
export const validateEvent = (raw: unknown): Result.Result<Event, InvalidEvent> => {
  const entry = decodeEntry(raw)
  if (isEvent(entry)) return Result.succeed(entry)
  if (entry._tag === "UnknownEntry") {
    return Result.fail(
      new InvalidEvent({
        type: entry.type,
        problems: [
          isEventType(entry.type)
            ? {
                path: ["v"],
                message: `must be ${CURRENT_VERSION}: this library writes wire format v${CURRENT_VERSION}`,
                code: "version"
              }
            : { path: ["type"], message: `must be one of the known event types`, code: "unknown-type" }
        ]
      })
    )
  }
  return Result.fail(new InvalidEvent({ type: entry.type, problems: entry.problems }))
}

/**
 * The wire form of an event: a plain JSON object with the fields in a stable order and no
 * `undefined` values. `JSON.stringify(encodeEvent(e))` is what is stored or sent.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeEvent = (event: Event): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const source = event as unknown as Record<string, unknown>
  for (const key of fieldOrder[event.type] ?? Object.keys(event)) {
    const value = source[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

const fieldOrder: Record<string, ReadonlyArray<string>> = Object.fromEntries(
  Object.entries(schemas).map(([type, schema]) => [
    type,
    ["id", "type", "v", "child", "by", "at", "recordedAt", "tz", ...Object.keys(schema.fields)].filter(
      (k, i, all) => all.indexOf(k) === i
    )
  ])
)
