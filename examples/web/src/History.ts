// The History screen: a range of days (14, 30, the whole course) as charts (supplement by milk,
// latches, pumped) with the plan's ceiling and targets drawn on them (HistoryPlan.ts), how often the
// plan was kept, and the weight against the WHO weight-velocity bands when the child's birth date
// and sex are set. Charts are Chart.js; each canvas has a text summary for screen readers.
import type { DayTotals } from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip
} from "chart.js"
import { useEffect, useRef, useState } from "preact/hooks"
import {
  dayMonth,
  grams as gramsText,
  number,
  volume,
  volumeUnit,
  weight as weightText,
  whoInterval
} from "./Format.js"
import { html } from "./html.js"
import { t } from "./I18n.js"
import {
  lineDataset,
  PlanInRange,
  planDays,
  planLine,
  type Range,
  rangeDates,
  whoBandFrom
} from "./HistoryPlan.js"
import type { Link, Settings } from "./Link.js"
import { planProgressOf } from "./Plan.js"
import { localDay } from "./Time.js"

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Filler,
  Legend,
  Tooltip
)

const COLORS = {
  formula: "#e09f3e",
  expressed: "#3a9d7f",
  donor: "#6c8ebf",
  night: "#7b6cc2",
  band: "rgba(58,157,127,0.25)",
  outer: "rgba(58,157,127,0.12)",
  plan: "#b3261e"
}

function ChartBox(props: { label: string; summary: string; config: ChartConfiguration }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const key = JSON.stringify(props.config.data)
  useEffect(() => {
    if (!canvas.current) return
    const style = getComputedStyle(document.documentElement)
    Chart.defaults.color = style.getPropertyValue("--muted").trim() || "#666"
    Chart.defaults.borderColor = style.getPropertyValue("--line").trim() || "#ddd"
    const chart = new Chart(canvas.current, props.config)
    return () => chart.destroy()
    // The config is rebuilt each render; re-create the chart only when its data changes.
  }, [key, document.documentElement.dataset.theme])
  return html`<figure class="chart-figure">
    <figcaption><h3>${props.label}</h3></figcaption>
    <div class="chart"><canvas ref=${canvas} role="img" aria-label=${`${props.label}. ${props.summary}`}></canvas></div>
  </figure>`
}

const bars = (
  labels: Array<string>,
  datasets: ChartConfiguration<"bar">["data"]["datasets"],
  stacked: boolean
) =>
  ({
    type: "bar",
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { stacked }, y: { stacked, beginAtZero: true } },
      plugins: { legend: { display: datasets.length > 1 } }
    }
  }) as ChartConfiguration

export function History(props: { log: EventLog; link: Link; settings: Settings }) {
  const { log, link, settings } = props
  const [range, setRange] = useState<Range>("14")
  const today = localDay(Date.now(), settings.timeZone, settings.dayStartHour)
  const progress = planProgressOf(log, settings, link, today)
  const dates = rangeDates(range, today, progress.course?.startDate, log.dailyTotals.days[0]?.date)
  const plan = planDays(progress, dates)
  const planToday = plan.at(-1)
  const byDate = new Map<string, DayTotals>(log.dailyTotals.days.map((d) => [d.date, d]))
  const labels = dates.map(dayMonth)
  const pick = (f: (d: DayTotals) => number) =>
    dates.map((d) => {
      const t = byDate.get(d)
      return t ? f(t) : 0
    })
  const imperial = settings.volume === "fl-oz"
  const vol = (ml: number) => (imperial ? Math.round((ml / 29.5735) * 100) / 100 : Math.round(ml))
  const unit = volumeUnit(settings.volume)
  const sum = (xs: Array<number>) => xs.reduce((a, b) => a + b, 0)

  const formula = pick((d) => vol(d.supplementByMilk.formula))
  const expressed = pick((d) => vol(d.supplementByMilk.expressed))
  const donor = pick((d) => vol(d.supplementByMilk.donor))
  const latches = pick((d) => d.latches - d.nightLatches)
  const night = pick((d) => d.nightLatches)
  const pumped = pick((d) => vol(d.pumpedMl))
  const ceiling = planLine(plan, (d) => d.supplement.ceilingMl, vol)
  const latchTarget = planLine(plan, (d) => d.targets.latches?.target)
  const nightTarget = planLine(plan, (d) => d.targets.nightLatches?.target)
  const pumpedTarget = planLine(plan, (d) => d.targets.pumpedMl?.target, vol)
  const days = dates.length
  const first = dates[0] ?? today
  const inRange = (at: string) => localDay(at, settings.timeZone, settings.dayStartHour) >= first

  const trend = log.relactationProgress.trend
  const weight = log.weightTrend
  const wunit = settings.weight
  const points = weight.points.filter((p) => inRange(p.at))
  const weightLabels = points.map((p) => dayMonth(localDay(p.at, settings.timeZone, 0)))
  const toUnit = (g: number) => (wunit === "g" ? Math.round(g) : Math.round((g / 453.592) * 100) / 100)
  const grams = points.map((p) => toUnit(p.grams))
  const band = whoBandFrom(points, weight.sex)
  const lastBand = band.at(-1)

  return html`<div class="history">
    <h2>${t("history.title")}</h2>
    <div class="field"><label for="history-range">${t("history.range")}</label>
      <select id="history-range" onChange=${(e: { currentTarget: { value: string } }) => setRange(e.currentTarget.value as Range)}>
        ${(["14", "30", "all"] as const).map((r) => html`<option value=${r} selected=${r === range}>${t(`history.range.${r}`)}</option>`)}
      </select></div>
    ${
      trend
        ? html`<p class="note">${t("history.trend", {
            lastWeek: volume(trend.lastWeekMlPerDay, settings.volume),
            previousWeek: volume(trend.previousWeekMlPerDay, settings.volume),
            change: `${trend.changeMlPerDay <= 0 ? "" : "+"}${volume(trend.changeMlPerDay, settings.volume)}`
          })}</p>`
        : null
    }
    <${ChartBox}
      label=${t("history.supplementChart", { unit })}
      summary=${t("history.supplementSummary", {
        formula: number(sum(formula), 2),
        expressed: number(sum(expressed), 2),
        donor: number(sum(donor), 2),
        unit,
        days
      })}${planToday?.supplement.ceilingMl === undefined ? "" : ` ${t("history.ceilingSummary", { amount: volume(planToday.supplement.ceilingMl, settings.volume) })}`}
      config=${bars(
        labels,
        [
          { label: t("history.formula"), data: formula, backgroundColor: COLORS.formula },
          { label: t("history.expressed"), data: expressed, backgroundColor: COLORS.expressed },
          { label: t("history.donor"), data: donor, backgroundColor: COLORS.donor },
          ...(ceiling ? [lineDataset(t("history.ceiling"), ceiling, COLORS.plan)] : [])
        ] as never,
        true
      )}
    />
    <${ChartBox}
      label=${t("history.latchesChart")}
      summary=${t("history.latchesSummary", {
        today: number((latches.at(-1) ?? 0) + (night.at(-1) ?? 0)),
        total: number(sum(latches) + sum(night)),
        days
      })}${planToday?.targets.latches === undefined ? "" : ` ${t("history.latchTargetSummary", { target: number(planToday.targets.latches.target) })}`}
      config=${bars(
        labels,
        [
          { label: t("history.day"), data: latches, backgroundColor: COLORS.expressed },
          { label: t("history.night"), data: night, backgroundColor: COLORS.night },
          ...(latchTarget ? [lineDataset(t("history.latchTarget"), latchTarget, COLORS.plan)] : []),
          ...(nightTarget ? [lineDataset(t("history.nightTarget"), nightTarget, COLORS.night)] : [])
        ] as never,
        true
      )}
    />
    <${ChartBox}
      label=${t("history.pumpedChart", { unit })}
      summary=${t("history.pumpedSummary", {
        today: `${number(pumped.at(-1) ?? 0, 2)} ${unit}`,
        total: `${number(sum(pumped), 2)} ${unit}`,
        days
      })}${planToday?.targets.pumpedMl === undefined ? "" : ` ${t("history.pumpedTargetSummary", { target: volume(planToday.targets.pumpedMl.target, settings.volume) })}`}
      config=${bars(
        labels,
        [
          { label: t("history.pumped"), data: pumped, backgroundColor: COLORS.donor },
          ...(pumpedTarget ? [lineDataset(t("history.pumpedTarget"), pumpedTarget, COLORS.plan)] : [])
        ] as never,
        false
      )}
    />
    <${PlanInRange} days=${plan} />
    <h2>${t("history.weightTitle")}</h2>
    ${
      points.length === 0
        ? html`<p class="empty">${t("history.noWeighIns")}</p>`
        : html`<${ChartBox}
            label=${t("history.weightChart", { unit: wunit === "g" ? "g" : "lb" })}
            summary=${`${t("history.weightSummary", { weight: weightText(points.at(-1)?.grams ?? 0, wunit) })}${
              lastBand === undefined
                ? ""
                : ` ${t("history.weightBandSummary", { p15: weightText(lastBand.p15, wunit), p85: weightText(lastBand.p85, wunit) })}`
            }`}
            config=${{
              type: "line",
              data: {
                labels: weightLabels,
                datasets: [
                  {
                    label: t("history.weight"),
                    data: grams,
                    borderColor: COLORS.expressed,
                    backgroundColor: COLORS.expressed
                  },
                  ...(band.some((b) => b !== undefined)
                    ? [
                        {
                          label: t("history.weightBand"),
                          data: band.map((b) => (b === undefined ? null : toUnit(b.p85))),
                          borderColor: COLORS.band,
                          backgroundColor: COLORS.band,
                          pointRadius: 0,
                          fill: "+1"
                        },
                        {
                          label: "WHO P15",
                          data: band.map((b) => (b === undefined ? null : toUnit(b.p15))),
                          borderColor: COLORS.band,
                          backgroundColor: COLORS.band,
                          pointRadius: 0
                        }
                      ]
                    : [])
                ]
              },
              options: {
                animation: false,
                maintainAspectRatio: false,
                plugins: {
                  legend: {
                    display: band.some((b) => b !== undefined),
                    // The band's lower edge has no legend entry of its own.
                    labels: { filter: (item: { datasetIndex?: number }) => item.datasetIndex !== 2 }
                  }
                }
              }
            }}
          />`
    }
    ${
      weight.last7Days
        ? html`<p>${t("history.last7Days", {
            perWeek: gramsText(weight.last7Days.gramsPerDay * 7),
            count: number(weight.last7Days.points)
          })}</p>`
        : null
    }
    ${
      weight.who.length > 0
        ? html`<${ChartBox}
              label=${t("history.whoChart")}
              summary=${weight.who
                .map((w) => `${whoInterval(w.interval)}: ${gramsText(w.gainGrams)}, ${t(`band.${w.band}`)}`)
                .join("; ")}
              config=${{
                type: "bar",
                data: {
                  labels: weight.who.map((w) => whoInterval(w.interval)),
                  datasets: [
                    {
                      type: "line",
                      label: t("history.baby"),
                      data: weight.who.map((w) => Math.round(w.gainGrams)),
                      borderColor: COLORS.formula,
                      backgroundColor: COLORS.formula,
                      pointRadius: 6,
                      showLine: false
                    },
                    {
                      label: "WHO P15–P85",
                      data: weight.who.map((w) => [w.reference.p15, w.reference.p85]),
                      backgroundColor: COLORS.band,
                      grouped: false
                    },
                    {
                      label: "WHO P5–P15",
                      data: weight.who.map((w) => [w.reference.p5, w.reference.p15]),
                      backgroundColor: COLORS.outer,
                      grouped: false
                    }
                  ]
                },
                options: { animation: false, maintainAspectRatio: false }
              }}
            />
            <table class="who">
              <caption>${t("history.whoCaption")}</caption>
              <thead><tr><th scope="col">${t("history.interval")}</th><th scope="col">${t("history.gain")}</th><th scope="col">${t("history.percentiles")}</th><th scope="col">${t("history.band")}</th></tr></thead>
              <tbody>${weight.who.map(
                (w) =>
                  html`<tr><td>${whoInterval(w.interval)}</td><td>${gramsText(w.gainGrams)}</td><td>${[w.reference.p5, w.reference.p15, w.reference.median, w.reference.p85].map((g) => number(g, 0)).join(" / ")}</td><td>${t(`band.${w.band}`)}</td></tr>`
              )}</tbody>
            </table>`
        : weight.birthDate === undefined || weight.sex === undefined
          ? html`<p class="note">${t("history.whoHint")}</p>`
          : null
    }
  </div>`
}
