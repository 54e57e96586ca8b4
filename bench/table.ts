/**
 * One result table: every figure beside its baseline measured in the same run, as a ratio, with the
 * target and whether it was met. Printed as Markdown (so it can be pasted into the README) and
 * written as JSON.
 */

export type Unit = "ms" | "µs" | "B" | "B/event" | "KiB" | "MiB" | "KiB/log" | "updates/s" | "×" | "%" | ""

export interface Quantity {
  readonly value: number
  readonly unit: Unit
}

export interface Row {
  /** Figure number and name, e.g. "1 projection rebuild". */
  readonly figure: string
  /** Size label, e.g. "1 y (12 609 ev)". */
  readonly size: string
  /** What is measured in this row, e.g. "median append". */
  readonly metric: string
  readonly ours: Quantity
  /** What ours is compared to, e.g. "plain loop". */
  readonly baselineName: string
  readonly baseline?: Quantity
  /** ours / baseline, when both are in the same unit. */
  readonly ratio?: number
  readonly target: string
  /** undefined when the row has no target (reported only). */
  readonly met?: boolean
  readonly note?: string
  /** The 1-minute load average before and after the figure ran, e.g. "1.2–3.4" (set by run.ts). */
  readonly load?: string
}

export const q = (value: number, unit: Unit): Quantity => ({ value, unit })

const digits = (n: number): string => {
  const a = Math.abs(n)
  if (a === 0) return "0"
  if (a >= 100) return Math.round(n).toLocaleString("en-US")
  if (a >= 10) return n.toFixed(1)
  if (a >= 1) return n.toFixed(2)
  return n.toPrecision(2)
}

export const formatQuantity = (x: Quantity | undefined): string =>
  x === undefined || Number.isNaN(x.value) ? "–" : `${digits(x.value)}${x.unit === "" ? "" : ` ${x.unit}`}`

const formatRatio = (r: number | undefined): string =>
  r === undefined || !Number.isFinite(r) ? "–" : `${digits(r)}×`

/** The rows as one Markdown table. */
export const render = (rows: ReadonlyArray<Row>): string => {
  const header = ["figure", "size", "metric", "ours", "baseline", "ratio", "target", "met?", "load avg"]
  const body = rows.map((r) => [
    r.figure,
    r.size,
    r.metric,
    formatQuantity(r.ours),
    r.baseline === undefined ? r.baselineName : `${r.baselineName}: ${formatQuantity(r.baseline)}`,
    formatRatio(r.ratio),
    r.target,
    r.met === undefined ? "–" : r.met ? "yes" : "**no**",
    r.load ?? "–"
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n")
}

/** Size label for an event count and a number of days. */
export const sizeLabel = (days: number, events: number): string => {
  const span = days >= 365 ? `${Math.round(days / 365)} y` : `${days} d`
  return `${span} (${events.toLocaleString("en-US")} ev)`
}
