/**
 * The daily table: one row per day of the period with core's `dailyTotals` for it, on landscape
 * pages of {@link ROWS_PER_PAGE} rows, and a last row with the mean per logged day. Numbers are
 * right-aligned in the family's units; the weigh-ins of the day close the row.
 */
import type { DayTotals } from "@relactation/core"
import type { jsPDF } from "jspdf"
import type { ReportData, ReportDay } from "../ReportData.js"
import { COLORS, ink, MARGIN, stroke, volumeLabel, volumeNumber, weightText, write } from "./Page.js"

/** Days per table page: a month fits on one. */
export const ROWS_PER_PAGE = 31

interface Column {
  readonly head: readonly [string, string]
  readonly width: number
  readonly cell: (d: DayTotals, data: ReportData) => string
}

const n = (v: number) => String(Math.round(v * 10) / 10)
const vol = (pick: (d: DayTotals) => number) => (d: DayTotals, data: ReportData) =>
  volumeNumber(pick(d), data.units.volume)

const COLUMNS: ReadonlyArray<Column> = [
  { head: ["Latches", ""], width: 36, cell: (d) => n(d.latches) },
  { head: ["Night", "latches"], width: 34, cell: (d) => n(d.nightLatches) },
  { head: ["Latch", "min"], width: 36, cell: (d) => n(d.latchMinutes) },
  { head: ["Pumps", ""], width: 32, cell: (d) => n(d.pumps) },
  { head: ["Pumped", "{v}"], width: 38, cell: vol((d) => d.pumpedMl) },
  { head: ["Suppl.", "{v}"], width: 38, cell: vol((d) => d.supplementMl) },
  { head: ["Formula", "{v}"], width: 38, cell: vol((d) => d.supplementByMilk.formula) },
  { head: ["Express.", "{v}"], width: 38, cell: vol((d) => d.supplementByMilk.expressed) },
  { head: ["Donor", "{v}"], width: 34, cell: vol((d) => d.supplementByMilk.donor) },
  { head: ["Bottle", "{v}"], width: 34, cell: vol((d) => d.supplementByVia.bottle) },
  { head: ["Cup", "{v}"], width: 30, cell: vol((d) => d.supplementByVia.cup) },
  { head: ["Syringe", "{v}"], width: 34, cell: vol((d) => d.supplementByVia.syringe) },
  { head: ["Spoon", "{v}"], width: 30, cell: vol((d) => d.supplementByVia.spoon) },
  { head: ["Finger", "{v}"], width: 32, cell: vol((d) => d.supplementByVia.finger) },
  { head: ["SNS", "{v}"], width: 30, cell: vol((d) => d.supplementByVia.sns) },
  { head: ["SNS", "feeds"], width: 30, cell: (d) => n(d.supplementsDuringLatch) },
  { head: ["Meds", ""], width: 30, cell: (d) => n(d.medications) }
]
const CEILING_WIDTH = 36

const DATE_WIDTH = 56
const ROW = 13

/** @internal the number of table pages for a period */
export const tablePages = (days: number): number => Math.max(1, Math.ceil(days / ROWS_PER_PAGE))

// The mean of each measure over the logged days, as one more DayTotals-shaped row.
const meanOf = (days: ReadonlyArray<ReportDay>): DayTotals | undefined => {
  const logged = days.flatMap((d) => (d.totals === undefined ? [] : [d.totals]))
  if (logged.length === 0) return undefined
  const avg = (f: (d: DayTotals) => number) => logged.reduce((s, d) => s + f(d), 0) / logged.length
  const first = logged[0]!
  const each = <K extends string>(
    o: { readonly [k in K]: number },
    f: (d: DayTotals) => { readonly [k in K]: number }
  ) => Object.fromEntries(Object.keys(o).map((k) => [k, avg((d) => f(d)[k as K])])) as { [k in K]: number }
  return {
    ...first,
    date: "",
    latches: avg((d) => d.latches),
    nightLatches: avg((d) => d.nightLatches),
    latchMinutes: avg((d) => d.latchMinutes),
    pumps: avg((d) => d.pumps),
    pumpedMl: avg((d) => d.pumpedMl),
    supplementMl: avg((d) => d.supplementMl),
    supplementByMilk: each(first.supplementByMilk, (d) => d.supplementByMilk),
    supplementByVia: each(first.supplementByVia, (d) => d.supplementByVia),
    supplementsDuringLatch: avg((d) => d.supplementsDuringLatch),
    medications: avg((d) => d.medications)
  }
}

const header = (doc: jsPDF, data: ReportData, y: number): number => {
  const unit = volumeLabel(data.units.volume)
  let x = MARGIN
  write(doc, "Date", x, y + 8, 7, "bold")
  x += DATE_WIDTH
  for (const c of COLUMNS) {
    x += c.width
    write(doc, c.head[0], x - 2, y + 8, 7, "bold", "right")
    write(doc, c.head[1].replace("{v}", unit), x - 2, y + 16, 6.5, "normal", "right")
  }
  x += CEILING_WIDTH
  write(doc, "Ceiling", x - 2, y + 8, 7, "bold", "right")
  write(doc, unit, x - 2, y + 16, 6.5, "normal", "right")
  write(doc, `Weigh-ins (${data.units.weight === "g" ? "g" : "lb oz"})`, x + 6, y + 8, 7, "bold")
  stroke(doc, COLORS.muted, 0.6)
  doc.line(MARGIN, y + 20, MARGIN + 770, y + 20)
  return y + 22
}

const row = (
  doc: jsPDF,
  data: ReportData,
  label: string,
  totals: DayTotals | undefined,
  ceiling: string,
  weights: string,
  y: number,
  style: "normal" | "bold"
) => {
  let x = MARGIN
  write(doc, label, x, y + 9, 7.5, style)
  x += DATE_WIDTH
  if (totals === undefined) {
    ink(doc, COLORS.muted)
    write(doc, "not logged", x + 4, y + 9, 7.5, "italic")
    ink(doc)
    return
  }
  for (const c of COLUMNS) {
    x += c.width
    write(doc, c.cell(totals, data), x - 2, y + 9, 7.5, style, "right")
  }
  x += CEILING_WIDTH
  write(doc, ceiling, x - 2, y + 9, 7.5, style, "right")
  write(doc, weights, x + 6, y + 9, 7.5, style)
}

// The plan's supplement ceiling of a day in the family's unit, "-" without one.
const ceilingOf = (d: ReportDay, data: ReportData): string => {
  const ml = d.plan?.supplement.ceilingMl
  return ml === undefined ? "-" : volumeNumber(ml, data.units.volume)
}

/** @internal draws the table page `page` (0-based) of the period */
export const tablePage = (doc: jsPDF, data: ReportData, page: number, top: number): void => {
  const days = data.days.slice(page * ROWS_PER_PAGE, (page + 1) * ROWS_PER_PAGE)
  let y = header(doc, data, top)
  days.forEach((d, i) => {
    if (i % 2 === 1) {
      doc.setFillColor(246, 246, 246)
      doc.rect(MARGIN, y, 770, ROW, "F")
    }
    const weights = d.weights.map((w) => weightText(w.grams, data.units.weight)).join(" / ")
    row(doc, data, d.date, d.totals, ceilingOf(d, data), weights, y, "normal")
    y += ROW
  })
  if (page === tablePages(data.days.length) - 1) {
    stroke(doc, COLORS.muted, 0.6)
    doc.line(MARGIN, y + 1, MARGIN + 770, y + 1)
    row(doc, data, "Mean/day", meanOf(data.days), "", `${data.loggedDays} logged days`, y + 2, "bold")
  }
}
