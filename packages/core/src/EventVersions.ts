/**
 * Every version of every event type, keyed `type@v` (`"latch@1"`), the way LiveStore versions its
 * events: a shipped version is never edited; a change adds a new key with a new schema, and the
 * old key gains an `upgrade` to the current version of its type. Decoding reads an entry with the
 * schema of its own `type@v`, then upgrades it, so a log written by an older app reads as current
 * events while the stored entries are never rewritten.
 *
 * @since 0.1.0
 */
import type { Schema } from "effect"
import {
  Caregiver,
  Child,
  type EventType,
  Latch,
  Medication,
  Pump,
  Retract,
  Supplement,
  WeighIn
} from "./Event.js"
import { Plan } from "./PlanEvent.js"

/**
 * One version of one event type.
 *
 * @since 0.1.0
 * @category versions
 */
export interface EventVersion {
  readonly type: EventType
  readonly v: number
  /** The schema of the wire form of this version. */
  readonly schema: Schema.Top
  /**
   * From an event decoded with `schema` to the wire form of the current version of its type
   * (validated by that version's schema afterwards). `undefined` on the current version.
   */
  readonly upgrade: ((event: never) => Record<string, unknown>) | undefined
}

/**
 * The registry key of a version: `"latch@1"`.
 *
 * @since 0.1.0
 * @category versions
 */
export const versionKey = (type: string, v: number): string => `${type}@${v}`

const current = (type: EventType, schema: Schema.Top): EventVersion => ({
  type,
  v: 1,
  schema,
  upgrade: undefined
})

/**
 * Every version this library reads, keyed `type@v`. Today each type has one version, 1, which is
 * current. When a type gets a version 2, `"<type>@2"` is added as current and `"<type>@1"` keeps
 * its schema and gains `upgrade: (v1) => v2`.
 *
 * @since 0.1.0
 * @category versions
 */
export const eventVersions: Readonly<Record<string, EventVersion>> = {
  "latch@1": current("latch", Latch),
  "pump@1": current("pump", Pump),
  "supplement@1": current("supplement", Supplement),
  "weigh-in@1": current("weigh-in", WeighIn),
  "medication@1": current("medication", Medication),
  "child@1": current("child", Child),
  "caregiver@1": current("caregiver", Caregiver),
  "plan@1": current("plan", Plan),
  "retract@1": current("retract", Retract)
}
