/**
 * The PDF report for the clinician: the child, the period and its settings, a line saying the
 * report is a record and not advice, charts of supplement, latches and weight, and the daily table
 * of core's `dailyTotals`. Made with jsPDF, the same in Node and in browsers, with no clock inside:
 * the same log and options give the same bytes.
 *
 * @since 0.1.0
 */
import { formatVolume, type LogEntry } from "@relactation/core"
import { jsPDF } from "jspdf"
import { latchChart, supplementChart, weightChart } from "./internal/Charts.js"
import { tablePage, tablePages } from "./internal/DailyTable.js"
import { formatAge, localDateTime } from "./internal/Dates.js"
import { describePlan, planSummary } from "./internal/Plans.js"
import { stableHex } from "./internal/Hash.js"
import {
  A4,
  COLORS,
  type FontFiles,
  ink,
  MARGIN,
  paragraph,
  printable,
  stroke,
  useFont,
  volumeLabel,
  weightText,
  write
} from "./internal/Page.js"
import { buildReportData, type ReportData } from "./ReportData.js"
import { checkOptions, fail, type ReportOptions } from "./ReportOptions.js"

/**
 * Options of {@link pdfReport}: the report's, and a font.
 *
 * @since 0.1.0
 * @category models
 */
export interface PdfReportOptions extends ReportOptions {
  /**
   * A TrueType font (the bytes of `.ttf` files) to write with instead of the PDF standard font
   * Helvetica, which only holds Latin-1: needed for names in Cyrillic, Greek and other scripts
   * the font covers. `bold` and `italic` default to `normal`. The font is embedded in the PDF.
   */
  readonly font?: {
    readonly normal: Uint8Array
    readonly bold?: Uint8Array
    readonly italic?: Uint8Array
  }
}

const TRUETYPE = [0x00, 0x01, 0x00, 0x00]
const checkFont = (font: PdfReportOptions["font"]): FontFiles | undefined => {
  if (font === undefined) return undefined
  if (typeof font !== "object" || font === null)
    fail("pdfReport", "font", "must be { normal, bold?, italic? }")
  for (const style of ["normal", "bold", "italic"] as const) {
    const bytes = font[style]
    if (bytes === undefined && style !== "normal") continue
    if (!(bytes instanceof Uint8Array) || !TRUETYPE.every((b, i) => bytes[i] === b)) {
      fail(
        "pdfReport",
        `font.${style}`,
        "must be the bytes of a TrueType font file (.ttf, starting 00 01 00 00)"
      )
    }
  }
  return font
}

/**
 * The sentence every page carries.
 *
 * @since 0.1.0
 * @category constants
 */
export const NOT_ADVICE =
  "This report is a record of what the family logged. It is not medical advice and does not replace a clinician's judgement."

const hours = (h: number): string =>
  `${String(Math.floor(h)).padStart(2, "0")}:${String(Math.round((h % 1) * 60)).padStart(2, "0")}`

const childLine = (data: ReportData): string => {
  const { child } = data
  const parts = [
    child.name ?? "(no name in the child profile)",
    child.birthDate === undefined ? "birth date not set" : `born ${child.birthDate}`,
    ...(child.sex === undefined ? [] : [child.sex]),
    ...(child.ageDaysAtEnd === undefined ? [] : [`age ${formatAge(child.ageDaysAtEnd)} on ${data.to}`])
  ]
  return parts.join(" · ")
}

const mean = (
  data: ReportData,
  f: (d: NonNullable<ReportData["days"][number]["totals"]>) => number
): number => {
  const logged = data.days.flatMap((d) => (d.totals === undefined ? [] : [f(d.totals)]))
  return logged.reduce((s, v) => s + v, 0) / Math.max(1, logged.length)
}

const summary = (data: ReportData): Array<string> => {
  const v = data.units.volume
  const round = (x: number) => Math.round(x * 10) / 10
  const volume = (ml: number) => formatVolume(ml, v)
  const lines = [
    `Per logged day: ${round(mean(data, (d) => d.latches))} latches (${round(mean(data, (d) => d.nightLatches))} at night), ` +
      `${round(mean(data, (d) => d.pumps))} pumps yielding ${volume(mean(data, (d) => d.pumpedMl))}, ` +
      `${volume(mean(data, (d) => d.supplementMl))} of supplement.`
  ]
  const first = data.weights[0]
  const last = data.weights.at(-1)
  if (first !== undefined && last !== undefined) {
    const gain = last.grams - first.grams
    lines.push(
      data.weights.length === 1
        ? `One weigh-in: ${weightText(first.grams, data.units.weight)}.`
        : `${data.weights.length} weigh-ins: ${weightText(first.grams, data.units.weight)} to ${weightText(last.grams, data.units.weight)} ` +
            `(${gain >= 0 ? "+" : "-"}${weightText(Math.abs(gain), data.units.weight)}).`
    )
  } else lines.push("No weigh-in in this period.")
  if (data.medications.length > 0) {
    const kinds = data.medications.map(
      (m) =>
        `${m.name}${m.dose === undefined ? "" : ` ${m.dose}${m.unit === undefined ? "" : ` ${m.unit}`}`} × ${m.times}`
    )
    lines.push(`Medications taken by the nursing parent, as logged: ${kinds.join(", ")}.`)
  } else lines.push("No medication logged in this period.")
  const { unknown, invalid } = data.skipped
  if (unknown + invalid > 0) {
    lines.push(
      `${unknown} entries from a newer app and ${invalid} invalid entries are kept in the log but not counted here.`
    )
  }
  return lines
}

const footer = (
  doc: jsPDF,
  data: ReportData,
  page: number,
  pages: number,
  width: number,
  height: number
): void => {
  ink(doc, COLORS.muted)
  stroke(doc, COLORS.grid, 0.4)
  doc.line(MARGIN, height - 30, width - MARGIN, height - 30)
  write(
    doc,
    `Relactation record · ${data.child.name ?? data.child.id} · ${data.from} to ${data.to}`,
    MARGIN,
    height - 20,
    7
  )
  write(doc, `Page ${page} of ${pages}`, width - MARGIN, height - 20, 7, "normal", "right")
  write(doc, NOT_ADVICE, MARGIN, height - 11, 6.5, "italic")
  ink(doc)
}

const firstPage = (doc: jsPDF, data: ReportData): void => {
  const width = A4.width - 2 * MARGIN
  let y = MARGIN + 14
  write(doc, "Relactation record", MARGIN, y, 18, "bold")
  y += 20
  write(doc, childLine(data), MARGIN, y, 10.5)
  y += 15
  const days = data.days.length
  ink(doc, COLORS.muted)
  write(
    doc,
    `${data.from} to ${data.to} (${days} ${days === 1 ? "day" : "days"}, ${data.loggedDays} with entries) · ` +
      `days start at ${hours(data.dayStartHour)} in ${data.timeZone} · night ${hours(data.night.start)}-${hours(data.night.end)}`,
    MARGIN,
    y,
    8.5
  )
  y += 12
  write(
    doc,
    `Units: ${volumeLabel(data.units.volume)}, ${data.units.weight === "g" ? "g" : "lb oz"} · generated ${localDateTime(data.generatedAt, data.timeZone)} (${data.timeZone})`,
    MARGIN,
    y,
    8.5
  )
  ink(doc)
  y += 18
  for (const line of summary(data)) y = paragraph(doc, line, MARGIN, y, width, 9.5) + 2
  y = planBlock(doc, data, y + 6, width)
  y += 4
  doc.setFillColor(243, 240, 232)
  doc.rect(MARGIN, y, width, 20, "F")
  write(doc, NOT_ADVICE, MARGIN + 6, y + 13, 8.5, "italic")
  y += 34
  // The three charts share what is left of the page above the footer.
  const chart = Math.min(168, (A4.height - 44 - y) / 3 - 14)
  supplementChart(doc, { x: MARGIN, y, width, height: chart }, data)
  latchChart(doc, { x: MARGIN, y: y + chart + 14, width, height: chart }, data)
  weightChart(doc, { x: MARGIN, y: y + 2 * (chart + 14), width, height: chart }, data)
}

// The plan in force on the first day, each change in the period, and how the days kept to it.
const planBlock = (doc: jsPDF, data: ReportData, top: number, width: number): number => {
  let y = top
  if (data.plans.length === 0) {
    ink(doc, COLORS.muted)
    y = paragraph(doc, "No plan was in force in this period.", MARGIN, y, width, 9.5, "italic")
    ink(doc)
    return y
  }
  write(doc, "The plan", MARGIN, y, 10.5, "bold")
  y += 14
  for (const p of data.plans) {
    const head = p.atStart ? `In force from ${p.date}` : `Changed on ${p.date}`
    write(doc, `${head} (entered by ${p.by})`, MARGIN, y, 9, "bold")
    y += 12
    for (const line of describePlan(p.plan, data.units.volume))
      y = paragraph(doc, line, MARGIN + 10, y, width - 10, 9) + 1
    y += 3
  }
  const days = data.days.flatMap((d) => (d.plan === undefined ? [] : [d.plan]))
  for (const line of planSummary(days)) y = paragraph(doc, line, MARGIN, y, width, 9.5) + 2
  return y
}

/** @internal the PDF of report data */
export const renderPdf = (data: ReportData, font?: FontFiles): Uint8Array => {
  const doc = new jsPDF({ unit: "pt", format: "a4", orientation: "portrait", compress: true })
  useFont(doc, font)
  doc.setCreationDate(new Date(data.generatedAt))
  doc.setFileId(
    stableHex(JSON.stringify([data.child.id, data.from, data.to, data.generatedAt])).toUpperCase()
  )
  doc.setProperties({
    title: printable(`Relactation record: ${data.child.name ?? data.child.id}, ${data.from} to ${data.to}`),
    subject: "A record of what the family logged; not medical advice",
    creator: "@relactation/report"
  })
  const tables = tablePages(data.days.length)
  const pages = 1 + tables
  firstPage(doc, data)
  footer(doc, data, 1, pages, A4.width, A4.height)
  for (let t = 0; t < tables; t++) {
    doc.addPage("a4", "landscape")
    write(doc, `Daily table${tables > 1 ? ` (${t + 1} of ${tables})` : ""}`, MARGIN, MARGIN + 6, 12, "bold")
    tablePage(doc, data, t, MARGIN + 16)
    footer(doc, data, t + 2, pages, A4.height, A4.width)
  }
  return new Uint8Array(doc.output("arraybuffer"))
}

/**
 * The PDF report of a period, as bytes: page 1 has the child, the period and its settings, a
 * summary, the "record, not advice" line and the charts (supplement per day by milk, latches and
 * night latches per day, weight); then landscape pages with the daily table, 31 days a page, and
 * the mean per logged day. Every number comes from core's `dailyTotals` and `weightTrend`, in the
 * units the family chose. Text is in Helvetica (Latin-1), or in `font` when given. Throws
 * {@link InvalidReportOptions} for bad options or a period with no logged day.
 *
 * @example
 * ```ts
 * const bytes = pdfReport(events, { timeZone: "Europe/Berlin", from: "2027-03-01", to: "2027-03-14", generatedAt: Date.now() })
 * ```
 *
 * @since 0.1.0
 * @category exports
 */
export const pdfReport = (entries: Iterable<LogEntry>, options: PdfReportOptions): Uint8Array => {
  const checked = checkOptions("pdfReport", options)
  const font = checkFont(options.font)
  return renderPdf(buildReportData([...entries], checked), font)
}
