/**
 * The report's charts, drawn as vector graphics (rectangles, lines, circles), so they stay sharp
 * when printed or zoomed: supplement per day stacked by milk, latches per day with the night ones,
 * and the weight of each weigh-in. One column per day of the period; a day that was not logged
 * is drawn as a gap, never as zero.
 */
import { GRAMS_PER_LB, ML_PER_FL_OZ, type VolumeUnit, type WeightUnit } from "@relactation/core"
import type { jsPDF } from "jspdf"
import type { ReportData } from "../ReportData.js"
import { COLORS, fill, ink, type Rgb, stroke, volumeLabel, weightText, widthOf, write } from "./Page.js"

/** @internal where a chart goes */
export interface Box {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** Round tick steps (1, 2, 2.5, 5 × 10^n) so that about `count` ticks cover `max`. */
export const ticks = (max: number, count = 4): Array<number> => {
  if (!(max > 0)) return [0, 1]
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw
  const out: Array<number> = []
  for (let v = 0; v <= max + step * 0.999; v += step) out.push(Math.round(v * 1e6) / 1e6)
  return out
}

interface Frame {
  readonly plot: Box
  readonly xOf: (dayIndex: number) => number
  readonly columnWidth: number
  readonly yOf: (value: number) => number
}

// Axes, grid, y labels and every ~7th date under the plot; returns how to place values.
const frame = (
  doc: jsPDF,
  box: Box,
  title: string,
  dates: ReadonlyArray<string>,
  yTicks: ReadonlyArray<number>,
  label: (v: number) => string,
  yMin = 0
): Frame => {
  ink(doc)
  write(doc, title, box.x, box.y + 9, 10, "bold")
  const plot = { x: box.x + 52, y: box.y + 18, width: box.width - 56, height: box.height - 34 }
  const yMax = yTicks.at(-1)!
  const yOf = (v: number) => plot.y + plot.height - ((v - yMin) / (yMax - yMin || 1)) * plot.height
  stroke(doc, COLORS.grid, 0.4)
  ink(doc, COLORS.muted)
  for (const t of yTicks) {
    doc.line(plot.x, yOf(t), plot.x + plot.width, yOf(t))
    write(doc, label(t), plot.x - 4, yOf(t) + 2.5, 7, "normal", "right")
  }
  const columnWidth = plot.width / Math.max(1, dates.length)
  const xOf = (i: number) => plot.x + i * columnWidth
  const every = Math.max(1, Math.ceil(dates.length / 10))
  dates.forEach((d, i) => {
    if (i % every === 0)
      write(doc, d.slice(5), xOf(i) + columnWidth / 2, plot.y + plot.height + 9, 6.5, "normal", "center")
  })
  stroke(doc, COLORS.muted, 0.6)
  doc.line(plot.x, plot.y + plot.height, plot.x + plot.width, plot.y + plot.height)
  doc.line(plot.x, plot.y, plot.x, plot.y + plot.height)
  ink(doc)
  return { plot, xOf, columnWidth, yOf }
}

const legend = (doc: jsPDF, box: Box, items: ReadonlyArray<readonly [string, Rgb]>): void => {
  let x = box.x + box.width
  for (const [name, color] of [...items].reverse()) {
    x -= widthOf(doc, name, 7) + 14
    fill(doc, color)
    doc.rect(x, box.y + 3, 7, 7, "F")
    ink(doc, COLORS.muted)
    write(doc, name, x + 10, box.y + 9, 7)
  }
  ink(doc)
}

const toUnit = (ml: number, unit: VolumeUnit): number => (unit === "ml" ? ml : ml / ML_PER_FL_OZ)
const volumeTick = (unit: VolumeUnit) => (v: number) => `${v} ${volumeLabel(unit)}`

/** @internal supplement per day, stacked by milk */
export const supplementChart = (doc: jsPDF, box: Box, data: ReportData): void => {
  const unit = data.units.volume
  const dates = data.days.map((d) => d.date)
  const ceilingOf = (d: ReportData["days"][number]) => d.plan?.supplement.ceilingMl
  const max = Math.max(
    0,
    ...data.days.map((d) => toUnit(Math.max(d.totals?.supplementMl ?? 0, ceilingOf(d) ?? 0), unit))
  )
  const f = frame(doc, box, `Supplement per day (${volumeLabel(unit)})`, dates, ticks(max), volumeTick(unit))
  const ceilings = data.days.some((d) => ceilingOf(d) !== undefined)
  legend(doc, box, [
    ["formula", COLORS.formula],
    ["expressed", COLORS.expressed],
    ["donor", COLORS.donor],
    ...(ceilings ? ([["plan ceiling", COLORS.ink]] as const) : [])
  ])
  const bar = Math.max(0.5, f.columnWidth * 0.7)
  data.days.forEach((d, i) => {
    if (d.totals === undefined) return
    let base = 0
    for (const milk of ["formula", "expressed", "donor"] as const) {
      const v = toUnit(d.totals.supplementByMilk[milk], unit)
      if (v <= 0) continue
      fill(doc, COLORS[milk])
      doc.rect(f.xOf(i) + (f.columnWidth - bar) / 2, f.yOf(base + v), bar, f.yOf(base) - f.yOf(base + v), "F")
      base += v
    }
  })
  // The plan's ceiling, a dashed step line across each day's column.
  stroke(doc, COLORS.ink, 0.9)
  doc.setLineDashPattern([3, 2], 0)
  data.days.forEach((d, i) => {
    const ml = ceilingOf(d)
    if (ml !== undefined) doc.line(f.xOf(i), f.yOf(toUnit(ml, unit)), f.xOf(i + 1), f.yOf(toUnit(ml, unit)))
  })
  doc.setLineDashPattern([], 0)
}

const polyline = (doc: jsPDF, points: ReadonlyArray<readonly [number, number]>, color: Rgb): void => {
  stroke(doc, color, 1.1)
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!
    const [x1, y1] = points[i]!
    doc.line(x0, y0, x1, y1)
  }
  fill(doc, color)
  for (const [x, y] of points) doc.circle(x, y, 1.4, "F")
}

/** @internal latches per day and the night ones; a gap in the line where a day was not logged */
export const latchChart = (doc: jsPDF, box: Box, data: ReportData): void => {
  const dates = data.days.map((d) => d.date)
  const max = Math.max(1, ...data.days.map((d) => d.totals?.latches ?? 0))
  const f = frame(doc, box, "Latches per day", dates, ticks(max), (v) => String(v))
  legend(doc, box, [
    ["all latches", COLORS.latches],
    ["at night", COLORS.night]
  ])
  for (const [key, color] of [
    ["latches", COLORS.latches],
    ["nightLatches", COLORS.night]
  ] as const) {
    let run: Array<readonly [number, number]> = []
    data.days.forEach((d, i) => {
      if (d.totals === undefined) {
        polyline(doc, run, color)
        run = []
      } else run.push([f.xOf(i) + f.columnWidth / 2, f.yOf(d.totals[key])])
    })
    polyline(doc, run, color)
  }
}

const weightTicks = (lo: number, hi: number, unit: WeightUnit): { values: Array<number>; min: number } => {
  const scale = unit === "g" ? 1 : GRAMS_PER_LB
  const span = Math.max((hi - lo) / scale, unit === "g" ? 100 : 0.25)
  const step = ticks(span, 4)[1]!
  const min = Math.floor(lo / scale / step) * step
  const values: Array<number> = []
  for (let v = min; v <= hi / scale + step * 0.999; v += step) values.push(Math.round(v * 1e6) / 1e6)
  if (values.length < 2) values.push(min + step)
  return { values: values.map((v) => v * scale), min: min * scale }
}

/** @internal the weight of each weigh-in, placed on the column of its day */
export const weightChart = (doc: jsPDF, box: Box, data: ReportData): void => {
  const unit = data.units.weight
  const dates = data.days.map((d) => d.date)
  const grams = data.weights.map((w) => w.grams)
  if (grams.length === 0) {
    frame(doc, box, "Weight", dates, [0, 1], () => "")
    ink(doc, COLORS.muted)
    write(
      doc,
      "No weigh-in in this period.",
      box.x + box.width / 2,
      box.y + box.height / 2,
      9,
      "italic",
      "center"
    )
    ink(doc)
    return
  }
  const { values, min } = weightTicks(Math.min(...grams), Math.max(...grams), unit)
  const f = frame(
    doc,
    box,
    `Weight (${unit === "g" ? "g" : "lb oz"})`,
    dates,
    values,
    (g) => weightText(g, unit),
    min
  )
  const points: Array<readonly [number, number]> = []
  data.days.forEach((d, i) => {
    d.weights.forEach((w, k) => {
      const x = f.xOf(i) + (f.columnWidth * (k + 1)) / (d.weights.length + 1)
      points.push([x, f.yOf(w.grams)])
    })
  })
  polyline(doc, points, COLORS.weight)
}
