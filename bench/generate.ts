/**
 * A seeded generator of realistic family logs: one baby, two caregivers on two phones, 30–40 events
 * a day (latches, pumps, supplements, galactagogues, weekly weigh-ins, a few retractions with their
 * corrected entries) over N days. The same seed gives the same log, byte for byte; any range of days
 * can be generated on its own (each day has its own seeded stream), so a log can be extended.
 * Exported for the reliability suite as well.
 */
import { type Draft, type Event, makeSync } from "@relactation/core"
import { prng } from "@relactation/testkit"

/** Options of {@link generateLog}. */
export interface GenerateOptions {
  /** Number of days to generate. */
  readonly days: number
  readonly seed?: number
  /** First day to generate, counted from the birth day (to extend a log). Default 0. */
  readonly fromDay?: number
  /** Local midnight of day 0 as epoch ms; default 2026-01-05 in Europe/Berlin (23:00Z the day before). */
  readonly startMs?: number
}

/** A generated family log. */
export interface FamilyLog {
  readonly events: Array<Event>
  readonly timeZone: string
  readonly child: string
  readonly caregivers: readonly [string, string]
  readonly birthDate: string
  readonly sex: "female" | "male"
  readonly days: number
}

/** Zone the generated family lives in (one DST switch each spring and autumn). */
export const TIME_ZONE = "Europe/Berlin"
export const CHILD = "child-1"
export const NURSING_PARENT = "caregiver-a"
export const OTHER_PARENT = "caregiver-b"
const DEFAULT_START = Date.UTC(2026, 0, 4, 23, 0, 0)
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const int = (random: () => number, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1))
const pick = <T>(random: () => number, items: ReadonlyArray<T>): T =>
  items[Math.floor(random() * items.length)]!
const round1 = (n: number): number => Math.round(n * 10) / 10

/** Expected weight in grams on a day: birth weight, a dip in week one, then WHO-like gain. */
const weightOn = (day: number): number => {
  const birth = 3400
  if (day < 5) return birth - day * 50
  if (day < 12) return birth - 250 + (day - 5) * 36
  const weeks = (day - 12) / 7
  // ~200 g/week early, falling to ~60 g/week after six months, ~15 g/week in later years.
  const gain =
    200 * Math.min(weeks, 17) +
    110 * Math.max(0, Math.min(weeks, 26) - 17) +
    60 * Math.max(0, Math.min(weeks, 52) - 26) +
    15 * Math.max(0, weeks - 52)
  return Math.min(29_000, Math.round(birth + gain))
}

interface Planned {
  readonly at: number
  readonly draft: Draft
}

const planDay = (day: number, startMs: number, random: () => number): Array<Planned> => {
  const midnight = startMs + day * DAY
  const plan: Array<Planned> = []
  const at = (minFrom: number, minTo: number) =>
    midnight + int(random, minFrom, minTo) * MINUTE + int(random, 0, 59) * 1000
  // Supply comes back over ~4 months; supplement is reduced as it does, then kept small.
  const supply = Math.min(1, day / 120)
  const common = { child: CHILD }

  // Latches: 11–15 a day, about 2 at night (22:00–06:00 local), 5–25 minutes.
  const latches: Array<{ at: number; id: number }> = []
  const latchCount = int(random, 11, 15)
  for (let i = 0; i < latchCount; i++) {
    const night = i < 2
    const t = night ? at(0, 5 * 60) : at(6 * 60, 21 * 60 + 50)
    latches.push({ at: t, id: plan.length })
    plan.push({
      at: t,
      draft: {
        ...common,
        by: NURSING_PARENT,
        type: "latch",
        durationSec: int(random, 300, 1500),
        side: pick(random, ["left", "right", "both"] as const)
      }
    })
  }
  // Pumps: 5–8 a day, 0 ml is common early on (stimulation counts).
  const pumpCount = int(random, 5, 8)
  for (let i = 0; i < pumpCount; i++) {
    const total = random() < 0.3 * (1 - supply) ? 0 : round1(random() * (5 + 60 * supply))
    const perSide = random() < 0.5
    const left = round1(total * (0.4 + random() * 0.2))
    const draft: Draft = perSide
      ? {
          ...common,
          by: NURSING_PARENT,
          type: "pump",
          durationSec: int(random, 600, 1200),
          method: pick(random, ["electric", "manual"] as const),
          leftMl: left,
          rightMl: round1(total - left)
        }
      : {
          ...common,
          by: NURSING_PARENT,
          type: "pump",
          durationSec: int(random, 300, 1200),
          method: pick(random, ["electric", "manual", "hand"] as const),
          totalMl: total
        }
    plan.push({ at: at(0, 24 * 60 - 20), draft })
  }
  // Supplements: 9–12 a day, ~40% through an SNS during a latch, shrinking from ~60 ml to ~10 ml.
  const supplementCount = int(random, 9, 12)
  for (let i = 0; i < supplementCount; i++) {
    const ml = Math.max(5, Math.round((60 - 50 * supply) * (0.7 + random() * 0.6)))
    const milk = pick(random, ["formula", "formula", "expressed", "donor"] as const)
    const latch = random() < 0.4 ? latches[int(random, 0, latches.length - 1)] : undefined
    plan.push(
      latch !== undefined
        ? { at: latch.at, draft: { ...common, by: OTHER_PARENT, type: "supplement", ml, milk, via: "sns" } }
        : {
            at: at(0, 24 * 60 - 20),
            draft: {
              ...common,
              by: pick(random, [NURSING_PARENT, OTHER_PARENT]),
              type: "supplement",
              ml,
              milk,
              via: pick(random, ["bottle", "cup", "syringe", "finger"] as const)
            }
          }
    )
  }
  // Galactagogues: domperidone three times a day, fenugreek now and then.
  for (const hour of [8, 14, 20]) {
    plan.push({
      at: midnight + hour * HOUR + int(random, 0, 40) * MINUTE,
      draft: { ...common, by: NURSING_PARENT, type: "medication", name: "domperidone", dose: 10, unit: "mg" }
    })
  }
  if (random() < 0.5) {
    plan.push({
      at: at(7 * 60, 21 * 60),
      draft: { ...common, by: NURSING_PARENT, type: "medication", name: "fenugreek", dose: 610, unit: "mg" }
    })
  }
  // Weekly weigh-in, every fourth one at the clinic.
  if (day % 7 === 3) {
    const clinic = day % 28 === 3
    plan.push({
      at: at(9 * 60, 11 * 60),
      draft: {
        ...common,
        by: OTHER_PARENT,
        type: "weigh-in",
        grams: weightOn(day) + int(random, -30, 30),
        clothed: !clinic,
        place: clinic ? "clinic" : "home"
      }
    })
  }
  return plan
}

/**
 * Generates a family log: events in the order the phones recorded them (`recordedAt`), as valid
 * wire-format v1 events made by `makeSync`.
 */
export const generateLog = (options: GenerateOptions): FamilyLog => {
  const { days, seed = 1, fromDay = 0, startMs = DEFAULT_START } = options
  const events: Array<Event> = []
  const make = (draft: Draft, at: number, recordedAt: number, random: () => number): Event => {
    const event = makeSync({ ...draft, at: new Date(at).toISOString() } as Draft, {
      now: () => recordedAt,
      random
    })
    events.push(event)
    return event
  }
  for (let day = fromDay; day < fromDay + days; day++) {
    // Each day its own stream (the seed salted with the day), so any range of days can be generated.
    const random = prng(seed, day)
    if (day === 0) {
      const t = startMs + 10 * HOUR
      make(
        {
          type: "child",
          child: CHILD,
          by: NURSING_PARENT,
          name: "Mila",
          birthDate: "2026-01-05",
          sex: "female"
        },
        t,
        t,
        random
      )
      make({ type: "caregiver", child: CHILD, by: NURSING_PARENT, name: "Sam" }, t, t + 1000, random)
      make({ type: "caregiver", child: CHILD, by: OTHER_PARENT, name: "Alex" }, t, t + 2000, random)
    }
    const plan = planDay(day, startMs, random)
    // Each entry is recorded a little after it happened; 5% hours later (a phone was offline or
    // someone caught up on logging in the evening).
    const recorded = plan.map((p) => ({
      ...p,
      recordedAt: p.at + (random() < 0.05 ? int(random, 1, 6) * HOUR : int(random, 10, 900) * 1000)
    }))
    recorded.sort((a, b) => a.recordedAt - b.recordedAt)
    const latchIds = new Map<number, string>()
    for (const p of recorded) {
      let draft = p.draft
      if (draft.type === "supplement" && draft.via === "sns") {
        // Names the latch it was given during, when that latch was already recorded.
        const latch = latchIds.get(p.at)
        if (latch !== undefined) draft = { ...draft, latch }
      }
      const event = make(draft, p.at, p.recordedAt, random)
      if (event.type === "latch") latchIds.set(p.at, event.id)
      // About one entry in ninety is a mistake: retracted a few minutes later, then re-entered.
      if (random() < 1 / 90 && event.type !== "retract") {
        const fixAt = p.recordedAt + int(random, 60, 600) * 1000
        make(
          { type: "retract", child: CHILD, by: event.by, target: event.id, reason: "wrong entry" },
          fixAt,
          fixAt,
          random
        )
        make(draft, p.at, fixAt + 5000, random)
      }
    }
  }
  return {
    events,
    timeZone: TIME_ZONE,
    child: CHILD,
    caregivers: [NURSING_PARENT, OTHER_PARENT],
    birthDate: "2026-01-05",
    sex: "female",
    days
  }
}

/** Days in one year and ten years, the two sizes every figure reports. */
export const ONE_YEAR = 365
export const TEN_YEARS = 3652
