// The plan in the PDF: the plan in force on the first day and its change within the period, said in
// words, how the days kept to it, and each day's supplement ceiling in the table, all from core's
// planProgress.
import { type Event, flOzFromMl, makeSync, planProgress } from "@relactation/core"
import { pdfReport, reportData } from "@relactation/report"
import { describe, expect, it } from "vitest"
import { pdfText, save, sixtyDays } from "./support.js"

const log = sixtyDays()
const stamp = (iso: string) => ({ now: () => Date.parse(iso) + 1000, random: () => 0.5 })
const first = makeSync(
  {
    type: "plan",
    child: log.child,
    by: "caregiver-a",
    at: "2026-01-05T09:00:00.000Z",
    targets: { latches: 12, nightLatches: 2, pumps: 6 },
    supplement: { startMl: 600, stepMl: 30, everyDays: 3, minimumMl: 200 },
    note: "from the consultant, 2026-01-05"
  },
  stamp("2026-01-05T09:00:00Z")
)
const second = makeSync(
  {
    type: "plan",
    child: log.child,
    by: "caregiver-b",
    at: "2026-02-01T09:00:00.000Z",
    targets: { latches: 13 },
    supplement: { startMl: 450, stepMl: 20, everyDays: 4 }
  },
  stamp("2026-02-01T09:00:00Z")
)
const events: Array<Event> = [...log.events, first, second]
const options = { timeZone: log.timeZone, generatedAt: "2026-03-06T08:00:00Z" }

const ceilingColumn = (text: string): Map<string, string> =>
  new Map(
    text
      .split("\f")
      .slice(1)
      .flatMap((page) => page.split("\n"))
      .flatMap((line) => {
        const tokens = line.trim().split(/\s+/)
        return /^\d{4}-\d{2}-\d{2}$/.test(tokens[0] ?? "") && tokens.length >= 19
          ? [[tokens[0]!, tokens[18]!] as const]
          : []
      })
  )

describe("the plan in the PDF", () => {
  it("says the plan in force and its change, and how the days kept to it", async () => {
    const text = (await pdfText(save("plan.pdf", pdfReport(events, options)))).replace(/\s*\n\s*/g, " ")
    expect(text).toContain("In force from 2026-01-05 (entered by Sam)")
    expect(text).toContain("Daily targets: 12 latches, 2 at night, 6 pumps.")
    expect(text).toContain("Supplement ceiling: 600 ml a day, 30 ml less every 3 days, not below 200 ml.")
    expect(text).toContain("Note: from the consultant, 2026-01-05")
    expect(text).toContain("Changed on 2026-02-01 (entered by Alex)")
    const days = planProgress(events, { timeZone: log.timeZone, child: log.child }).days
    const logged = days.filter((d) => d.logged)
    const latchesMet = logged.filter((d) => d.targets.latches?.met === true).length
    const within = logged.filter((d) => d.supplement.withinCeiling === true).length
    const withCeiling = logged.filter((d) => d.supplement.withinCeiling !== undefined).length
    expect(text).toContain(`Targets met: latches on ${latchesMet} of ${logged.length} days`)
    expect(text).toContain(`Supplement at or under the plan's ceiling on ${within} of ${withCeiling} days.`)
  })

  it("shows each day's ceiling from planProgress in the table, in the family's unit", async () => {
    const from = "2026-01-20"
    const to = "2026-02-10"
    const units = { volume: "fl-oz" } as const
    const text = await pdfText(save("plan-period.pdf", pdfReport(events, { ...options, from, to, units })))
    const column = ceilingColumn(text)
    const expected = planProgress(events, { timeZone: log.timeZone, child: log.child }).days.filter(
      (d) => d.date >= from && d.date <= to
    )
    expect([...column.keys()]).toEqual(expected.map((d) => d.date))
    for (const d of expected)
      expect(Number(column.get(d.date)), d.date).toBe(flOzFromMl(d.supplement.ceilingMl!))
    // The plan set before the period is "in force from" its date; the change is within it.
    const plans = reportData(events, { ...options, from, to }).plans
    expect(plans.map((p) => [p.date, p.atStart])).toEqual([
      ["2026-01-05", true],
      ["2026-02-01", false]
    ])
    expect(reportData(events, { ...options, from: "2026-02-05", to }).plans.map((p) => p.date)).toEqual([
      "2026-02-01"
    ])
  })

  it("gives the days after the last logged day of the period their ceiling too", () => {
    const last = reportData(events, options).to
    const to = new Date(Date.parse(`${last}T12:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10)
    const days = reportData(events, { ...options, to }).days
    const expected = planProgress(events, { timeZone: log.timeZone, child: log.child, through: to }).days
    const after = days.filter((d) => d.date > last)
    expect(after.map((d) => d.date)).toHaveLength(3)
    for (const d of after) {
      expect(d.totals, d.date).toBeUndefined()
      expect(d.plan?.supplement.ceilingMl, d.date).toBe(
        expected.find((e) => e.date === d.date)?.supplement.ceilingMl
      )
      expect(d.plan?.supplement.ceilingMl, d.date).toBeGreaterThan(0)
    }
  })

  it("says so when no plan was in force", async () => {
    const text = await pdfText(save("no-plan.pdf", pdfReport(log.events, options)))
    expect(text).toContain("No plan was in force in this period.")
    expect([...ceilingColumn(text).values()].every((c) => c === "-")).toBe(true)
  })
})
