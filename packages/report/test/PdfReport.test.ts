// The PDF read back as a person's viewer reads it (poppler): it opens, has the pages the layout
// promises, renders to images, and the numbers in its daily table are core's dailyTotals for
// those days, in the family's units.
import { readFileSync } from "node:fs"
import {
  type DailyTotalsOptions,
  type DayTotals,
  dailyTotals,
  type Event,
  flOzFromMl,
  formatWeight,
  type VolumeUnit,
  type WeightUnit,
  weightTrend
} from "@relactation/core"
import { InvalidReportOptions, NOT_ADVICE, pdfReport } from "@relactation/report"
import { describe, expect, it } from "vitest"
import { pdfImages, pdfInfo, pdfText, save, sixtyDays } from "./support.js"

const log = sixtyDays()
const generatedAt = "2026-03-06T08:00:00Z"

const expectedCells = (d: DayTotals, volume: VolumeUnit): Array<number> => {
  const v = (ml: number) => (volume === "ml" ? Math.round(ml * 10) / 10 : flOzFromMl(ml))
  const r = (n: number) => Math.round(n * 10) / 10
  return [
    d.latches,
    d.nightLatches,
    r(d.latchMinutes),
    d.pumps,
    v(d.pumpedMl),
    v(d.supplementMl),
    v(d.supplementByMilk.formula),
    v(d.supplementByMilk.expressed),
    v(d.supplementByMilk.donor),
    v(d.supplementByVia.bottle),
    v(d.supplementByVia.cup),
    v(d.supplementByVia.syringe),
    v(d.supplementByVia.spoon),
    v(d.supplementByVia.finger),
    v(d.supplementByVia.sns),
    d.supplementsDuringLatch,
    d.medications
  ]
}

interface Row {
  readonly date: string
  readonly cells: Array<number> | "not logged"
  /** The plan's supplement ceiling of the day, "-" without one. */
  readonly ceiling: string
  readonly weights: Array<string>
}

// The rows of the daily table pages (every page after the first), as pdftotext lays them out.
const tableRows = (text: string): Array<Row> =>
  text
    .split("\f")
    .slice(1)
    .flatMap((page) => page.split("\n"))
    .flatMap((line): Array<Row> => {
      const m = /^(\d{4}-\d{2}-\d{2})\s+(.*)$/.exec(line.trim())
      if (m === null) return []
      const rest = m[2]!.trim()
      if (rest === "not logged") return [{ date: m[1]!, cells: "not logged", ceiling: "", weights: [] }]
      const tokens = rest.split(/\s+/)
      const weights = tokens.slice(18).join(" ")
      return [
        {
          date: m[1]!,
          cells: tokens.slice(0, 17).map(Number),
          ceiling: tokens[17]!,
          weights: weights === "" ? [] : weights.split(" / ")
        }
      ]
    })

const make = async (name: string, events: ReadonlyArray<Event>, options: Parameters<typeof pdfReport>[1]) => {
  const bytes = pdfReport(events, options)
  const path = save(name, bytes)
  return { bytes, path, info: await pdfInfo(path), text: await pdfText(path) }
}

describe("pdfReport of a generated 60-day log", () => {
  const projection: DailyTotalsOptions = { timeZone: log.timeZone }
  const days = dailyTotals(log.events, projection).days

  it("opens, has a first page and two table pages of 31 days, and renders to images", async () => {
    const { info, path } = await make("sixty.pdf", log.events, { timeZone: log.timeZone, generatedAt })
    expect(days).toHaveLength(60)
    expect(info.Pages).toBe("3")
    expect(info.Title).toBe(`Relactation record: Mila, ${days[0]!.date} to ${days[59]!.date}`)
    const pngs = await pdfImages(path, "sixty")
    expect(pngs).toHaveLength(3)
    const size = (png: string) => {
      const b = readFileSync(png)
      expect(b.subarray(1, 4).toString()).toBe("PNG")
      return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
    }
    const [first, table] = [size(pngs[0]!), size(pngs[1]!)]
    expect(first.height).toBeGreaterThan(first.width) // portrait summary and charts
    expect(table.width).toBeGreaterThan(table.height) // landscape table
  })

  it("shows in its daily table exactly core's dailyTotals of each day, and each day's weigh-ins", async () => {
    const { text } = await make("sixty-table.pdf", log.events, { timeZone: log.timeZone, generatedAt })
    const rows = tableRows(text)
    expect(rows.map((r) => r.date)).toEqual(days.map((d) => d.date))
    rows.forEach((row, i) => {
      expect(row.cells, row.date).toEqual(expectedCells(days[i]!, "ml"))
      expect(row.weights.length, row.date).toBe(days[i]!.weighIns)
    })
    const points = weightTrend(log.events, { child: log.child }).points
    expect(rows.flatMap((r) => r.weights)).toEqual(points.map((p) => formatWeight(p.grams, "g")))
    expect(text).toContain("Mila · born 2026-01-05 · female")
    expect(text.replace(/\s+/g, " ")).toContain(NOT_ADVICE)
    expect(text).toMatch(/Mean\/day\s/)
    // The medications line lists each kind with how often it was taken, as many as dailyTotals counts.
    const line = /Medications taken by the nursing parent, as logged: ([^.]*)\./.exec(
      text.replace(/\s*\n\s*/g, " ")
    )
    const times = [...line![1]!.matchAll(/(domperidone 10 mg|fenugreek 610 mg) × (\d+)/g)].map((m) =>
      Number(m[2])
    )
    expect(times.reduce((a, b) => a + b, 0)).toBe(days.reduce((n, d) => n + d.medications, 0))
    expect(line![1]).toMatch(/^domperidone 10 mg × \d+, fenugreek 610 mg × \d+$/)
  })

  it("uses the family's day start, units and period: fl oz, lb oz, days from 06:00", async () => {
    const options = { timeZone: log.timeZone, dayStartHour: 6 }
    const all = dailyTotals(log.events, options).days
    const from = all[10]!.date
    const to = all[40]!.date
    const units = { volume: "fl-oz" as VolumeUnit, weight: "lb-oz" as WeightUnit }
    const { info, text } = await make("fl-oz.pdf", log.events, { ...options, from, to, units, generatedAt })
    expect(info.Pages).toBe("2")
    const expected = all.slice(10, 41)
    const rows = tableRows(text)
    expect(rows.map((r) => r.date)).toEqual(expected.map((d) => d.date))
    rows.forEach((row, i) => {
      expect(row.cells, row.date).toEqual(expectedCells(expected[i]!, "fl-oz"))
      expect(row.weights.length).toBe(expected[i]!.weighIns)
      for (const w of row.weights) expect(w).toMatch(/^\d+ lb \d+(\.\d)? oz$/)
    })
    const all_weights = weightTrend(log.events)
      .points.map((p) => formatWeight(p.grams, "lb-oz"))
      .join("|")
    expect(all_weights).toContain(rows.flatMap((r) => r.weights).join("|"))
    expect(text).toContain("days start at 06:00 in Europe/Berlin")
    expect(text).toContain("Supplement per day (fl oz)")
  })

  it("marks days without entries as not logged rather than zero", async () => {
    const last = days[59]!.date
    const to = new Date(Date.parse(`${last}T00:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10)
    const { info, text } = await make("gap.pdf", log.events, { timeZone: log.timeZone, to, generatedAt })
    expect(info.Pages).toBe("4") // 63 days: three table pages
    const rows = tableRows(text)
    expect(rows).toHaveLength(63)
    expect(rows.slice(60).map((r) => r.cells)).toEqual(["not logged", "not logged", "not logged"])
    expect(text).toContain("(63 days, 60 with entries)")
  })

  it("gives the same bytes for the same log in any order, with duplicates", () => {
    const options = { timeZone: log.timeZone, generatedAt }
    const a = pdfReport(log.events, options)
    const shuffled = [...log.events].reverse()
    shuffled.splice(100, 0, ...log.events.slice(0, 50))
    expect(Buffer.from(pdfReport(shuffled, options)).equals(Buffer.from(a))).toBe(true)
    expect(
      Buffer.from(pdfReport(log.events, { ...options, generatedAt: "2026-03-07T08:00:00Z" })).equals(
        Buffer.from(a)
      )
    ).toBe(false)
  })
})

describe("pdfReport's bad options", () => {
  const base = { timeZone: log.timeZone, generatedAt }
  const error = (options: unknown): InvalidReportOptions => {
    try {
      pdfReport(log.events, options as Parameters<typeof pdfReport>[1])
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidReportOptions)
      expect((e as Error).message).not.toContain("Mila")
      return e as InvalidReportOptions
    }
    throw new Error("no error")
  }

  it("names the option and the rule", () => {
    expect(error({ ...base, from: "2026-02-10", to: "2026-02-01" }).message).toBe(
      "pdfReport: option to must not be before from (got 2026-02-01, from is 2026-02-10)"
    )
    expect(error({ ...base, timeZone: "Mars/Olympus" }).option).toBe("timeZone")
    expect(error({ ...base, timeZone: "Mars/Olympus" }).message).toContain(
      "option timeZone must be an IANA time zone name"
    )
    expect(error({ ...base, from: "2025-01-01", to: "2025-01-07" }).message).toBe(
      "pdfReport: option from and to must span at least one logged day (none from 2025-01-01 to 2025-01-07 for child-1)"
    )
    expect(error({ ...base, from: "2026-02-30" }).option).toBe("from")
    expect(error({ timeZone: log.timeZone }).option).toBe("generatedAt")
    expect(error({ ...base, dayStartHour: 24 }).option).toBe("dayStartHour")
    expect(error({ ...base, units: { volume: "cups" } }).option).toBe("units.volume")
  })

  it("refuses an empty log, and a log of two children without `child`", () => {
    expect(() => pdfReport([], base)).toThrow(
      "pdfReport: option from and to must span at least one logged day"
    )
    const twin = {
      ...log.events.find((e) => e.type === "latch")!,
      id: "019b0000-0000-7000-8000-000000000001",
      child: "child-2"
    }
    expect(() => pdfReport([...log.events, twin], base)).toThrow(
      "option child must name the child: the log holds 2 children"
    )
  })
})
