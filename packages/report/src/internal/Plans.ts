/**
 * The plan parts of a report, from core's `planProgress`: the plan in force on the first day of the
 * period and each change within it, each plan said in words, and per day the targets and the
 * supplement ceiling in force with the day's actuals. Reports; never advises.
 */
import {
  type DailyTotalsOptions,
  type Event,
  formatVolume,
  isEvent,
  type LogEntry,
  type Plan,
  type PlanDay,
  planProgress,
  type TargetName,
  type VolumeUnit
} from "@relactation/core"

/**
 * A plan in force during the period.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportPlan {
  /** The local date the plan was set (when it came into force). */
  readonly date: string
  /** Whether it was already in force on the first day of the period (set then or before). */
  readonly atStart: boolean
  /** Who entered it: the caregiver's display name, else their id. */
  readonly by: string
  readonly plan: Plan
}

/** @internal the plans and plan days of a period */
export interface PeriodPlans {
  readonly plans: ReadonlyArray<ReportPlan>
  readonly days: ReadonlyMap<string, PlanDay>
}

/** @internal */
export const plansOf = (
  entries: ReadonlyArray<LogEntry>,
  projection: DailyTotalsOptions,
  from: string,
  to: string,
  names: ReadonlyMap<string, { readonly name: string }>
): PeriodPlans => {
  // `through: to`: the days after the last logged one still have the plan in force and its ceiling.
  const progress = planProgress(entries, { ...projection, through: to })
  const byId = new Map<string, Event>()
  for (const e of entries) if (isEvent(e) && !byId.has(e.id)) byId.set(e.id, e)
  const course = progress.course?.plans ?? []
  const plans: Array<ReportPlan> = []
  course.forEach((p, i) => {
    const next = course[i + 1]
    const event = byId.get(p.id)
    if (event?.type !== "plan" || p.date > to || (next !== undefined && next.date <= from)) return
    plans.push({
      date: p.date,
      atStart: p.date <= from,
      by: names.get(event.by)?.name ?? event.by,
      plan: event
    })
  })
  const days = new Map(progress.days.filter((d) => d.date >= from && d.date <= to).map((d) => [d.date, d]))
  return { plans, days }
}

const TARGET_WORDS: ReadonlyArray<readonly [TargetName, (v: number, unit: VolumeUnit) => string]> = [
  ["latches", (v) => `${v} latches`],
  ["nightLatches", (v) => `${v} at night`],
  ["latchMinutes", (v) => `${v} min at the breast`],
  ["pumps", (v) => `${v} pumps`],
  ["pumpedMl", (v, unit) => `${formatVolume(v, unit)} pumped`]
]

/** @internal a plan in words, as a list of sentences */
export const describePlan = (plan: Plan, unit: VolumeUnit): Array<string> => {
  const out: Array<string> = []
  const t = plan.targets
  if (t !== undefined) {
    const parts = TARGET_WORDS.flatMap(([k, say]) => (t[k] === undefined ? [] : [say(t[k], unit)]))
    out.push(`Daily targets: ${parts.join(", ")}.`)
  }
  const s = plan.supplement
  if (s !== undefined) {
    out.push(
      `Supplement ceiling: ${formatVolume(s.startMl, unit)} a day${s.from === undefined ? "" : ` from ${s.from}`}, ` +
        `${formatVolume(s.stepMl, unit)} less every ${s.everyDays === 1 ? "day" : `${s.everyDays} days`}` +
        `${s.minimumMl === undefined ? "" : `, not below ${formatVolume(s.minimumMl, unit)}`}` +
        `${s.holdBelowGramsPerDay === undefined ? "" : `; a step is held while weight gain is below ${s.holdBelowGramsPerDay} g a day`}.`
    )
  }
  if (plan.note !== undefined) out.push(`Note: ${plan.note}`)
  return out
}

/** @internal how often each target was met, and the ceiling kept, over the logged days */
export const planSummary = (days: Iterable<PlanDay>): Array<string> => {
  const met = new Map<TargetName, { met: number; of: number }>()
  let within = 0
  let withCeiling = 0
  for (const d of days) {
    if (!d.logged) continue
    for (const [k, r] of Object.entries(d.targets) as Array<[TargetName, PlanDay["targets"][TargetName]]>) {
      if (r === undefined || r.met === undefined) continue
      const c = met.get(k) ?? { met: 0, of: 0 }
      met.set(k, { met: c.met + (r.met ? 1 : 0), of: c.of + 1 })
    }
    if (d.supplement.withinCeiling !== undefined) {
      withCeiling++
      if (d.supplement.withinCeiling) within++
    }
  }
  const names: Record<TargetName, string> = {
    latches: "latches",
    nightLatches: "night latches",
    latchMinutes: "minutes at the breast",
    pumps: "pumps",
    pumpedMl: "pumped volume"
  }
  const lines: Array<string> = []
  const parts = TARGET_WORDS.flatMap(([k]) => {
    const c = met.get(k)
    return c === undefined ? [] : [`${names[k]} on ${c.met} of ${c.of} days`]
  })
  if (parts.length > 0) lines.push(`Targets met: ${parts.join(", ")}.`)
  if (withCeiling > 0)
    lines.push(`Supplement at or under the plan's ceiling on ${within} of ${withCeiling} days.`)
  return lines
}
