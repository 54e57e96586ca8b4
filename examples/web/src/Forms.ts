// Quick entry and correction forms. Validation is the library's: the draft is checked with
// `makeSync` before anything is written, so a correction never retracts the old entry unless the
// new one is valid, and bad input shows the field and the rule while storing nothing.
import {
  type Draft,
  type Event,
  type FieldProblem,
  flOzFromMl,
  type InvalidEvent,
  lbOzFromGrams,
  makeSync,
  type Milk,
  type PumpMethod,
  type Side,
  type Via
} from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import { useState } from "preact/hooks"
import { addAndNotify } from "./PendingSns.js"
import { clock, fromInputValue, minutes, stopwatch, toInputValue } from "./Time.js"
import { html } from "./html.js"
import { current, type MessageKey, t } from "./I18n.js"
import { number, volumeUnit } from "./Format.js"
import { allNames, type ChildInfo, childName } from "./Children.js"
import type { Entry } from "./Family.js"
import type { Link, Settings } from "./Link.js"

export type EntryKind = Entry["type"]

const fieldKeys = new Set([
  "durationSec",
  "side",
  "totalMl",
  "leftMl",
  "rightMl",
  "method",
  "ml",
  "milk",
  "via",
  "latch",
  "grams",
  "name",
  "dose",
  "unit",
  "at",
  "birthDate",
  "sex"
])
const fieldLabel = (field: string): string | undefined =>
  fieldKeys.has(field) ? t(`field.${field}` as MessageKey) : undefined

const unitHint = (field: string, settings: Settings): string => {
  if (/ml$|Ml$/.test(field)) return settings.volume === "ml" ? t("field.hint.ml") : t("field.hint.flOz")
  if (field === "grams") return t("field.hint.grams")
  if (field === "durationSec") return t("field.hint.seconds")
  return ""
}

// In English the library's own text (it names the limits and the value given); in another
// language the rule's stable code, translated, with the limits the English text names.
export const rule = (p: FieldProblem): string => {
  if (current().language === "en" || p.code === undefined) return p.message
  const [min, max] = [...p.message.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => number(Number(m[0]), 2))
  if (p.code === "range" && min !== undefined && max !== undefined) return t("rule.range", { min, max })
  if (p.code === "too-long" && min !== undefined) return t("rule.too-long", { max: min })
  return p.code === "range" || p.code === "too-long" ? t("rule.invalid") : t(`rule.${p.code}`)
}

/** "Amount pumped (ml): must be between 0 and 2000" for each broken rule. */
export const describe = (error: unknown, settings: Settings): string => {
  const e = error as Partial<InvalidEvent>
  if (e?._tag === "InvalidEvent" && Array.isArray(e.problems)) {
    return e.problems
      .map((p) => {
        const field = String(p.path[0] ?? "")
        const label =
          field === "name" && e.type === "child"
            ? t("field.childName")
            : field === "name" && e.type === "caregiver"
              ? t("field.yourName")
              : (fieldLabel(field) ?? field)
        return `${label}${unitHint(field, settings)}: ${rule(p)}`
      })
      .join(". ")
  }
  return error instanceof Error ? error.message : String(error)
}

class FormProblem extends Error {}

/** `running|<caregiver>|<startedAt>`: the SNS feed belongs to a latch whose timer still runs. */
const parseRunning = (choice: string): { by: string; startedAt: string } | undefined => {
  const [tag, by, startedAt] = choice.split("|")
  return tag === "running" && by && startedAt ? { by, startedAt } : undefined
}

const num = (value: string, label: string, required: boolean): number | undefined => {
  const v = value.trim().replace(",", ".")
  if (v === "") {
    if (required) throw new FormProblem(t("form.enterNumber", { label }))
    return undefined
  }
  const n = Number(v)
  if (!Number.isFinite(n)) throw new FormProblem(t("form.notANumber", { label, value }))
  return n
}

type Fields = Record<string, string>

const initialFields = (kind: EntryKind, settings: Settings, from: Entry | undefined): Fields => {
  const vol = (ml: number | undefined) =>
    ml === undefined ? "" : settings.volume === "ml" ? String(ml) : String(flOzFromMl(ml))
  switch (from?.type) {
    case "latch":
      return { side: from.side, minutes: String(Math.round(from.durationSec / 60) || 1) }
    case "pump":
      return {
        method: from.method,
        minutes: String(Math.round(from.durationSec / 60) || 1),
        total: vol(from.totalMl),
        left: vol(from.leftMl),
        right: vol(from.rightMl)
      }
    case "supplement":
      return { amount: vol(from.ml), milk: from.milk, via: from.via, latch: from.latch ?? "" }
    case "weigh-in": {
      const { lb, oz } = lbOzFromGrams(from.grams)
      return {
        grams: String(from.grams),
        lb: String(lb),
        oz: String(oz),
        place: from.place ?? "home",
        clothed: from.clothed ? "yes" : "no"
      }
    }
    case "medication":
      return {
        name: from.name,
        dose: from.dose === undefined ? "" : String(from.dose),
        unit: from.unit ?? ""
      }
    default:
      break
  }
  const defaults: Record<EntryKind, Fields> = {
    latch: { side: "left", minutes: "15" },
    pump: { method: "electric", minutes: "15", total: "", left: "", right: "" },
    supplement: { amount: "", milk: "formula", via: "bottle", latch: "" },
    "weigh-in": { grams: "", lb: "", oz: "", place: "home", clothed: "no" },
    medication: { name: "", dose: "", unit: "mg" }
  }
  return defaults[kind]
}

const toDraft = (kind: EntryKind, f: Fields, settings: Settings, link: Link): Draft => {
  const common = { child: link.child, by: link.caregiver }
  const imperial = settings.volume === "fl-oz"
  const amount = (
    key: "ml" | "totalMl" | "leftMl" | "rightMl",
    value: string,
    label: string,
    required: boolean
  ) => {
    const n = num(value, label, required)
    if (n === undefined) return {}
    return imperial ? { [key.replace("Ml", "FlOz").replace(/^ml$/, "flOz")]: n } : { [key]: n }
  }
  const minutes = (label: string) => {
    const m = num(f.minutes ?? "", label, true) ?? 0
    return { durationSec: Math.round(m * 60) }
  }
  switch (kind) {
    case "latch":
      return { ...common, type: "latch", side: f.side as Side, ...minutes(t("form.durationMinutes")) }
    case "pump": {
      const sides = {
        ...amount("leftMl", f.left ?? "", t("form.side.left"), false),
        ...amount("rightMl", f.right ?? "", t("form.side.right"), false)
      }
      const bothSides = Object.keys(sides).length === 2
      return {
        ...common,
        type: "pump",
        method: f.method as PumpMethod,
        ...minutes(t("form.durationMinutes")),
        ...amount("totalMl", f.total ?? "", t("field.totalMl"), !bothSides),
        ...sides
      }
    }
    case "supplement":
      return {
        ...common,
        type: "supplement",
        milk: f.milk as Milk,
        via: f.via as Via,
        ...amount("ml", f.amount ?? "", t("field.ml"), true),
        ...(f.via === "sns" && f.latch && f.latch !== "none" && !f.latch.startsWith("running|")
          ? { latch: f.latch }
          : {})
      }
    case "weigh-in": {
      const place = f.place === "clinic" ? "clinic" : "home"
      const clothed = f.clothed === "yes"
      if (settings.weight === "lb-oz") {
        const lb = num(f.lb ?? "", t("form.pounds"), true) ?? 0
        const oz = num(f.oz ?? "", t("form.ounces"), false) ?? 0
        return { ...common, type: "weigh-in", lb, oz, place, clothed }
      }
      return {
        ...common,
        type: "weigh-in",
        grams: num(f.grams ?? "", t("form.weightG"), true) ?? 0,
        place,
        clothed
      }
    }
    case "medication": {
      const dose = num(f.dose ?? "", t("form.dose"), false)
      const unit = (f.unit ?? "").trim()
      return {
        ...common,
        type: "medication",
        name: (f.name ?? "").trim(),
        ...(dose === undefined ? {} : { dose }),
        ...(unit === "" ? {} : { unit })
      }
    }
  }
}

const options = (values: ReadonlyArray<readonly [string, string]>, selected: string) =>
  values.map(([v, label]) => html`<option value=${v} selected=${v === selected}>${label}</option>`)

/** One form for one entry type; `from` makes it a correction of that entry. */
export function EntryForm(props: {
  log: EventLog
  link: Link
  settings: Settings
  kind: EntryKind
  from?: Entry
  /** The family's children: with two or more, a new latch can be logged for all of them at once. */
  children?: ReadonlyArray<ChildInfo>
  onDone: (message: string) => void
  onCancel: () => void
}) {
  const { log, link, settings, kind, from } = props
  const children = props.children ?? []
  // Twins nursed together: one latch entry per child.
  const forAll = kind === "latch" && from === undefined && children.length > 1
  const tz = settings.timeZone
  const [fields, setFields] = useState<Fields>(() => initialFields(kind, settings, from))
  const [atValue, setAtValue] = useState(() => toInputValue(from ? Date.parse(from.at) : Date.now(), tz))
  const [atTouched, setAtTouched] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const set = (key: string) => (e: { currentTarget: { value: string } }) =>
    setFields((f) => ({ ...f, [key]: e.currentTarget.value }))
  const id = (key: string) => `f-${kind}-${key}`
  const volUnit = volumeUnit(settings.volume)

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setError(undefined)
    try {
      let draft = toDraft(
        kind,
        kind === "supplement" ? { ...fields, latch: latchChoice } : fields,
        settings,
        link
      )
      if (atTouched || from) {
        const at = fromInputValue(atValue, tz)
        if (at === undefined) throw new FormProblem(t("form.enterTime"))
        draft = { ...draft, at }
      }
      const running = kind === "supplement" && fields.via === "sns" ? parseRunning(latchChoice) : undefined
      if (running && draft.type === "supplement") {
        // Waits for the running latch's event; recorded now, with the time it was given.
        const { latch: _none, ...unlinked } = { ...draft, at: draft.at ?? Date.now() }
        makeSync(unlinked)
        addAndNotify(log.logId, {
          key: `${Date.now()}-${Math.random()}`,
          draft: unlinked,
          latchBy: running.by,
          latchStartedAt: running.startedAt
        })
        props.onDone(t("form.snsWaiting"))
        return
      }
      makeSync(draft) // throws InvalidEvent naming the field; nothing is written yet
      setBusy(true)
      if (from) await log.retract(from.id, "corrected")
      const event = await log.append(draft)
      if (forAll && fields.for === "all")
        for (const c of children)
          if (c.id !== draft.child) await log.append({ ...draft, child: c.id, at: event.at })
      props.onDone(
        from
          ? t("form.corrected", { kind: t(`kind.${kind}`) })
          : t("form.saved", { kind: t(`kind.${kind}`), time: clock(event.at, tz) })
      )
    } catch (err) {
      setError(err instanceof FormProblem ? err.message : describe(err, settings))
    } finally {
      setBusy(false)
    }
  }

  const runningLatches = [
    ...(log.session?.kind === "latch"
      ? [{ by: link.caregiver, name: t("who.you"), startedAt: log.session.startedAt }]
      : []),
    ...log.peers
      .filter((p) => !p.self && p.session?.kind === "latch")
      .map((p) => ({
        by: p.caregiver,
        name: p.name ?? t("who.otherParentLower"),
        startedAt: p.session!.startedAt
      }))
  ]
  const lastLatches = log.events
    .filter((ev): ev is Extract<Event, { type: "latch" }> => ev.type === "latch" && ev.child === link.child)
    .slice(-3)
    .reverse()
  const latchOptions: Array<readonly [string, string]> = [
    ...runningLatches.map(
      (r) =>
        [
          `running|${r.by}|${r.startedAt}`,
          t("form.latch.running", {
            name: r.name,
            elapsed: stopwatch((Date.now() - Date.parse(r.startedAt)) / 1000)
          })
        ] as const
    ),
    ...lastLatches.map(
      (l) =>
        [
          l.id,
          t("form.latch.past", {
            time: clock(l.at, tz),
            side: t(`side.${l.side}`),
            duration: minutes(l.durationSec)
          })
        ] as const
    ),
    ["none", t("form.latch.none")]
  ]
  const latchChoice = fields.latch || latchOptions[0]?.[0] || "none"
  const title = t(from ? "form.correct" : "form.log", { kind: t(`kindLower.${kind}`) })
  const field = (key: string, label: string, input: unknown) =>
    html`<div class="field"><label for=${id(key)}>${label}</label>${input}</div>`
  const numberInput = (key: string, extra: Record<string, unknown> = {}) =>
    html`<input id=${id(key)} name=${key} inputmode="decimal" value=${fields[key] ?? ""} onInput=${set(key)} ...${extra} />`
  const select = (key: string, values: ReadonlyArray<readonly [string, string]>) =>
    html`<select id=${id(key)} name=${key} onChange=${set(key)}>${options(values, fields[key] ?? "")}</select>`

  const body = (() => {
    switch (kind) {
      case "latch":
        return [
          forAll
            ? field(
                "for",
                t("children.for"),
                select("for", [
                  [link.child, childName(children, link.child)],
                  ["all", allNames(children)]
                ])
              )
            : null,
          field(
            "side",
            t("form.side"),
            select("side", [
              ["left", t("form.side.left")],
              ["right", t("form.side.right")],
              ["both", t("form.side.both")]
            ])
          ),
          field("minutes", t("form.durationMinutes"), numberInput("minutes"))
        ]
      case "pump":
        return [
          field(
            "method",
            t("form.method"),
            select("method", [
              ["electric", t("form.method.electric")],
              ["manual", t("form.method.manual")],
              ["hand", t("form.method.hand")]
            ])
          ),
          field("minutes", t("form.durationMinutes"), numberInput("minutes")),
          field("total", t("form.amountPumped", { unit: volUnit }), numberInput("total")),
          html`<details><summary>${t("form.perSide")}</summary>
            ${field("left", t("form.left", { unit: volUnit }), numberInput("left"))}
            ${field("right", t("form.right", { unit: volUnit }), numberInput("right"))}
          </details>`
        ]
      case "supplement":
        return [
          field("amount", t("form.amount", { unit: volUnit }), numberInput("amount")),
          field(
            "milk",
            t("form.milk"),
            select("milk", [
              ["formula", t("form.milk.formula")],
              ["expressed", t("form.milk.expressed")],
              ["donor", t("form.milk.donor")]
            ])
          ),
          field(
            "via",
            t("form.via"),
            select("via", [
              ["bottle", t("form.via.bottle")],
              ["cup", t("form.via.cup")],
              ["syringe", t("form.via.syringe")],
              ["spoon", t("form.via.spoon")],
              ["finger", t("form.via.finger")],
              ["sns", t("form.via.sns")]
            ])
          ),
          fields.via === "sns"
            ? field(
                "latch",
                t("form.duringLatch"),
                html`<select id=${id("latch")} name="latch" onChange=${set("latch")}>${options(latchOptions, latchChoice)}</select>`
              )
            : null
        ]
      case "weigh-in":
        return [
          settings.weight === "g"
            ? field("grams", t("form.weightG"), numberInput("grams", { inputmode: "numeric" }))
            : html`<div class="row">${field("lb", t("form.pounds"), numberInput("lb"))}${field("oz", t("form.ounces"), numberInput("oz"))}</div>`,
          field(
            "place",
            t("form.scale"),
            select("place", [
              ["home", t("form.scale.home")],
              ["clinic", t("form.scale.clinic")]
            ])
          ),
          field(
            "clothed",
            t("form.clothed"),
            select("clothed", [
              ["no", t("form.clothed.no")],
              ["yes", t("form.clothed.yes")]
            ])
          )
        ]
      case "medication":
        return [
          field(
            "name",
            t("form.medicationName"),
            html`<input id=${id("name")} name="name" value=${fields.name} onInput=${set("name")} autocomplete="off" />`
          ),
          html`<div class="row">${field("dose", t("form.dose"), numberInput("dose"))}${field("unit", t("form.unit"), html`<input id=${id("unit")} name="unit" value=${fields.unit} onInput=${set("unit")} />`)}</div>`
        ]
    }
  })()

  return html`<div class="sheet" role="dialog" aria-modal="true" aria-labelledby=${id("title")}>
    <form onSubmit=${submit} noValidate>
      <h2 id=${id("title")}>${title}</h2>
      ${body}
      ${field(
        "at",
        t("form.time"),
        html`<input id=${id("at")} type="datetime-local" value=${atValue} onInput=${(e: {
          currentTarget: { value: string }
        }) => {
          setAtValue(e.currentTarget.value)
          setAtTouched(true)
        }} />`
      )}
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <div class="actions">
        <button type="button" class="secondary" onClick=${props.onCancel}>${t("form.cancel")}</button>
        <button type="submit" class="primary" disabled=${busy}>${t("form.save")}</button>
      </div>
    </form>
  </div>`
}
