// The History screen: the last 14 days as charts (supplement by milk, latches, pumped) and the
// weight trend with the WHO weight-velocity bands when the child's birth date and sex are set.
// Charts are Chart.js; each canvas has a text summary for screen readers.
import type { DayTotals } from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip
} from "chart.js"
import { useEffect, useRef } from "preact/hooks"
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
import type { Settings } from "./Link.js"
import { localDay } from "./Time.js"

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip
)

const COLORS = {
  formula: "#e09f3e",
  expressed: "#3a9d7f",
  donor: "#6c8ebf",
  night: "#7b6cc2",
  band: "rgba(58,157,127,0.25)",
  outer: "rgba(58,157,127,0.12)"
}

/** The last `n` local dates, oldest first, ending with `today`. */
export const lastDays = (today: string, n: number): Array<string> => {
  const end = Date.parse(`${today}T00:00:00Z`)
  return Array.from({ length: n }, (_, i) =>
    new Date(end - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10)
  )
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

export function History(props: { log: EventLog; settings: Settings }) {
  const { log, settings } = props
  const today = localDay(Date.now(), settings.timeZone, settings.dayStartHour)
  const dates = lastDays(today, 14)
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

  const trend = log.relactationProgress.trend
  const weight = log.weightTrend
  const wunit = settings.weight
  const weightLabels = weight.points.map((p) => dayMonth(localDay(p.at, settings.timeZone, 0)))
  const grams = weight.points.map((p) =>
    wunit === "g" ? p.grams : Math.round((p.grams / 453.592) * 100) / 100
  )

  return html`<div class="history">
    <h2>${t("history.title")}</h2>
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
        unit
      })}
      config=${bars(
        labels,
        [
          { label: t("history.formula"), data: formula, backgroundColor: COLORS.formula },
          { label: t("history.expressed"), data: expressed, backgroundColor: COLORS.expressed },
          { label: t("history.donor"), data: donor, backgroundColor: COLORS.donor }
        ],
        true
      )}
    />
    <${ChartBox}
      label=${t("history.latchesChart")}
      summary=${t("history.latchesSummary", {
        today: number((latches.at(-1) ?? 0) + (night.at(-1) ?? 0)),
        total: number(sum(latches) + sum(night))
      })}
      config=${bars(
        labels,
        [
          { label: t("history.day"), data: latches, backgroundColor: COLORS.expressed },
          { label: t("history.night"), data: night, backgroundColor: COLORS.night }
        ],
        true
      )}
    />
    <${ChartBox}
      label=${t("history.pumpedChart", { unit })}
      summary=${t("history.pumpedSummary", {
        today: `${number(pumped.at(-1) ?? 0, 2)} ${unit}`,
        total: `${number(sum(pumped), 2)} ${unit}`
      })}
      config=${bars(labels, [{ label: t("history.pumped"), data: pumped, backgroundColor: COLORS.donor }], false)}
    />
    <h2>${t("history.weightTitle")}</h2>
    ${
      weight.points.length === 0
        ? html`<p class="empty">${t("history.noWeighIns")}</p>`
        : html`<${ChartBox}
            label=${t("history.weightChart", { unit: wunit === "g" ? "g" : "lb" })}
            summary=${t("history.weightSummary", { weight: weightText(weight.points.at(-1)?.grams ?? 0, wunit) })}
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
                  }
                ]
              },
              options: {
                animation: false,
                maintainAspectRatio: false,
                plugins: { legend: { display: false } }
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
        : html`<p class="note">${t("history.whoHint")}</p>`
    }
  </div>`
}
