// The plan editor (in Settings): daily targets and the supplement-reduction schedule, written as a
// `plan` event so the other phone sees the same plan at once. Validation is core's: the draft is
// checked with `makeSync` before anything is written, and each broken rule shows its field.
import {
  type FieldProblem,
  flOzFromMl,
  type InvalidEvent,
  makeSync,
  mlFromFlOz,
  type Plan,
  type PlanDraft
} from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import { useState } from "preact/hooks"
import { caregiverNames } from "./Family.js"
import { describe as describeOther, rule } from "./Forms.js"
import { number, volumeUnit } from "./Format.js"
import { html } from "./html.js"
import { current, type MessageKey, t } from "./I18n.js"
import type { Link, Settings } from "./Link.js"
import { planProgressOf } from "./Plan.js"
import { localDay } from "./Time.js"

const GRAMS_PER_OZ = 28.3495
type Fields = Record<FieldName, string>
type FieldName =
  | "latches"
  | "nightLatches"
  | "latchMinutes"
  | "pumps"
  | "pumpedMl"
  | "startMl"
  | "stepMl"
  | "everyDays"
  | "minimumMl"
  | "from"
  | "holdBelowGramsPerDay"
  | "note"

const TARGETS = ["latches", "nightLatches", "latchMinutes", "pumps", "pumpedMl"] as const
const VOLUMES = new Set<FieldName>(["pumpedMl", "startMl", "stepMl", "minimumMl"])
const LABEL: Record<FieldName, MessageKey> = {
  latches: "plan.field.latches",
  nightLatches: "plan.field.nightLatches",
  latchMinutes: "plan.field.latchMinutes",
  pumps: "plan.field.pumps",
  pumpedMl: "plan.field.pumpedMl",
  startMl: "plan.field.startMl",
  stepMl: "plan.field.stepMl",
  everyDays: "plan.field.everyDays",
  minimumMl: "plan.field.minimumMl",
  from: "plan.field.from",
  holdBelowGramsPerDay: "plan.field.holdBelowGramsPerDay",
  note: "plan.field.note"
}

/** A local date `YYYY-MM-DD` in the locale's medium style (`2 Jun 2027`, `02.06.2027`). */
const longDate = (date: string): string =>
  new Intl.DateTimeFormat(current().locale, { dateStyle: "medium", timeZone: "UTC" }).format(
    Date.parse(`${date}T12:00:00Z`)
  )

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits

/** The form's text for a plan, in this phone's units (empty fields for what the plan leaves out). */
const fieldsOf = (plan: Plan | undefined, settings: Settings): Fields => {
  const vol = (ml: number | undefined) =>
    ml === undefined ? "" : String(settings.volume === "ml" ? ml : flOzFromMl(ml))
  const plain = (n: number | undefined) => (n === undefined ? "" : String(n))
  const s = plan?.supplement
  const hold = s?.holdBelowGramsPerDay
  return {
    latches: plain(plan?.targets?.latches),
    nightLatches: plain(plan?.targets?.nightLatches),
    latchMinutes: plain(plan?.targets?.latchMinutes),
    pumps: plain(plan?.targets?.pumps),
    pumpedMl: vol(plan?.targets?.pumpedMl),
    startMl: vol(s?.startMl),
    stepMl: vol(s?.stepMl),
    everyDays: plain(s?.everyDays),
    minimumMl: vol(s?.minimumMl),
    from: s?.from ?? "",
    holdBelowGramsPerDay:
      hold === undefined ? "" : String(settings.weight === "g" ? hold : round(hold / GRAMS_PER_OZ, 2)),
    note: plan?.note ?? ""
  }
}

class FormProblem extends Error {}

/** The plan draft the form describes; throws FormProblem for text that is not a number. */
export const planDraft = (f: Fields, settings: Settings, link: Link): PlanDraft => {
  const read = (k: FieldName): number | undefined => {
    const v = f[k].trim().replace(",", ".")
    if (v === "") return undefined
    const n = Number(v)
    if (!Number.isFinite(n)) throw new FormProblem(t("plan.notANumber", { label: t(LABEL[k]), value: f[k] }))
    if (VOLUMES.has(k)) return settings.volume === "ml" ? n : mlFromFlOz(n)
    if (k === "holdBelowGramsPerDay") return settings.weight === "g" ? n : round(n * GRAMS_PER_OZ, 1)
    return n
  }
  const pick = (keys: ReadonlyArray<FieldName>): Record<string, number> =>
    Object.fromEntries(
      keys.flatMap((k) => {
        const n = read(k)
        return n === undefined ? [] : [[k, n]]
      })
    )
  const targets = pick(TARGETS)
  const schedule: Record<string, number | string> = pick([
    "startMl",
    "stepMl",
    "everyDays",
    "minimumMl",
    "holdBelowGramsPerDay"
  ])
  if (f.from.trim() !== "") schedule.from = f.from.trim()
  const note = f.note.trim()
  return {
    type: "plan",
    child: link.child,
    by: link.caregiver,
    ...(Object.keys(targets).length === 0 ? {} : { targets }),
    ...(Object.keys(schedule).length === 0 ? {} : { supplement: schedule as never }),
    ...(note === "" ? {} : { note })
  }
}

const unitHint = (field: string, settings: Settings): string =>
  VOLUMES.has(field as FieldName) && settings.volume === "fl-oz"
    ? t("field.hint.flOz")
    : field === "holdBelowGramsPerDay" && settings.weight === "lb-oz"
      ? t("plan.hint.gramsPerDay")
      : ""

// The two rules of a whole plan have their own words; every other rule is the field's, by code.
const planRule = (p: FieldProblem): string => {
  const [group, field] = p.path.map(String)
  if (p.code === "invalid" && group === "targets" && field === undefined) return t("plan.rule.needsOne")
  if (p.code === "invalid" && field === "minimumMl") return t("plan.rule.minimumAboveStart")
  // "More than 0", not "between 0 and …": 0 ml is no step. English keeps the library's own text.
  const limits = [...p.message.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]))
  if (p.code === "range" && field === "stepMl" && current().language !== "en" && limits[1] !== undefined)
    return t("plan.rule.stepRange", { max: number(limits[1]) })
  return rule(p)
}

/** "Latches a day: must be between 0 and 30 (got -1)" for each broken rule of a plan. */
export const describePlan = (error: unknown, settings: Settings): string => {
  const e = error as Partial<InvalidEvent>
  if (e?._tag !== "InvalidEvent" || e.type !== "plan" || !Array.isArray(e.problems))
    return describeOther(error, settings)
  return e.problems
    .map((p) => {
      const [group, field] = p.path.map(String)
      const name = (field ?? group ?? "") as FieldName
      const label = Object.hasOwn(LABEL, name) ? t(LABEL[name]) : t("plan.field.plan")
      return `${label}${unitHint(name, settings)}: ${planRule(p)}`
    })
    .join(". ")
}

/** The plan section of Settings: the plan in force, the editor, and withdrawing a plan. */
export function PlanEditor(props: { log: EventLog; link: Link; settings: Settings }) {
  const { log, link, settings } = props
  const today = localDay(Date.now(), settings.timeZone, settings.dayStartHour)
  const progress = planProgressOf(log, settings, link, today)
  const plan = progress.plan
  const [fields, setFields] = useState<Fields>(() => fieldsOf(plan, settings))
  // When the other phone changes the plan, the form shows the new one (unless being edited).
  const [shown, setShown] = useState(plan?.id)
  const [dirty, setDirty] = useState(false)
  if (plan?.id !== shown && !dirty) {
    setShown(plan?.id)
    setFields(fieldsOf(plan, settings))
  }
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>()
  const set = (k: FieldName) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value
    setDirty(true)
    setFields((f) => ({ ...f, [k]: value }))
  }
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    try {
      const draft = planDraft(fields, settings, link)
      makeSync(draft) // throws InvalidEvent naming each field; nothing is written yet
      const event = await log.append(draft)
      setDirty(false)
      setShown(event.id)
      setMessage({ text: t("plan.saved"), error: false })
    } catch (err) {
      setMessage({
        text: err instanceof FormProblem ? err.message : describePlan(err, settings),
        error: true
      })
    }
  }
  const withdraw = async () => {
    if (plan === undefined) return
    await log.retract(plan.id, "withdrawn")
    setDirty(false)
    setMessage({ text: t("plan.withdrawn"), error: false })
  }
  const vol = volumeUnit(settings.volume)
  const perDay = settings.weight === "g" ? t("plan.unit.gramsPerDay") : t("plan.unit.ouncesPerDay")
  const input = (k: FieldName, label: string, extra: Record<string, unknown> = {}) =>
    html`<div class="field"><label for=${`plan-${k}`}>${label}</label>
      <input id=${`plan-${k}`} name=${k} inputmode="decimal" value=${fields[k]} onInput=${set(k)} ...${extra} /></div>`
  const setOn = plan === undefined ? undefined : progress.course?.plans.find((p) => p.id === plan.id)?.date
  const by =
    plan === undefined
      ? ""
      : plan.by === link.caregiver
        ? t("who.you")
        : (caregiverNames(log.events).get(plan.by) ?? t("who.otherParentLower"))

  return html`<form class="plan-editor" onSubmit=${save} noValidate aria-labelledby="plan-h">
    <fieldset>
      <legend id="plan-h">${t("plan.title")}</legend>
      <p class="note" data-plan="in-force">${
        plan === undefined
          ? t("plan.none")
          : t("plan.inForce", { date: setOn === undefined ? "" : longDate(setOn), name: by })
      }</p>
      <p class="note">${t("plan.intro")}</p>
      <h3>${t("plan.targets")}</h3>
      <div class="row">
        ${input("latches", t("plan.field.latches"), { inputmode: "numeric" })}
        ${input("nightLatches", t("plan.field.nightLatches"), { inputmode: "numeric" })}
      </div>
      <div class="row">
        ${input("latchMinutes", t("plan.field.latchMinutes"))}
        ${input("pumps", t("plan.field.pumps"), { inputmode: "numeric" })}
      </div>
      ${input("pumpedMl", t("plan.input.pumpedMl", { unit: vol }))}
      <h3>${t("plan.schedule")}</h3>
      <p class="note">${t("plan.scheduleHint", { example: `${number(settings.volume === "ml" ? 30 : 1)} ${vol}` })}</p>
      ${input("startMl", t("plan.input.startMl", { unit: vol }))}
      <div class="row">
        ${input("stepMl", t("plan.input.stepMl", { unit: vol }))}
        ${input("everyDays", t("plan.field.everyDays"), { inputmode: "numeric" })}
      </div>
      <div class="row">
        ${input("minimumMl", t("plan.input.minimumMl", { unit: vol }))}
        <div class="field"><label for="plan-from">${t("plan.field.from")}</label>
          <input id="plan-from" name="from" type="date" value=${fields.from} onInput=${set("from")} /></div>
      </div>
      ${input("holdBelowGramsPerDay", t("plan.input.holdBelowGramsPerDay", { unit: perDay }), { inputmode: "decimal" })}
      <div class="field"><label for="plan-note">${t("plan.field.note")}</label>
        <input id="plan-note" name="note" value=${fields.note} onInput=${set("note")} autocomplete="off" /></div>
      ${message?.error ? html`<p class="error" role="alert">${message.text}</p>` : null}
      <p class="message" role="status" aria-live="polite">${message && !message.error ? message.text : ""}</p>
      <button class="primary big" type="submit">${t("plan.save")}</button>
      ${
        plan === undefined
          ? null
          : html`<button class="secondary big" type="button" onClick=${withdraw}>${t("plan.withdraw")}</button>`
      }
    </fieldset>
  </form>`
}
