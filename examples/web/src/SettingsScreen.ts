// Settings: units, time zone, start of day, night window and theme (kept on this phone); the
// plan (PlanScreen.ts), the child's profile and this caregiver's name (events in the shared log,
// latest wins); inviting the other parent (a link and its QR code); exports for the clinician.
import { isTimeZone } from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import QRCode from "qrcode"
import { useEffect, useState } from "preact/hooks"
import { ChildrenSection } from "./ChildrenSection.js"
import { exportFile, exportReport, type ReportPeriod } from "./Export.js"
import { caregiverNames, childProfile, projectionOptions } from "./Family.js"
import { EncryptionSettings } from "./EncryptionSettings.js"
import { describe } from "./Forms.js"
import { html } from "./html.js"
import { languageName, time } from "./Format.js"
import { choose, LANGUAGES, t } from "./I18n.js"
import { formatLink, type Link, newId, type Settings, saveLink } from "./Link.js"
import { DevicesSettings } from "./DevicesSettings.js"
import { PlanEditor } from "./PlanScreen.js"

const hours = Array.from({ length: 24 }, (_, h) => h)
const hourOptions = (selected: number) =>
  hours.map(
    (h) =>
      html`<option value=${h} selected=${h === selected}>${time(Date.UTC(2000, 0, 1, h), "UTC")}</option>`
  )

const zones = (): Array<string> => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): Array<string> }).supportedValuesOf("timeZone")
  } catch {
    return []
  }
}

function Invite(props: { link: Link; log: EventLog }) {
  // A phone with a credential of its own invites with a join token (single use, a day), so the new
  // phone gets its own; a phone on an older shared token shares that.
  const [caregiver] = useState(() => newId("cg-"))
  const [url, setUrl] = useState<string | undefined>(() =>
    props.log.credentialId === undefined
      ? formatLink(location.origin, { ...props.link, caregiver })
      : undefined
  )
  useEffect(() => {
    if (url !== undefined) return
    props.log.invite().then(
      // `key`: the family key and every key epoch this phone holds, so the new phone seals with
      // the current one from its first entry (after a removal the family key alone would not).
      ({ joinToken, key }) =>
        setUrl(
          formatLink(location.origin, {
            ...props.link,
            caregiver,
            token: "",
            join: joinToken,
            ...(key === undefined ? {} : { inviteKey: key })
          })
        ),
      () => setUrl(formatLink(location.origin, { ...props.link, caregiver }))
    )
  }, [url])
  const [qr, setQr] = useState<string | undefined>()
  useEffect(() => {
    if (url === undefined) return
    QRCode.toDataURL(url, { margin: 1, width: 440, errorCorrectionLevel: "M" }).then(setQr, () =>
      setQr(undefined)
    )
  }, [url])
  const [copied, setCopied] = useState(false)
  return html`<fieldset>
    <legend>${t("settings.invite")}</legend>
    <p class="note">${t("settings.inviteNote")}</p>
    ${qr ? html`<img class="qr" src=${qr} alt=${t("settings.inviteQr")} width="220" height="220" />` : null}
    <p class="invite-link" aria-label=${t("settings.inviteLink")}>${url}</p>
    <button class="big" disabled=${url === undefined} onClick=${async () => {
      if (url === undefined) return
      try {
        if (navigator.share) await navigator.share({ title: t("settings.shareTitle"), url })
        else await navigator.clipboard.writeText(url)
        setCopied(true)
      } catch {
        setCopied(false)
      }
    }}>${copied ? t("settings.shared") : t("settings.share")}</button>
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
  // A removal moves a sealed family to a new key epoch: the invite shown is made again, so its key
  // carries that epoch.
  const [removals, setRemovals] = useState(0)
  const [profile, setProfile] = useState({
    name: child?.name ?? "",
    birthDate: child?.birthDate ?? "",
    sex: child?.sex ?? ""
  })
  // Twins: the profile form follows the child shown (switched in the header, or just added).
  useEffect(() => {
    setProfile({ name: child?.name ?? "", birthDate: child?.birthDate ?? "", sex: child?.sex ?? "" })
  }, [link.child])
  const [name, setName] = useState(myName)
  const [zone, setZone] = useState(settings.timeZone)
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>()
  const [period, setPeriod] = useState<ReportPeriod>("all")
  const exporting = (run: () => Promise<void>) => () =>
    run().catch((e: unknown) =>
      setMessage({ text: t("settings.exportFailed", { reason: (e as Error).message }), error: true })
    )

  const change = (patch: Partial<Settings>) => {
    const next = { ...settings, ...patch }
    props.onChange(next)
    log.setProjectionOptions(projectionOptions(next, link, childProfile(log.events, link.child)))
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
      setMessage({ text: t("settings.childSaved"), error: false })
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
      setMessage({ text: t("settings.nameSaved"), error: false })
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
    <h2>${t("settings.title")}</h2>
    <p class="message" role="status" aria-live="polite">${message && !message.error ? message.text : ""}</p>
    ${message?.error ? html`<p class="error" role="alert">${message.text}</p>` : null}
    <fieldset>
      <legend>${t("settings.display")}</legend>
      ${sel(
        "s-language",
        t("settings.language"),
        settings.language,
        [
          [
            "auto",
            t("settings.language.auto", {
              language: languageName(choose("auto", navigator.languages).language)
            })
          ],
          ...Object.entries(LANGUAGES).map(([code, own]) => [code, own] as const)
        ],
        (v) => change({ language: v })
      )}
      ${sel(
        "s-volume",
        t("settings.volume"),
        settings.volume,
        [
          ["ml", t("settings.volume.ml")],
          ["fl-oz", t("settings.volume.flOz")]
        ],
        (v) => change({ volume: v === "fl-oz" ? "fl-oz" : "ml" })
      )}
      ${sel(
        "s-weight",
        t("settings.weight"),
        settings.weight,
        [
          ["g", t("settings.weight.g")],
          ["lb-oz", t("settings.weight.lbOz")]
        ],
        (v) => change({ weight: v === "lb-oz" ? "lb-oz" : "g" })
      )}
      ${sel(
        "s-theme",
        t("settings.theme"),
        settings.theme,
        [
          ["auto", t("settings.theme.auto")],
          ["dark", t("settings.theme.dark")],
          ["light", t("settings.theme.light")]
        ],
        (v) => change({ theme: v === "dark" || v === "light" ? v : "auto" })
      )}
    </fieldset>
    <fieldset>
      <legend>${t("settings.days")}</legend>
      <div class="field">
        <label for="s-zone">${t("settings.timeZone")}</label>
        <input id="s-zone" list="s-zones" value=${zone} onInput=${(e: { currentTarget: { value: string } }) => setZone(e.currentTarget.value)}
          onChange=${(e: { currentTarget: { value: string } }) => {
            const v = e.currentTarget.value.trim()
            if (isTimeZone(v)) change({ timeZone: v })
            else setMessage({ text: t("settings.badZone", { zone: v }), error: true })
          }} />
        <datalist id="s-zones">${zones().map((z) => html`<option value=${z} />`)}</datalist>
      </div>
      <div class="field"><label for="s-daystart">${t("settings.dayStart")}</label>
        <select id="s-daystart" onChange=${(e: { currentTarget: { value: string } }) => change({ dayStartHour: Number(e.currentTarget.value) })}>${hourOptions(settings.dayStartHour)}</select></div>
      <div class="row">
        <div class="field"><label for="s-night-start">${t("settings.nightFrom")}</label>
          <select id="s-night-start" onChange=${(e: { currentTarget: { value: string } }) => change({ nightStart: Number(e.currentTarget.value) })}>${hourOptions(settings.nightStart)}</select></div>
        <div class="field"><label for="s-night-end">${t("settings.nightUntil")}</label>
          <select id="s-night-end" onChange=${(e: { currentTarget: { value: string } }) => change({ nightEnd: Number(e.currentTarget.value) })}>${hourOptions(settings.nightEnd)}</select></div>
      </div>
    </fieldset>
    <${PlanEditor} key=${`${settings.volume}-${settings.weight}`} log=${log} link=${link} settings=${settings} />
    <form onSubmit=${saveProfile} noValidate>
      <fieldset>
        <legend>${t("settings.child")}</legend>
        <div class="field"><label for="c-name">${t("settings.childName")}</label><input id="c-name" value=${profile.name} onInput=${(e: { currentTarget: { value: string } }) => setProfile({ ...profile, name: e.currentTarget.value })} /></div>
        <div class="field"><label for="c-birth">${t("settings.birthDate")}</label><input id="c-birth" type="date" value=${profile.birthDate} onInput=${(e: { currentTarget: { value: string } }) => setProfile({ ...profile, birthDate: e.currentTarget.value })} /></div>
        <div class="field"><label for="c-sex">${t("settings.sex")}</label>
          <select id="c-sex" onChange=${(e: { currentTarget: { value: string } }) => setProfile({ ...profile, sex: e.currentTarget.value })}>
            ${[
              ["", t("settings.sex.unset")],
              ["female", t("settings.sex.female")],
              ["male", t("settings.sex.male")]
            ].map(([v, l]) => html`<option value=${v} selected=${v === profile.sex}>${l}</option>`)}
          </select></div>
        <button class="primary big" type="submit">${t("settings.saveChild")}</button>
      </fieldset>
    </form>
    <${ChildrenSection} log=${log} link=${link} settings=${settings} />
    <form onSubmit=${saveName} noValidate>
      <fieldset>
        <legend>${t("settings.you")}</legend>
        <div class="field"><label for="me-name">${t("settings.yourName")}</label><input id="me-name" value=${name} onInput=${(e: { currentTarget: { value: string } }) => setName(e.currentTarget.value)} /></div>
        <button class="primary big" type="submit">${t("settings.saveName")}</button>
      </fieldset>
    </form>
    <${Invite} key=${removals} link=${link} log=${log} />
    <${EncryptionSettings} log=${log} link=${link} settings=${settings} />
    <${DevicesSettings} log=${log} timeZone=${settings.timeZone} onRemoved=${() => setRemovals((n) => n + 1)} />
    <fieldset>
      <legend>${t("settings.export")}</legend>
      <div class="quick">
        <button class="big" onClick=${exporting(() => exportFile(log, settings, link.child, "events.csv"))}>${t("settings.export.eventsCsv")}</button>
        <button class="big" onClick=${exporting(() => exportFile(log, settings, link.child, "events.json"))}>${t("settings.export.eventsJson")}</button>
        <button class="big" onClick=${exporting(() => exportFile(log, settings, link.child, "daily-totals.csv"))}>${t("settings.export.totalsCsv")}</button>
        <button class="big" onClick=${exporting(() => exportFile(log, settings, link.child, "daily-totals.json"))}>${t("settings.export.totalsJson")}</button>
      </div>
      <div class="field"><label for="report-period">${t("settings.reportPeriod")}</label>
        <select id="report-period" onChange=${(e: { currentTarget: { value: string } }) => setPeriod(e.currentTarget.value as ReportPeriod)}>
          ${[
            ["all", t("settings.period.all")],
            ["30", t("settings.period.30")],
            ["14", t("settings.period.14")]
          ].map(([v, l]) => html`<option value=${v} selected=${v === period}>${l}</option>`)}
        </select></div>
      <div class="quick">
        <button class="big" onClick=${exporting(() => exportReport(log, settings, link.child, period, "report.pdf"))}>${t("settings.export.pdf")}</button>
        <button class="big" onClick=${exporting(() => exportReport(log, settings, link.child, period, "fhir.json"))}>${t("settings.export.fhir")}</button>
      </div>
    </fieldset>
    <p class="note">${t("settings.footer", { log: link.log, relay: link.relay })}</p>
  </div>`
}
