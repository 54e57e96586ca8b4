// Shared by the sealed-log tests: keys for a log, a family's realistic events of every type (with
// the names, medication names and decimal ml values the "nothing readable" scans look for).
import { type Draft, type Event, makeSync } from "@relactation/core"
import { Result } from "effect"
import { type FamilyKey, generateFamilyKey, parseFamilyKey } from "../src/FamilyKey.js"
import { deriveLogKeys, type EpochSecret, type LogKeys } from "../src/internal/LogKeys.js"

export const LOG_ID = "family-7f3a9c21"

export const familyKey = (text = generateFamilyKey()): FamilyKey => {
  const result = parseFamilyKey(text)
  if (Result.isFailure(result)) throw result.failure
  return result.success
}

export const keysFor = (
  logId = LOG_ID,
  key: FamilyKey = familyKey(),
  later: ReadonlyArray<EpochSecret> = []
): Promise<LogKeys> => deriveLogKeys(logId, key, later)

/** What a caregiver typed or measured: none of it may be readable in a sealed document. */
export const SECRETS = {
  caregivers: ["Alexandra", "Samuel"],
  child: "Mila Rose",
  medications: ["domperidone", "fenugreek"],
  ml: ["37.5", "42.5", "12.5"],
  reason: "wrong side"
} as const

const at = (minutes: number) =>
  new Date(Date.parse("2027-03-28T01:30:00.000Z") + minutes * 60_000).toISOString()

/** One realistic event of every type (one supplement per decimal ml value). */
export const familyEvents = (): Array<Event> => {
  let n = 0
  const make = (draft: Readonly<Record<string, unknown>>, by = "caregiver-a"): Event => {
    n++
    const time = at(n * 17)
    return makeSync({ ...draft, child: "child-1", by, at: time } as unknown as Draft, {
      now: () => Date.parse(time) + 60_000,
      random: () => ((n * 7919) % 10007) / 10007
    })
  }
  const latch = make({ type: "latch", durationSec: 900, side: "left" })
  return [
    make({ type: "child", name: SECRETS.child, birthDate: "2027-02-14", sex: "female" }),
    make({ type: "caregiver", name: SECRETS.caregivers[0] }),
    make({ type: "caregiver", name: SECRETS.caregivers[1] }, "caregiver-b"),
    latch,
    make({ type: "pump", durationSec: 1200, method: "electric", totalMl: 42.5 }),
    make({ type: "supplement", ml: 37.5, milk: "formula", via: "sns", latch: latch.id }, "caregiver-b"),
    make({ type: "supplement", ml: 12.5, milk: "expressed", via: "syringe" }),
    make({ type: "weigh-in", grams: 3650, clothed: false, place: "clinic" }),
    make({ type: "medication", name: SECRETS.medications[0], dose: 10, unit: "mg" }),
    make({ type: "medication", name: SECRETS.medications[1], dose: 610, unit: "mg" }),
    make({ type: "retract", target: latch.id, reason: SECRETS.reason })
  ]
}
