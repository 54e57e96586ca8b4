// What History draws from the plan and the WHO reference: the range of days shown, the plan's
// ceiling and targets per day (core's `planProgress`) as chart lines, how often each target was met
// in the range, and the WHO P15–P85 weight-velocity band carried forward from the first weigh-in.
import {
  type PlanDay,
  type PlanProgress,
  type Sex,
  type TargetName,
  WHO_WEIGHT_VELOCITY,
  type WeightPoint,
  whoPercentiles
} from "@relactation/core"
import { number } from "./Format.js"
import { html } from "./html.js"
import { type MessageKey, t } from "./I18n.js"

/** The History range: the last 14 or 30 days, or the whole course. */
export type Range = "14" | "30" | "all"

const DAY = 86_400_000

/** The local dates from `from` to `to`, both included, oldest first. */
export const datesBetween = (from: string, to: string): Array<string> => {
  const start = Date.parse(`${from}T00:00:00Z`)
  const end = Date.parse(`${to}T00:00:00Z`)
  const n = Math.max(1, Math.round((end - start) / DAY) + 1)
  return Array.from({ length: n }, (_, i) => new Date(start + i * DAY).toISOString().slice(0, 10))
}

/**
 * The dates a range shows, ending today: 14 or 30 days, or from the start of the course (the first
 * plan or the first entry; `firstDate` when earlier) to today, at least 14 days.
 */
export const rangeDates = (
  range: Range,
  today: string,
  courseStart: string | undefined,
  firstDate: string | undefined
): Array<string> => {
  const back = (n: number) =>
    new Date(Date.parse(`${today}T00:00:00Z`) - (n - 1) * DAY).toISOString().slice(0, 10)
  if (range !== "all") return datesBetween(back(Number(range)), today)
  const starts = [courseStart, firstDate, back(14)].filter((d): d is string => d !== undefined && d <= today)
  return datesBetween(starts.sort()[0] ?? back(14), today)
}

/** Per date, the plan day of `planProgress` (undefined before the course). */
export const planDays = (
  progress: PlanProgress,
  dates: ReadonlyArray<string>
): Array<PlanDay | undefined> => {
  const byDate = new Map(progress.days.map((d) => [d.date, d]))
  return dates.map((d) => byDate.get(d))
}

/** The plan's value per date for a chart line: a target, or the supplement ceiling; null where none. */
export const planLine = (
  days: ReadonlyArray<PlanDay | undefined>,
  pick: (d: PlanDay) => number | undefined,
  scale: (n: number) => number = (n) => n
): Array<number | null> | undefined => {
  const values = days.map((d) => {
    const v = d === undefined ? undefined : pick(d)
    return v === undefined ? null : scale(v)
  })
  return values.some((v) => v !== null) ? values : undefined
}

/** A dashed line dataset on a bar chart, in a stack of its own (so it is never added to the bars). */
export const lineDataset = (label: string, data: Array<number | null>, color: string) => ({
  type: "line" as const,
  label,
  data,
  borderColor: color,
  backgroundColor: color,
  borderDash: [6, 4],
  borderWidth: 2,
  // A point per day, so a plan in force for one day only still shows.
  pointRadius: 2,
  stepped: true as const,
  spanGaps: false,
  stack: `plan-${label}`
})

const TARGETS: ReadonlyArray<readonly [TargetName, MessageKey]> = [
  ["latches", "plan.field.latches"],
  ["nightLatches", "plan.field.nightLatches"],
  ["latchMinutes", "plan.field.latchMinutes"],
  ["pumps", "plan.field.pumps"],
  ["pumpedMl", "plan.field.pumpedMl"]
]

/** How many logged days in the range met each target, and stayed within the ceiling. */
export const metCounts = (days: ReadonlyArray<PlanDay | undefined>) => {
  const rows: Array<{ key: MessageKey; name: string; met: number; logged: number }> = []
  for (const [name, key] of TARGETS) {
    const results = days.flatMap((d) => (d?.targets[name]?.met === undefined ? [] : [d.targets[name]!.met]))
    if (results.length > 0)
      rows.push({ key, name, met: results.filter(Boolean).length, logged: results.length })
  }
  const within = days.flatMap((d) =>
    d?.supplement.withinCeiling === undefined ? [] : [d.supplement.withinCeiling]
  )
  if (within.length > 0)
    rows.push({
      key: "history.withinCeiling",
      name: "supplement",
      met: within.filter(Boolean).length,
      logged: within.length
    })
  return rows
}

/** The table of the plan's targets met in the range, or a line saying no plan was in force. */
export function PlanInRange(props: { days: ReadonlyArray<PlanDay | undefined> }) {
  const rows = metCounts(props.days)
  const anyPlan = props.days.some((d) => d?.plan !== undefined)
  if (!anyPlan) return html`<p class="note" data-plan="none-in-range">${t("history.noPlan")}</p>`
  return html`<table class="plan-met">
    <caption>${t("history.planTitle")}</caption>
    <thead><tr><th scope="col">${t("history.planTarget")}</th><th scope="col">${t("history.planMet")}</th></tr></thead>
    <tbody>${rows.map(
      (r) =>
        html`<tr data-target=${r.name}><td>${t(r.key)}</td><td>${t("history.metDays", { met: number(r.met), logged: number(r.logged) })}</td></tr>`
    )}</tbody>
  </table>`
}

/**
 * The WHO P15 and P85 weights at each weigh-in's age, carried forward from the first weigh-in of
 * the series: the first weight plus the gain the reference's 1-month increments give at that
 * percentile over the age between (linear within each increment). Empty without ages and sex or
 * with fewer than two weigh-ins; undefined past 12 months (the reference's end).
 */
export const whoBandFrom = (
  points: ReadonlyArray<WeightPoint>,
  sex: Sex | undefined
): Array<{ readonly p15: number; readonly p85: number } | undefined> => {
  const first = points[0]
  if (sex === undefined || first?.ageDays === undefined || points.length < 2) return []
  const gainTo = (age: number, pick: "p15" | "p85"): number | undefined => {
    let total = 0
    for (const interval of WHO_WEIGHT_VELOCITY) {
      const from = Math.max(interval.fromAgeDays, first.ageDays!)
      const to = Math.min(interval.toAgeDays, age)
      if (to <= from) continue
      const p = whoPercentiles(interval, sex)[pick]
      total += (p * (to - from)) / (interval.toAgeDays - interval.fromAgeDays)
    }
    const end = WHO_WEIGHT_VELOCITY[WHO_WEIGHT_VELOCITY.length - 1]!.toAgeDays
    return age > end ? undefined : total
  }
  return points.map((p) => {
    if (p.ageDays === undefined) return undefined
    const lo = gainTo(p.ageDays, "p15")
    const hi = gainTo(p.ageDays, "p85")
    return lo === undefined || hi === undefined ? undefined : { p15: first.grams + lo, p85: first.grams + hi }
  })
}
