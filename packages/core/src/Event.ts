/**
 * The events of a relactation log, wire format v1. Each event is an immutable fact recorded once,
 * on one device, by one caregiver. The schemas' encoded form is the wire format: plain JSON, the
 * only form that is ever stored or sent. A shipped version is never edited; a change is a new
 * version with a decoder from the old one.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import {
  CalendarDate,
  EventId,
  Milk,
  Place,
  PumpedMl,
  Sex,
  Side,
  SupplementMl,
  DurationSec,
  PumpMethod,
  Via
} from "./EventFields.js"
import { intBetween, text } from "./internal/Checks.js"
import { defineEvent as event } from "./internal/DefineEvent.js"
import { Plan } from "./PlanEvent.js"

/**
 * A nursing session at the breast: when it started (`at`), how long, which side(s).
 *
 * @since 0.1.0
 * @category events
 */
export const Latch = event("latch", { durationSec: DurationSec, side: Side })
/** @since 0.1.0 @category events */
export type Latch = typeof Latch.Type

/**
 * A pumping or hand-expression session. `totalMl` may be 0; when both `leftMl` and `rightMl` are
 * given, `totalMl` must equal their sum.
 *
 * @since 0.1.0
 * @category events
 */
export const Pump = event("pump", {
  durationSec: DurationSec,
  method: PumpMethod,
  totalMl: PumpedMl,
  leftMl: Schema.optionalKey(PumpedMl),
  rightMl: Schema.optionalKey(PumpedMl)
}).check(
  Schema.makeFilter((p) =>
    p.leftMl !== undefined && p.rightMl !== undefined && Math.abs(p.leftMl + p.rightMl - p.totalMl) > 0.01
      ? { path: ["totalMl"], issue: "must equal leftMl + rightMl when both sides are given" }
      : undefined
  )
)
/** @since 0.1.0 @category events */
export type Pump = typeof Pump.Type

/**
 * Milk given that did not come straight from the breast. An SNS feed may name the latch it was
 * given during (`latch`).
 *
 * @since 0.1.0
 * @category events
 */
export const Supplement = event("supplement", {
  ml: SupplementMl,
  milk: Milk,
  via: Via,
  latch: Schema.optionalKey(EventId)
})
/** @since 0.1.0 @category events */
export type Supplement = typeof Supplement.Type

/**
 * The baby's weight in whole grams (300 to 30000), where and whether clothed.
 *
 * @since 0.1.0
 * @category events
 */
export const WeighIn = event("weigh-in", {
  grams: intBetween(300, 30_000),
  clothed: Schema.optionalKey(Schema.Boolean),
  place: Schema.optionalKey(Place)
})
/** @since 0.1.0 @category events */
export type WeighIn = typeof WeighIn.Type

/**
 * A galactagogue or other medicine taken by the nursing parent.
 *
 * @since 0.1.0
 * @category events
 */
export const Medication = event("medication", {
  name: text(100),
  dose: Schema.optionalKey(
    Schema.Finite.check(
      Schema.makeFilter<number>((n) =>
        n > 0 && n <= 100_000 ? undefined : "must be more than 0 and at most 100000"
      )
    )
  ),
  unit: Schema.optionalKey(text(20))
})
/** @since 0.1.0 @category events */
export type Medication = typeof Medication.Type

/**
 * Profile of the child named by the common `child` field. The latest by (`at`, `id`) wins.
 *
 * @since 0.1.0
 * @category events
 */
export const Child = event("child", {
  name: text(100),
  birthDate: CalendarDate,
  sex: Schema.optionalKey(Sex)
})
/** @since 0.1.0 @category events */
export type Child = typeof Child.Type

/**
 * Display name of the caregiver named by the common `by` field. The latest by (`at`, `id`) wins.
 *
 * @since 0.1.0
 * @category events
 */
export const Caregiver = event("caregiver", { name: text(100) })
/** @since 0.1.0 @category events */
export type Caregiver = typeof Caregiver.Type

/**
 * "This earlier event was a mistake; ignore it." A retraction of a retraction is ignored.
 *
 * @since 0.1.0
 * @category events
 */
export const Retract = event("retract", { target: EventId, reason: Schema.optionalKey(text(500)) })
/** @since 0.1.0 @category events */
export type Retract = typeof Retract.Type

/**
 * One schema per event type, keyed by `type`.
 *
 * @since 0.1.0
 * @category events
 */
export const schemas = {
  latch: Latch,
  pump: Pump,
  supplement: Supplement,
  "weigh-in": WeighIn,
  medication: Medication,
  child: Child,
  caregiver: Caregiver,
  plan: Plan,
  retract: Retract
} as const

/**
 * Every event type of wire format v1.
 *
 * @since 0.1.0
 * @category events
 */
export type EventType = keyof typeof schemas

/**
 * The event types this version knows, in a stable order.
 *
 * @since 0.1.0
 * @category events
 */
export const eventTypes = Object.keys(schemas) as ReadonlyArray<EventType>

/**
 * Whether a string names an event type this version knows.
 *
 * @since 0.1.0
 * @category events
 */
export const isEventType = (type: unknown): type is EventType =>
  typeof type === "string" && Object.hasOwn(schemas, type)

/**
 * Any event of wire format v1. Its decoded and encoded forms are the same plain JSON object.
 *
 * @since 0.1.0
 * @category events
 */
export type Event = Latch | Pump | Supplement | WeighIn | Medication | Child | Caregiver | Plan | Retract

/**
 * The event of a given type.
 *
 * @since 0.1.0
 * @category events
 */
export type EventOf<T extends EventType> = Extract<Event, { readonly type: T }>

/**
 * The union of all event schemas, discriminated by `type`.
 *
 * @since 0.1.0
 * @category events
 */
export const AnyEvent = Schema.Union([
  Latch,
  Pump,
  Supplement,
  WeighIn,
  Medication,
  Child,
  Caregiver,
  Plan,
  Retract
])
