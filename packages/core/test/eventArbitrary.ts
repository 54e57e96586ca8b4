// fast-check generators of valid wire-format v1 events, one per type, for the schema tests.
import fc from "fast-check"
import { type Event, uuidv7From } from "@relactation/core"

const MIN = Date.UTC(2024, 0, 1)
const MAX = Date.UTC(2030, 0, 1)

export const eventId = fc
  .tuple(
    fc.integer({ min: MIN, max: MAX }),
    fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 5, maxLength: 5 })
  )
  .map(([ms, r]) => {
    let i = 0
    return uuidv7From(ms, () => r[i++] ?? 0)
  })
export const entityId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)
export const instant = fc.integer({ min: MIN, max: MAX }).map((ms) => new Date(ms).toISOString())
const zone = fc.constantFrom(
  "Europe/Berlin",
  "America/New_York",
  "Asia/Kathmandu",
  "UTC",
  "Australia/Lord_Howe"
)
const words = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,30}[A-Za-z0-9]$/)
const ml = (min: number, max: number) =>
  fc.integer({ min: Math.ceil(min * 10), max: max * 10 }).map((n) => n / 10)

const common = fc.record(
  {
    id: eventId,
    v: fc.constant(1 as const),
    child: entityId,
    by: entityId,
    at: instant,
    recordedAt: instant,
    tz: zone
  },
  { requiredKeys: ["id", "v", "child", "by", "at", "recordedAt"] }
)

const withCommon = <T extends Record<string, unknown>>(
  type: string,
  fields: fc.Arbitrary<T>
): fc.Arbitrary<Event> => fc.tuple(common, fields).map(([c, f]) => ({ ...c, type, ...f }) as unknown as Event)

export const latch = withCommon(
  "latch",
  fc.record({
    durationSec: fc.integer({ min: 1, max: 14_400 }),
    side: fc.constantFrom("left", "right", "both")
  })
)
export const pump = withCommon(
  "pump",
  fc
    .record({
      durationSec: fc.integer({ min: 1, max: 14_400 }),
      method: fc.constantFrom("electric", "manual", "hand"),
      left: fc.option(ml(0, 500), { nil: undefined }),
      right: fc.option(ml(0, 500), { nil: undefined }),
      total: ml(0, 1000)
    })
    .map(({ left, right, total, ...rest }) => ({
      ...rest,
      totalMl: left !== undefined && right !== undefined ? Math.round((left + right) * 10) / 10 : total,
      ...(left === undefined ? {} : { leftMl: left }),
      ...(right === undefined ? {} : { rightMl: right })
    }))
)
export const supplement = withCommon(
  "supplement",
  fc.record(
    {
      ml: ml(0.1, 500),
      milk: fc.constantFrom("formula", "expressed", "donor"),
      via: fc.constantFrom("bottle", "cup", "syringe", "spoon", "finger", "sns"),
      latch: eventId
    },
    { requiredKeys: ["ml", "milk", "via"] }
  )
)
export const weighIn = withCommon(
  "weigh-in",
  fc.record(
    {
      grams: fc.integer({ min: 300, max: 30_000 }),
      clothed: fc.boolean(),
      place: fc.constantFrom("home", "clinic")
    },
    { requiredKeys: ["grams"] }
  )
)
export const medication = withCommon(
  "medication",
  fc.record(
    { name: words, dose: fc.integer({ min: 1, max: 1000 }), unit: fc.constantFrom("mg", "capsule", "ml") },
    { requiredKeys: ["name"] }
  )
)
export const child = withCommon(
  "child",
  fc.record(
    {
      name: words,
      birthDate: fc.integer({ min: MIN, max: MAX }).map((ms) => new Date(ms).toISOString().slice(0, 10)),
      sex: fc.constantFrom("female", "male")
    },
    { requiredKeys: ["name", "birthDate"] }
  )
)
export const caregiver = withCommon("caregiver", fc.record({ name: words }))
export const retract = withCommon(
  "retract",
  fc.record({ target: eventId, reason: words }, { requiredKeys: ["target"] })
)

const date = fc
  .integer({ min: 0, max: 3650 })
  .map((d) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10))
export const plan = withCommon(
  "plan",
  fc.record(
    {
      targets: fc.record(
        {
          latches: fc.integer({ min: 0, max: 30 }),
          nightLatches: fc.integer({ min: 0, max: 30 }),
          latchMinutes: ml(0, 1440),
          pumps: fc.integer({ min: 0, max: 30 }),
          pumpedMl: ml(0, 5000)
        },
        { requiredKeys: ["latches"] }
      ),
      supplement: fc
        .record(
          {
            startMl: ml(0, 2000),
            stepMl: ml(0.1, 2000),
            everyDays: fc.integer({ min: 1, max: 60 }),
            from: date,
            floor: fc.double({ min: 0, max: 1, noNaN: true }),
            holdBelowGramsPerDay: ml(-500, 500)
          },
          { requiredKeys: ["startMl", "stepMl", "everyDays", "floor"] }
        )
        .map(({ floor, ...s }) =>
          floor < 0.5 ? s : { ...s, minimumMl: Math.floor(s.startMl * floor * 10) / 10 }
        ),
      note: words
    },
    { requiredKeys: ["targets"] }
  )
)
export const byType = {
  latch,
  pump,
  supplement,
  "weigh-in": weighIn,
  medication,
  child,
  caregiver,
  plan,
  retract
}
export const anyEvent = fc.oneof(...Object.values(byType))

/** The seed of a property run: the run's `FC_SEED`, printed with the property's name. */
export { seedFor as seed } from "@relactation/testkit"
