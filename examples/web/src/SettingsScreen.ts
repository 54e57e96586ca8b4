// Settings: units, time zone, start of day, night window and theme (kept on this phone); the
// child's profile and this caregiver's name (events in the shared log, latest wins); inviting the
// other parent (a link and its QR code); exports for the clinician.
import { isTimeZone } from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import QRCode from "qrcode"
import { useEffect, useState } from "preact/hooks"
import { exportFile, exportReport, type ReportPeriod } from "./Export.js"
import { caregiverNames, childProfile, projectionOptions } from "./Family.js"
import { describe } from "./Forms.js"
import { html } from "./html.js"
import { formatLink, type Link, newId, type Plan, type Settings, saveLink } from "./Link.js"

const hours = Array.from({ length: 24 }, (_, h) => h)
const hourOptions = (selected: number) =>
  hours.map(
    (h) => html`<option value=${h} selected=${h === selected}>${String(h).padStart(2, "0")}:00</option>`
  )

const zones = (): Array<string> => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): Array<string> }).supportedValuesOf("timeZone")
  } catch {
    return []
  }
}

function Invite(props: { link: Link }) {
  const [url] = useState(() => formatLink(location.origin, { ...props.link, caregiver: newId("cg-") }))
  const [qr, setQr] = useState<string | undefined>()
  useEffect(() => {
    QRCode.toDataURL(url, { margin: 1, width: 440, errorCorrectionLevel: "M" }).then(setQr, () =>
      setQr(undefined)
    )
  }, [url])
  const [copied, setCopied] = useState(false)
  return html`<fieldset>
    <legend>Invite the other parent</legend>
    <p class="note">Open this link (or scan the code) on the other parent’s phone. Anyone with it can read and write this log.</p>
    ${qr ? html`<img class="qr" src=${qr} alt="QR code of the invite link" width="220" height="220" />` : null}
    <p class="invite-link" aria-label="Invite link">${url}</p>
    <button class="big" onClick=${async () => {
      try {
        if (navigator.share) await navigator.share({ title: "Relactation log", url })
        else await navigator.clipboard.writeText(url)
        setCopied(true)
      } catch {
        setCopied(false)
      }
    }}>${copied ? "Shared" : "Share or copy link"}</button>
  </fieldset>`
}

export function SettingsScreen(props: {
  log: EventLog
  link: Link
  settings: Settings
  onChange: (s: Settings) => void
}) {
  const { log, link, settings } = props
  const child = childProfile(log.events, link.child)
  const myName = caregiverNames(log.events).get(link.caregiver) ?? link.name ?? ""
  const [profile, setProfile] = useState({
    name: child?.name ?? "",
    birthDate: child?.birthDate ?? "",
    sex: child?.sex ?? ""
  })
  const [name, setName] = useState(myName)
  const [zone, setZone] = useState(settings.timeZone)
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>()
  const [period, setPeriod] = useState<ReportPeriod>("all")
  const exporting = (run: () => Promise<void>) => () =>
    run().catch((e: unknown) => setMessage({ text: `Export: ${(e as Error).message}`, error: true }))

  const change = (patch: Partial<Settings>) => {
    const next = { ...settings, ...patch }
    props.onChange(next)
    log.setProjectionOptions(projectionOptions(next, link, childProfile(log.events, link.child)))
  }
  const changePlan = (key: keyof Plan) => (e: { currentTarget: { value: string } }) => {
    const n = Number(e.currentTarget.value)
    if (Number.isFinite(n) && n >= 0) change({ plan: { ...settings.plan, [key]: n } })
  }
  const saveProfile = async (e: SubmitEvent) => {
    e.preventDefault()
    try {
      const event = await log.append({
        type: "child",
        child: link.child,
        by: link.caregiver,
        name: profile.name.trim(),
        birthDate: profile.birthDate,
        ...(profile.sex === "female" || profile.sex === "male" ? { sex: profile.sex } : {})
      })
      if (event.type === "child") log.setProjectionOptions(projectionOptions(settings, link, event))
      setMessage({ text: "Child profile saved", error: false })
    } catch (err) {
      setMessage({ text: describe(err, settings), error: true })
    }
  }
  const saveName = async (e: SubmitEvent) => {
    e.preventDefault()
    try {
      await log.append({ type: "caregiver", child: link.child, by: link.caregiver, name: name.trim() })
      saveLink({ ...link, name: name.trim() })
      log.setPresenceName(name.trim())
      setMessage({ text: "Name saved", error: false })
    } catch (err) {
      setMessage({ text: describe(err, settings), error: true })
    }
  }
  const sel = (
    id: string,
    label: string,
    value: string,
    values: ReadonlyArray<readonly [string, string]>,
    on: (v: string) => void
  ) =>
    html`<div class="field"><label for=${id}>${label}</label>
      <select id=${id} onChange=${(e: { currentTarget: { value: string } }) => on(e.currentTarget.value)}>
        ${values.map(([v, l]) => html`<option value=${v} selected=${v === value}>${l}</option>`)}
      </select></div>`

  return html`<div class="settings">
    <h2>Settings</h2>
    <p class="message" role="status" aria-live="polite">${message && !message.error ? message.text : ""}</p>
    ${message?.error ? html`<p class="error" role="alert">${message.text}</p>` : null}
    <fieldset>
      <legend>Units and display</legend>
      ${sel(
        "s-volume",
        "Volume",
        settings.volume,
        [
          ["ml", "Millilitres (ml)"],
          ["fl-oz", "Fluid ounces (fl oz)"]
        ],
        (v) => change({ volume: v === "fl-oz" ? "fl-oz" : "ml" })
      )}
      ${sel(
        "s-weight",
        "Weight",
        settings.weight,
        [
          ["g", "Grams (g)"],
          ["lb-oz", "Pounds and ounces"]
        ],
        (v) => change({ weight: v === "lb-oz" ? "lb-oz" : "g" })
      )}
      ${sel(
        "s-theme",
        "Theme",
        settings.theme,
        [
          ["auto", "Dark at night (automatic)"],
          ["dark", "Always dark"],
          ["light", "Always light"]
        ],
        (v) => change({ theme: v === "dark" || v === "light" ? v : "auto" })
      )}
    </fieldset>
    <fieldset>
      <legend>Days</legend>
      <div class="field">
        <label for="s-zone">Time zone</label>
        <input id="s-zone" list="s-zones" value=${zone} onInput=${(e: { currentTarget: { value: string } }) => setZone(e.currentTarget.value)}
          onChange=${(e: { currentTarget: { value: string } }) => {
            const v = e.currentTarget.value.trim()
            if (isTimeZone(v)) change({ timeZone: v })
            else
              setMessage({
                text: `Time zone: “${v}” is not an IANA time zone name such as Europe/Berlin`,
                error: true
              })
          }} />
        <datalist id="s-zones">${zones().map((z) => html`<option value=${z} />`)}</datalist>
      </div>
      <div class="field"><label for="s-daystart">Day starts at</label>
        <select id="s-daystart" onChange=${(e: { currentTarget: { value: string } }) => change({ dayStartHour: Number(e.currentTarget.value) })}>${hourOptions(settings.dayStartHour)}</select></div>
      <div class="row">
        <div class="field"><label for="s-night-start">Night from</label>
          <select id="s-night-start" onChange=${(e: { currentTarget: { value: string } }) => change({ nightStart: Number(e.currentTarget.value) })}>${hourOptions(settings.nightStart)}</select></div>
        <div class="field"><label for="s-night-end">Night until</label>
          <select id="s-night-end" onChange=${(e: { currentTarget: { value: string } }) => change({ nightEnd: Number(e.currentTarget.value) })}>${hourOptions(settings.nightEnd)}</select></div>
      </div>
    </fieldset>
    <fieldset>
      <legend>Daily plan (from your lactation consultant)</legend>
      <div class="row">
        <div class="field"><label for="p-latches">Latches</label><input id="p-latches" inputmode="numeric" value=${settings.plan.latches} onChange=${changePlan("latches")} /></div>
        <div class="field"><label for="p-night">Night latches</label><input id="p-night" inputmode="numeric" value=${settings.plan.nightLatches} onChange=${changePlan("nightLatches")} /></div>
      </div>
      <div class="row">
        <div class="field"><label for="p-minutes">Latch minutes</label><input id="p-minutes" inputmode="numeric" value=${settings.plan.latchMinutes} onChange=${changePlan("latchMinutes")} /></div>
        <div class="field"><label for="p-pumped">Pumped ml</label><input id="p-pumped" inputmode="numeric" value=${settings.plan.pumpedMl} onChange=${changePlan("pumpedMl")} /></div>
      </div>
      <div class="field"><label for="p-supplement">Supplement ml at most (0: no limit)</label><input id="p-supplement" inputmode="numeric" value=${settings.plan.supplementMl} onChange=${changePlan("supplementMl")} /></div>
    </fieldset>
    <form onSubmit=${saveProfile} noValidate>
      <fieldset>
        <legend>Child</legend>
        <div class="field"><label for="c-name">Child’s name</label><input id="c-name" value=${profile.name} onInput=${(e: { currentTarget: { value: string } }) => setProfile({ ...profile, name: e.currentTarget.value })} /></div>
        <div class="field"><label for="c-birth">Birth date</label><input id="c-birth" type="date" value=${profile.birthDate} onInput=${(e: { currentTarget: { value: string } }) => setProfile({ ...profile, birthDate: e.currentTarget.value })} /></div>
        <div class="field"><label for="c-sex">Sex (for the WHO growth reference)</label>
          <select id="c-sex" onChange=${(e: { currentTarget: { value: string } }) => setProfile({ ...profile, sex: e.currentTarget.value })}>
            ${[
              ["", "Not set"],
              ["female", "Female"],
              ["male", "Male"]
            ].map(([v, l]) => html`<option value=${v} selected=${v === profile.sex}>${l}</option>`)}
          </select></div>
        <button class="primary big" type="submit">Save child profile</button>
      </fieldset>
    </form>
    <form onSubmit=${saveName} noValidate>
      <fieldset>
        <legend>You</legend>
        <div class="field"><label for="me-name">Your name (shown to the other parent)</label><input id="me-name" value=${name} onInput=${(e: { currentTarget: { value: string } }) => setName(e.currentTarget.value)} /></div>
        <button class="primary big" type="submit">Save name</button>
      </fieldset>
    </form>
    <${Invite} link=${link} />
    <fieldset>
      <legend>Export for the clinician</legend>
      <div class="quick">
        <button class="big" onClick=${exporting(() => exportFile(log, settings, link.child, "events.csv"))}>Entries CSV</button>
        <button class="big" onClick=${exporting(() => exportFile(log, settings, link.child, "events.json"))}>Entries JSON</button>
        <button class="big" onClick=${exporting(() => exportFile(log, settings, link.child, "daily-totals.csv"))}>Daily totals CSV</button>
        <button class="big" onClick=${exporting(() => exportFile(log, settings, link.child, "daily-totals.json"))}>Daily totals JSON</button>
      </div>
      <div class="field"><label for="report-period">Report period</label>
        <select id="report-period" onChange=${(e: { currentTarget: { value: string } }) => setPeriod(e.currentTarget.value as ReportPeriod)}>
          ${[
            ["all", "The whole course"],
            ["30", "The last 30 days"],
            ["14", "The last 14 days"]
          ].map(([v, l]) => html`<option value=${v} selected=${v === period}>${l}</option>`)}
        </select></div>
      <div class="quick">
        <button class="big" onClick=${exporting(() => exportReport(log, settings, link.child, period, "report.pdf"))}>Download PDF report</button>
        <button class="big" onClick=${exporting(() => exportReport(log, settings, link.child, period, "fhir.json"))}>FHIR (R4) JSON</button>
      </div>
    </fieldset>
    <p class="note">Log ${link.log} · relay ${link.relay}</p>
  </div>`
}
