// The report reads the child's name from the latest profile itself (core exposes birth date and
// sex through weightTrend, not the name). This checks that it picks the very profile core picks,
// whatever the order, the duplicates, the ties in `at` and the retractions (of retractions too).
import { type Event, makeSync, weightTrend } from "@relactation/core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { latestChildProfile } from "../src/internal/ChildProfile.js"

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
console.log(`fast-check seed ${seed} (replay with FC_SEED=${seed})`)
const numRuns = Number(process.env.FC_RUNS ?? 200)

const profilesAndRetractions = fc
  .record({
    ats: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 6 }),
    retractions: fc.array(fc.nat(20), { maxLength: 5 }),
    meta: fc.array(fc.nat(20), { maxLength: 2 }),
    order: fc.array(fc.nat(), { maxLength: 40 }),
    salt: fc.nat(1_000_000)
  })
  .map(({ ats, retractions, meta, order, salt }) => {
    let n = 0
    const stamp = () => {
      n++
      const k = n
      return {
        now: () => Date.parse("2027-01-01T00:00:00Z") + k * 1000,
        random: () => ((k * 7919 + salt) % 10007) / 10007
      }
    }
    const profiles: Array<Event> = ats.map((a, i) =>
      makeSync(
        {
          type: "child",
          child: "baby",
          by: "parent-a",
          at: `2027-01-0${a + 1}T08:00:00.000Z`,
          name: `Name ${i}`,
          birthDate: `2026-12-${String(i + 10).padStart(2, "0")}`,
          sex: i % 2 === 0 ? "female" : "male"
        },
        stamp()
      )
    )
    const undo: Array<Event> = []
    for (const r of retractions) {
      const target = profiles[r % Math.max(1, profiles.length)]
      if (target !== undefined) {
        undo.push(
          makeSync(
            {
              type: "retract",
              child: "baby",
              by: "parent-b",
              at: "2027-01-05T00:00:00.000Z",
              target: target.id
            },
            stamp()
          )
        )
      }
    }
    // Retractions of retractions, which are ignored.
    for (const m of meta) {
      const target = undo[m % Math.max(1, undo.length)]
      if (target !== undefined) {
        undo.push(
          makeSync(
            {
              type: "retract",
              child: "baby",
              by: "parent-b",
              at: "2027-01-06T00:00:00.000Z",
              target: target.id
            },
            stamp()
          )
        )
      }
    }
    const all = [...profiles, ...undo]
    const shuffled = [...all]
    if (shuffled.length > 0)
      order.forEach((o, i) => {
        const j = o % shuffled.length
        const k = i % shuffled.length
        ;[shuffled[j], shuffled[k]] = [shuffled[k]!, shuffled[j]!]
        if (o % 5 === 0) shuffled.push(shuffled[j]!)
      })
    return shuffled
  })

describe("latestChildProfile", () => {
  it("picks the profile weightTrend picks", () => {
    fc.assert(
      fc.property(profilesAndRetractions, (entries) => {
        const core = weightTrend(entries, { child: "baby" })
        const ours = latestChildProfile(entries, "baby")
        expect(ours?.birthDate).toBe(core.birthDate)
        expect(ours?.sex).toBe(core.sex)
      }),
      { seed, numRuns }
    )
  })
})
