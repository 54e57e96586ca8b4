// Today's plan on the Today screen: the targets of the plan in force today (the shared `plan`
// event) against what was logged, met or not yet, and the day's supplement ceiling against the
// supplement given, all from core's `planProgress`. It shows; it gives no advice.
import type { PlanDay, TargetName } from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import { number, volume } from "./Format.js"
import { html } from "./html.js"
import { type MessageKey, t } from "./I18n.js"
import type { Link, Settings } from "./Link.js"
import { planProgressOf } from "./Plan.js"

const ORDER: ReadonlyArray<TargetName> = ["latches", "nightLatches", "latchMinutes", "pumps", "pumpedMl"]
const LABEL: Record<TargetName, MessageKey> = {
  latches: "plan.field.latches",
  nightLatches: "plan.field.nightLatches",
  latchMinutes: "plan.field.latchMinutes",
  pumps: "plan.field.pumps",
  pumpedMl: "plan.field.pumpedMl"
}

/** The targets and the supplement ceiling of the plan in force on `day` (a local date). */
export function TodayPlan(props: { log: EventLog; link: Link; settings: Settings; day: string }) {
  const { log, link, settings, day } = props
  const progress = planProgressOf(log, settings, link, day)
  const today: PlanDay | undefined = progress.days.find((d) => d.date === day)
  const vol = (ml: number) => volume(ml, settings.volume)
  const amount = (name: TargetName, n: number) =>
    name === "pumpedMl" ? vol(n) : number(name === "latchMinutes" ? Math.round(n) : n)
  if (today?.plan === undefined) {
    return html`<section class="today-plan" aria-labelledby="today-plan-h">
      <h2 id="today-plan-h">${t("planToday.title")}</h2>
      <p class="note" data-plan="none">${t("planToday.none")}</p>
    </section>`
  }
  const s = today.supplement
  const given = s.givenMl ?? 0
  return html`<section class="today-plan" aria-labelledby="today-plan-h">
    <h2 id="today-plan-h">${t("planToday.title")}</h2>
    <ul class="targets" aria-label=${t("planToday.title")}>
      ${ORDER.flatMap((name) => {
        const r = today.targets[name]
        if (r === undefined) return []
        const met = r.met === true
        return [
          html`<li data-target=${name} data-met=${met ? "yes" : "no"}>
            <span class="target-name">${t(LABEL[name])}</span>
            <span>${t("planToday.target", { actual: amount(name, r.actual ?? 0), target: amount(name, r.target) })}</span>
            <span class=${met ? "met" : "not-met"}>${met ? t("planToday.met") : t("planToday.notYet")}</span>
          </li>`
        ]
      })}
      ${
        s.ceilingMl === undefined
          ? null
          : html`<li data-target="supplement" data-met=${given <= s.ceilingMl ? "yes" : "no"}>
              <span class="target-name">${t("planToday.supplement")}</span>
              <span>${t("planToday.ceiling", { given: vol(given), ceiling: vol(s.ceilingMl) })}</span>
              <span class=${given <= s.ceilingMl ? "met" : "not-met"}>${
                given <= s.ceilingMl
                  ? t("planToday.within")
                  : t("planToday.over", { amount: vol(given - s.ceilingMl) })
              }</span>
            </li>`
      }
    </ul>
    ${
      s.ceilingMl === undefined
        ? null
        : html`<p class="note" data-plan="steps">${t("planToday.steps", { count: number(s.reductions) })}${
            s.held ? ` ${t("planToday.held")}` : ""
          }</p>`
    }
  </section>`
}
