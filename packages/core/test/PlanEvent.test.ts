// The plan event: every rule of issue 15's "Bad input" with its message naming the field, nothing
// made when invalid, the latest plan wins with fall-back on retraction, and an older decoder (one
// without plan@1) keeps a plan entry as unknown.
import { describe, expect, it } from "vitest"
import { current, decodeEntry, eventVersions, InvalidEvent, makeSync, type Plan } from "@relactation/core"
import { makeEntryDecoder } from "../src/internal/Decoder.js"
import { ev } from "./arbitraries.js"

const base = { type: "plan", child: "baby-1", by: "parent-a" } as const
const schedule = { startMl: 300, stepMl: 30, everyDays: 3 }
const problem = (draft: object): string => {
  try {
    makeSync({ ...base, ...draft } as Parameters<typeof makeSync>[0])
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidEvent)
    return (e as InvalidEvent).message
  }
  throw new Error("expected the plan to be refused")
}

describe("plan event", () => {
  it("a valid plan: targets, a schedule with a hold and a floor, a note", () => {
    const plan = makeSync({
      ...base,
      targets: { latches: 10, nightLatches: 2, latchMinutes: 150, pumps: 4, pumpedMl: 60 },
      supplement: { ...schedule, from: "2027-03-02", minimumMl: 60, holdBelowGramsPerDay: 20 },
      note: "from the consultant, 2027-03-02"
    })
    expect(plan).toMatchObject({ type: "plan", v: 1, targets: { latches: 10 }, supplement: { stepMl: 30 } })
    expect(decodeEntry(JSON.parse(JSON.stringify(plan)))).toEqual(plan)
  })

  it.each([
    [{ targets: { latches: -1 } }, "plan.targets.latches: must be between 0 and 30 (got -1)"],
    [{ targets: { pumpedMl: -5 } }, "plan.targets.pumpedMl: must be between 0 and 5000 (got -5)"],
    [{ targets: { latches: 2.5 } }, "plan.targets.latches: must be a whole number (got 2.5)"],
    [{ targets: {} }, "plan.targets: must name at least one target"],
    [
      { supplement: { ...schedule, stepMl: 0 } },
      "plan.supplement.stepMl: must be more than 0 and at most 2000 (got 0)"
    ],
    [
      { supplement: { ...schedule, everyDays: 0 } },
      "plan.supplement.everyDays: must be between 1 and 60 (got 0)"
    ],
    [{ supplement: { stepMl: 30, everyDays: 3 } }, "plan.supplement.startMl: is required"],
    [
      { supplement: { ...schedule, startMl: 2500 } },
      "plan.supplement.startMl: must be between 0 and 2000 (got 2500)"
    ],
    [
      { supplement: { ...schedule, minimumMl: 400 } },
      "plan.supplement.minimumMl: must be at most startMl (got 400)"
    ],
    [
      { supplement: { ...schedule, from: "2027-02-30" } },
      "plan.supplement.from: must be a real date written YYYY-MM-DD"
    ],
    [{ note: "x" }, "plan.targets: a plan needs targets, a supplement schedule, or both"]
  ])("refuses %j: %s", (draft, message) => {
    expect(problem(draft)).toBe(message)
  })

  it("messages never echo the note", () => {
    expect(problem({ targets: { latches: -1 }, note: " secret note " })).not.toContain("secret")
  })

  it("the latest plan by (at, id) is in force; retracting it brings the previous one back", () => {
    const first = ev({ type: "plan", at: "2027-06-01T08:00:00Z", targets: { latches: 8 } }) as Plan
    const second = ev({ type: "plan", at: "2027-06-02T08:00:00Z", targets: { latches: 10 } }) as Plan
    const undo = ev({ type: "retract", at: "2027-06-03T08:00:00Z", target: second.id })
    expect(current([second, first]).plans.get("baby")).toBe(second)
    expect(current([undo, second, first]).plans.get("baby")).toBe(first)
  })

  it("an older decoder, without plan@1, keeps a plan entry as unknown", () => {
    const { "plan@1": _, ...older } = eventVersions
    const decode = makeEntryDecoder(older)
    const raw = JSON.parse(JSON.stringify(makeSync({ ...base, targets: { latches: 8 } })))
    expect(decode(raw)).toEqual({ _tag: "UnknownEntry", id: raw.id, type: "plan", v: 1, raw })
    expect(decodeEntry(raw)).toEqual(raw)
  })
})
