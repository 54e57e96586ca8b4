// The History screen: the last 14 days as charts (supplement by milk, latches, pumped) and the
// weight trend with the WHO weight-velocity bands when the child's birth date and sex are set.
// Charts are Chart.js; each canvas has a text summary for screen readers.
import { type DayTotals, formatVolume, formatWeight } from "@relactation/core"
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
import { html } from "./html.js"
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
  const labels = dates.map((d) => d.slice(5))
  const pick = (f: (d: DayTotals) => number) =>
    dates.map((d) => {
      const t = byDate.get(d)
      return t ? f(t) : 0
    })
  const imperial = settings.volume === "fl-oz"
  const vol = (ml: number) => (imperial ? Math.round((ml / 29.5735) * 100) / 100 : Math.round(ml))
  const unit = imperial ? "fl oz" : "ml"
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
  const weightLabels = weight.points.map((p) => localDay(p.at, settings.timeZone, 0).slice(5))
  const grams = weight.points.map((p) =>
    wunit === "g" ? p.grams : Math.round((p.grams / 453.592) * 100) / 100
  )

  return html`<div class="history">
    <h2>Last 14 days</h2>
    ${
      trend
        ? html`<p class="note">Supplement: ${formatVolume(trend.lastWeekMlPerDay, settings.volume)} a day this week, ${formatVolume(trend.previousWeekMlPerDay, settings.volume)} the week before (${trend.changeMlPerDay <= 0 ? "" : "+"}${formatVolume(trend.changeMlPerDay, settings.volume)}).</p>`
        : null
    }
    <${ChartBox}
      label=${`Supplement (${unit}) by milk`}
      summary=${`Total over 14 days: formula ${sum(formula)}, expressed ${sum(expressed)}, donor ${sum(donor)} ${unit}.`}
      config=${bars(
        labels,
        [
          { label: "Formula", data: formula, backgroundColor: COLORS.formula },
          { label: "Expressed", data: expressed, backgroundColor: COLORS.expressed },
          { label: "Donor", data: donor, backgroundColor: COLORS.donor }
        ],
        true
      )}
    />
    <${ChartBox}
      label="Latches (day and night)"
      summary=${`Today ${(latches.at(-1) ?? 0) + (night.at(-1) ?? 0)} latches, ${sum(latches) + sum(night)} over 14 days.`}
      config=${bars(
        labels,
        [
          { label: "Day", data: latches, backgroundColor: COLORS.expressed },
          { label: "Night", data: night, backgroundColor: COLORS.night }
        ],
        true
      )}
    />
    <${ChartBox}
      label=${`Pumped (${unit})`}
      summary=${`Today ${pumped.at(-1) ?? 0} ${unit}, ${sum(pumped)} ${unit} over 14 days.`}
      config=${bars(labels, [{ label: "Pumped", data: pumped, backgroundColor: COLORS.donor }], false)}
    />
    <h2>Weight</h2>
    ${
      weight.points.length === 0
        ? html`<p class="empty">No weigh-ins yet.</p>`
        : html`<${ChartBox}
            label=${`Weight (${wunit === "g" ? "g" : "lb"})`}
            summary=${`Latest ${formatWeight(weight.points.at(-1)?.grams ?? 0, wunit)}.`}
            config=${{
              type: "line",
              data: {
                labels: weightLabels,
                datasets: [
                  {
                    label: "Weight",
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
        ? html`<p>Last 7 days: ${Math.round(weight.last7Days.gramsPerDay * 7)} g a week (${weight.last7Days.points} weigh-ins).</p>`
        : null
    }
    ${
      weight.who.length > 0
        ? html`<${ChartBox}
              label="Monthly gain against WHO weight velocity (g)"
              summary=${weight.who.map((w) => `${w.interval}: ${Math.round(w.gainGrams)} g, ${w.band}`).join("; ")}
              config=${{
                type: "bar",
                data: {
                  labels: weight.who.map((w) => w.interval),
                  datasets: [
                    {
                      type: "line",
                      label: "Baby",
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
              <caption>WHO weight velocity (WHO Child Growth Standards)</caption>
              <thead><tr><th scope="col">Interval</th><th scope="col">Gain</th><th scope="col">P5 / P15 / median / P85</th><th scope="col">Band</th></tr></thead>
              <tbody>${weight.who.map(
                (w) =>
                  html`<tr><td>${w.interval}</td><td>${Math.round(w.gainGrams)} g</td><td>${w.reference.p5} / ${w.reference.p15} / ${w.reference.median} / ${w.reference.p85}</td><td>${w.band}</td></tr>`
              )}</tbody>
            </table>`
        : html`<p class="note">Set the child’s birth date and sex in Settings to compare gains with the WHO weight-velocity standards.</p>`
    }
  </div>`
}
