// Quick entry and correction forms. Validation is the library's: the draft is checked with
// `makeSync` before anything is written, so a correction never retracts the old entry unless the
// new one is valid, and bad input shows the field and the rule while storing nothing.
import {
  type Draft,
  type Event,
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
import { clock, fromInputValue, stopwatch, toInputValue } from "./Time.js"
import { html } from "./html.js"
import type { Entry } from "./Family.js"
import type { Link, Settings } from "./Link.js"

export type EntryKind = Entry["type"]

export const kindLabel: Record<EntryKind, string> = {
  latch: "Latch",
  pump: "Pump",
  supplement: "Supplement",
  "weigh-in": "Weigh-in",
  medication: "Medication"
}

const fieldLabel: Record<string, string> = {
  durationSec: "Duration",
  side: "Side",
  totalMl: "Amount pumped",
  leftMl: "Left amount",
  rightMl: "Right amount",
  method: "Method",
  ml: "Amount",
  milk: "Milk",
  via: "Given by",
  latch: "Latch",
  grams: "Weight",
  name: "Medication name",
  dose: "Dose",
  unit: "Dose unit",
  at: "Time",
  birthDate: "Birth date",
  sex: "Sex"
}

const unitHint = (field: string, settings: Settings): string => {
  if (/ml$|Ml$/.test(field))
    return settings.volume === "ml" ? " (ml)" : " (in ml after converting from fl oz)"
  if (field === "grams") return " (grams)"
  if (field === "durationSec") return " (seconds)"
  return ""
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
            ? "Child’s name"
            : field === "name" && e.type === "caregiver"
              ? "Your name"
              : (fieldLabel[field] ?? field)
        return `${label}${unitHint(field, settings)}: ${p.message}`
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
    if (required) throw new FormProblem(`${label}: enter a number`)
    return undefined
  }
  const n = Number(v)
  if (!Number.isFinite(n)) throw new FormProblem(`${label}: "${value}" is not a number`)
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
      return { ...common, type: "latch", side: f.side as Side, ...minutes("Duration (minutes)") }
    case "pump": {
      const sides = {
        ...amount("leftMl", f.left ?? "", "Left", false),
        ...amount("rightMl", f.right ?? "", "Right", false)
      }
      const bothSides = Object.keys(sides).length === 2
      return {
        ...common,
        type: "pump",
        method: f.method as PumpMethod,
        ...minutes("Duration (minutes)"),
        ...amount("totalMl", f.total ?? "", "Amount pumped", !bothSides),
        ...sides
      }
    }
    case "supplement":
      return {
        ...common,
        type: "supplement",
        milk: f.milk as Milk,
        via: f.via as Via,
        ...amount("ml", f.amount ?? "", "Amount", true),
        ...(f.via === "sns" && f.latch && f.latch !== "none" && !f.latch.startsWith("running|")
          ? { latch: f.latch }
          : {})
      }
    case "weigh-in": {
      const place = f.place === "clinic" ? "clinic" : "home"
      const clothed = f.clothed === "yes"
      if (settings.weight === "lb-oz") {
        const lb = num(f.lb ?? "", "Pounds", true) ?? 0
        const oz = num(f.oz ?? "", "Ounces", false) ?? 0
        return { ...common, type: "weigh-in", lb, oz, place, clothed }
      }
      return {
        ...common,
        type: "weigh-in",
        grams: num(f.grams ?? "", "Weight (g)", true) ?? 0,
        place,
        clothed
      }
    }
    case "medication": {
      const dose = num(f.dose ?? "", "Dose", false)
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
  onDone: (message: string) => void
  onCancel: () => void
}) {
  const { log, link, settings, kind, from } = props
  const tz = settings.timeZone
  const [fields, setFields] = useState<Fields>(() => initialFields(kind, settings, from))
  const [atValue, setAtValue] = useState(() => toInputValue(from ? Date.parse(from.at) : Date.now(), tz))
  const [atTouched, setAtTouched] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const set = (key: string) => (e: { currentTarget: { value: string } }) =>
    setFields((f) => ({ ...f, [key]: e.currentTarget.value }))
  const id = (key: string) => `f-${kind}-${key}`
  const volUnit = settings.volume === "ml" ? "ml" : "fl oz"

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
        if (at === undefined) throw new FormProblem("Time: enter a date and time")
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
        props.onDone("SNS feed saved: it is linked to the latch when the timer stops")
        return
      }
      makeSync(draft) // throws InvalidEvent naming the field; nothing is written yet
      setBusy(true)
      if (from) await log.retract(from.id, "corrected")
      const event = await log.append(draft)
      props.onDone(
        from ? `${kindLabel[kind]} corrected` : `${kindLabel[kind]} saved at ${clock(event.at, tz)}`
      )
    } catch (err) {
      setError(err instanceof FormProblem ? err.message : describe(err, settings))
    } finally {
      setBusy(false)
    }
  }

  const runningLatches = [
    ...(log.session?.kind === "latch"
      ? [{ by: link.caregiver, name: "you", startedAt: log.session.startedAt }]
      : []),
    ...log.peers
      .filter((p) => !p.self && p.session?.kind === "latch")
      .map((p) => ({ by: p.caregiver, name: p.name ?? "other parent", startedAt: p.session!.startedAt }))
  ]
  const lastLatches = log.events
    .filter((ev): ev is Extract<Event, { type: "latch" }> => ev.type === "latch")
    .slice(-3)
    .reverse()
  const latchOptions: Array<readonly [string, string]> = [
    ...runningLatches.map(
      (r) =>
        [
          `running|${r.by}|${r.startedAt}`,
          `Running now (${r.name}, ${stopwatch((Date.now() - Date.parse(r.startedAt)) / 1000)})`
        ] as const
    ),
    ...lastLatches.map(
      (l) => [l.id, `${clock(l.at, tz)} ${l.side}, ${Math.round(l.durationSec / 60)} min`] as const
    ),
    ["none", "Not linked"]
  ]
  const latchChoice = fields.latch || latchOptions[0]?.[0] || "none"
  const title = `${from ? "Correct" : "Log"} ${kindLabel[kind].toLowerCase()}`
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
          field(
            "side",
            "Side",
            select("side", [
              ["left", "Left"],
              ["right", "Right"],
              ["both", "Both"]
            ])
          ),
          field("minutes", "Duration (minutes)", numberInput("minutes"))
        ]
      case "pump":
        return [
          field(
            "method",
            "Method",
            select("method", [
              ["electric", "Electric pump"],
              ["manual", "Manual pump"],
              ["hand", "Hand expression"]
            ])
          ),
          field("minutes", "Duration (minutes)", numberInput("minutes")),
          field("total", `Amount pumped (${volUnit})`, numberInput("total")),
          html`<details><summary>Per side (optional)</summary>
            ${field("left", `Left (${volUnit})`, numberInput("left"))}
            ${field("right", `Right (${volUnit})`, numberInput("right"))}
          </details>`
        ]
      case "supplement":
        return [
          field("amount", `Amount (${volUnit})`, numberInput("amount")),
          field(
            "milk",
            "Milk",
            select("milk", [
              ["formula", "Formula"],
              ["expressed", "Expressed (own milk)"],
              ["donor", "Donor milk"]
            ])
          ),
          field(
            "via",
            "Given by",
            select("via", [
              ["bottle", "Bottle"],
              ["cup", "Cup"],
              ["syringe", "Syringe"],
              ["spoon", "Spoon"],
              ["finger", "Finger feeding"],
              ["sns", "SNS (at the breast)"]
            ])
          ),
          fields.via === "sns"
            ? field(
                "latch",
                "During latch",
                html`<select id=${id("latch")} name="latch" onChange=${set("latch")}>${options(latchOptions, latchChoice)}</select>`
              )
            : null
        ]
      case "weigh-in":
        return [
          settings.weight === "g"
            ? field("grams", "Weight (g)", numberInput("grams", { inputmode: "numeric" }))
            : html`<div class="row">${field("lb", "Pounds", numberInput("lb"))}${field("oz", "Ounces", numberInput("oz"))}</div>`,
          field(
            "place",
            "Scale",
            select("place", [
              ["home", "Home scale"],
              ["clinic", "Clinic scale"]
            ])
          ),
          field(
            "clothed",
            "Clothed",
            select("clothed", [
              ["no", "Undressed"],
              ["yes", "Clothed"]
            ])
          )
        ]
      case "medication":
        return [
          field(
            "name",
            "Medication name",
            html`<input id=${id("name")} name="name" value=${fields.name} onInput=${set("name")} autocomplete="off" />`
          ),
          html`<div class="row">${field("dose", "Dose", numberInput("dose"))}${field("unit", "Unit", html`<input id=${id("unit")} name="unit" value=${fields.unit} onInput=${set("unit")} />`)}</div>`
        ]
    }
  })()

  return html`<div class="sheet" role="dialog" aria-modal="true" aria-labelledby=${id("title")}>
    <form onSubmit=${submit} noValidate>
      <h2 id=${id("title")}>${title}</h2>
      ${body}
      ${field(
        "at",
        "Time",
        html`<input id=${id("at")} type="datetime-local" value=${atValue} onInput=${(e: {
          currentTarget: { value: string }
        }) => {
          setAtValue(e.currentTarget.value)
          setAtTouched(true)
        }} />`
      )}
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <div class="actions">
        <button type="button" class="secondary" onClick=${props.onCancel}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy}>Save</button>
      </div>
    </form>
  </div>`
}
