/**
 * Constructors for apps: a draft (what the caregiver entered) becomes a full event with its id,
 * `at` (default: now) and `recordedAt` filled from Effect's `Clock` and `Random`, and imperial input
 * (fl oz, lb/oz) converted to millilitres and grams. The result is validated against the wire
 * format; invalid input fails with {@link InvalidEvent} and nothing is made.
 *
 * @since 0.1.0
 */
import { Effect, Random, Result } from "effect"
import { encodeEvent, validateEvent } from "./Codec.js"
import type { EventOf, EventType, Medication } from "./Event.js"
import {
  CURRENT_VERSION,
  type Milk,
  type Place,
  type PumpMethod,
  type Sex,
  type Side,
  type Via
} from "./EventFields.js"
import { uuidv7From } from "./Id.js"
import { InvalidEvent } from "./InvalidEvent.js"
import type { PlanTargets, SupplementSchedule } from "./PlanEvent.js"
import { gramsFromLbOz, mlFromFlOz } from "./Units.js"

/**
 * A point in time as an app may give it: an ISO-8601 string, a `Date` or epoch milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export type TimeInput = string | Date | number

/**
 * Fields a draft of any type may carry. `at` defaults to now; `id` to a new UUIDv7.
 *
 * @since 0.1.0
 * @category models
 */
export interface DraftCommon {
  readonly child: string
  readonly by: string
  readonly at?: TimeInput
  readonly tz?: string
  readonly id?: string
}

/** @since 0.1.0 @category models */
export interface LatchDraft extends DraftCommon {
  readonly type: "latch"
  readonly durationSec: number
  readonly side: Side
}
/** Give `totalMl` or `totalFlOz` (and per side `leftMl`/`leftFlOz`, `rightMl`/`rightFlOz`); when only both sides are given the total is their sum. @since 0.1.0 @category models */
export interface PumpDraft extends DraftCommon {
  readonly type: "pump"
  readonly durationSec: number
  readonly method: PumpMethod
  readonly totalMl?: number
  readonly totalFlOz?: number
  readonly leftMl?: number
  readonly leftFlOz?: number
  readonly rightMl?: number
  readonly rightFlOz?: number
}
/** Give `ml` or `flOz`. @since 0.1.0 @category models */
export interface SupplementDraft extends DraftCommon {
  readonly type: "supplement"
  readonly ml?: number
  readonly flOz?: number
  readonly milk: Milk
  readonly via: Via
  readonly latch?: string
}
/** Give `grams`, or `lb` with optional `oz`. @since 0.1.0 @category models */
export interface WeighInDraft extends DraftCommon {
  readonly type: "weigh-in"
  readonly grams?: number
  readonly lb?: number
  readonly oz?: number
  readonly clothed?: boolean
  readonly place?: Place
}
/** @since 0.1.0 @category models */
export interface MedicationDraft extends DraftCommon {
  readonly type: "medication"
  readonly name: string
  readonly dose?: number
  readonly unit?: string
}
/** @since 0.1.0 @category models */
export interface ChildDraft extends DraftCommon {
  readonly type: "child"
  readonly name: string
  readonly birthDate: string
  readonly sex?: Sex
}
/** @since 0.1.0 @category models */
export interface CaregiverDraft extends DraftCommon {
  readonly type: "caregiver"
  readonly name: string
}
/** @since 0.1.0 @category models */
export interface PlanDraft extends DraftCommon {
  readonly type: "plan"
  readonly targets?: PlanTargets
  readonly supplement?: SupplementSchedule
  readonly note?: string
}
/** @since 0.1.0 @category models */
export interface RetractDraft extends DraftCommon {
  readonly type: "retract"
  readonly target: string
  readonly reason?: string
}

/**
 * What an app passes to record an event.
 *
 * @since 0.1.0
 * @category models
 */
export type Draft =
  | LatchDraft
  | PumpDraft
  | SupplementDraft
  | WeighInDraft
  | MedicationDraft
  | ChildDraft
  | CaregiverDraft
  | PlanDraft
  | RetractDraft

/**
 * The draft of a given type, without its `type` (for the per-type constructors).
 *
 * @since 0.1.0
 * @category models
 */
export type DraftOf<T extends EventType> = Omit<Extract<Draft, { readonly type: T }>, "type">

/**
 * The event a draft of type `T` becomes.
 *
 * @since 0.1.0
 * @category models
 */
export type EventFor<D extends Draft> = EventOf<D["type"]>

/**
 * Where "now" and randomness come from in the non-Effect constructors. Defaults: `Date.now` and
 * `Math.random`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entropy {
  readonly now?: () => number
  readonly random?: () => number
}

const toIso = (time: TimeInput): string | undefined => {
  if (typeof time === "string") return time
  const ms = typeof time === "number" ? time : time.getTime()
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined
}

const conflict = (type: string, a: string, b: string): InvalidEvent =>
  new InvalidEvent({
    type,
    problems: [{ path: [a], message: `give either ${a} or ${b}, not both`, code: "either" }]
  })

// Pure: turns a draft plus "now" and an id into the raw wire object, then validates it.
const build = (
  draft: Draft,
  nowMs: number,
  newId: () => string
): Result.Result<EventFor<Draft>, InvalidEvent> => {
  const { type, at, id, ...rest } = draft as Draft & Record<string, unknown>
  const now = new Date(nowMs).toISOString()
  const atIso = at === undefined ? now : toIso(at)
  if (atIso === undefined) {
    return Result.fail(
      new InvalidEvent({
        type,
        problems: [{ path: ["at"], message: "must be a valid time", code: "format" }]
      })
    )
  }
  const fields: Record<string, unknown> = { ...rest }
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key]
  const imperial = (mlKey: string, ozKey: string): InvalidEvent | undefined => {
    if (fields[ozKey] === undefined) return undefined
    if (fields[mlKey] !== undefined) return conflict(type, mlKey, ozKey)
    const oz = fields[ozKey]
    delete fields[ozKey]
    fields[mlKey] = typeof oz === "number" ? mlFromFlOz(oz) : oz
    return undefined
  }
  if (type === "supplement") {
    const e = imperial("ml", "flOz")
    if (e) return Result.fail(e)
  }
  if (type === "pump") {
    for (const [ml, oz] of [
      ["totalMl", "totalFlOz"],
      ["leftMl", "leftFlOz"],
      ["rightMl", "rightFlOz"]
    ] as const) {
      const e = imperial(ml, oz)
      if (e) return Result.fail(e)
    }
    const { leftMl, rightMl } = fields
    if (fields.totalMl === undefined && typeof leftMl === "number" && typeof rightMl === "number") {
      fields.totalMl = Math.round((leftMl + rightMl) * 10) / 10
    }
  }
  if (type === "weigh-in" && (fields.lb !== undefined || fields.oz !== undefined)) {
    if (fields.grams !== undefined) return Result.fail(conflict(type, "grams", "lb"))
    const { lb, oz } = fields
    delete fields.lb
    delete fields.oz
    fields.grams =
      typeof lb === "number" && (oz === undefined || typeof oz === "number")
        ? gramsFromLbOz(lb, oz ?? 0)
        : Number.NaN
  }
  const raw = { id: id ?? newId(), type, v: CURRENT_VERSION, ...fields, at: atIso, recordedAt: now }
  // Re-encoded so every event an app makes has its fields in the documented order.
  return Result.map(validateEvent(raw), (event) => encodeEvent(event) as unknown as EventFor<Draft>)
}

/**
 * Makes an event from a draft, with `id` and `recordedAt` (and `at` when omitted) from Effect's
 * `Clock` and `Random` services.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <D extends Draft>(draft: D): Effect.Effect<EventFor<D>, InvalidEvent> =>
  Effect.gen(function* () {
    const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    const randoms: Array<number> = []
    for (let i = 0; i < 5; i++) randoms.push(yield* Random.next)
    let i = 0
    const result = build(draft, now, () => uuidv7From(now, () => randoms[i++] ?? 0))
    return yield* Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(result.failure)
  }) as Effect.Effect<EventFor<D>, InvalidEvent>

/**
 * Makes an event from a draft without Effect: throws {@link InvalidEvent} (an `Error` with
 * `_tag: "InvalidEvent"`) on invalid input. `now` and `random` may be injected for tests.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSync = <D extends Draft>(draft: D, entropy: Entropy = {}): EventFor<D> => {
  const now = (entropy.now ?? Date.now)()
  const result = build(draft, now, () => uuidv7From(now, entropy.random ?? Math.random))
  if (Result.isFailure(result)) throw result.failure
  return result.success as EventFor<D>
}

const typed =
  <T extends EventType>(type: T) =>
  (draft: DraftOf<T>): Effect.Effect<EventOf<T>, InvalidEvent> =>
    make({ ...draft, type } as unknown as Draft) as unknown as Effect.Effect<EventOf<T>, InvalidEvent>

/** A nursing session. @since 0.1.0 @category constructors */
export const latch = typed("latch")
/** A pumping or hand-expression session. @since 0.1.0 @category constructors */
export const pump = typed("pump")
/** A supplement feed. @since 0.1.0 @category constructors */
export const supplement = typed("supplement")
/** A weigh-in. @since 0.1.0 @category constructors */
export const weighIn = typed("weigh-in")
/** A medication taken by the nursing parent. @since 0.1.0 @category constructors */
export const medication: (draft: DraftOf<"medication">) => Effect.Effect<Medication, InvalidEvent> =
  typed("medication")
/** A child profile. @since 0.1.0 @category constructors */
export const childProfile = typed("child")
/** A caregiver profile. @since 0.1.0 @category constructors */
export const caregiverProfile = typed("caregiver")
/** A relactation plan (targets and a supplement schedule). @since 0.1.0 @category constructors */
export const plan = typed("plan")
/** A retraction of an earlier event. @since 0.1.0 @category constructors */
export const retract = typed("retract")
