// Stopping a session that runs on another phone (the other parent forgot it, or asks from the
// other room), or one whose phone left presence long ago ("maybe forgotten"): the parent confirms
// the duration (a forgotten timer ran far longer than the latch) and, for a pump, gives the amount.
// Whichever phones stop a session, the log keeps one entry; if it was stopped already, this says by
// whom and records nothing.
import { mlFromFlOz } from "@relactation/core"
import type { EventLog, RunningSession, SessionInfo } from "@relactation/sync"
import { useState } from "preact/hooks"
import { caregiverNames } from "./Family.js"
import { describe } from "./Forms.js"
import { volumeUnit } from "./Format.js"
import { t } from "./I18n.js"
import { html } from "./html.js"
import type { Link, Settings } from "./Link.js"
import { clock, minutes } from "./Time.js"

/** "Latch left" / "Pump electric", and the child's name when the family has several. */
export const sessionLabel = (s: RunningSession, childName?: (id: string) => string | undefined): string => {
  const label =
    s.kind === "latch"
      ? t("timer.session.latch", { side: s.side === undefined ? "" : t(`side.${s.side}`) }).trim()
      : t("timer.session.pump", { method: s.method === undefined ? "" : t(`method.${s.method}`) }).trim()
  const child = childName?.(s.child)
  return child === undefined ? label : t("timer.session.forChild", { session: label, child })
}

/** The caregiver a `stoppedBy` names, as this phone calls them ("you" for this caregiver). */
export const whoIs = (log: EventLog, link: Link, by: string): string =>
  by === link.caregiver ? t("who.you") : (caregiverNames(log.events).get(by) ?? t("who.otherParentLower"))

/** The message for a stop that found the session stopped already (nothing was recorded). */
export const stopFailure = (log: EventLog, link: Link, settings: Settings, error: unknown): string => {
  const e = error as { _tag?: string; stoppedBy?: string }
  return e?._tag === "SessionAlreadyStopped" && typeof e.stoppedBy === "string"
    ? t("timer.alreadyStopped", { name: whoIs(log, link, e.stoppedBy) })
    : describe(error, settings)
}

const MAX_SEC = 14_400

/** The form that stops another phone's session: duration to confirm, a pump's amount. */
export function StopTheirs(props: {
  log: EventLog
  link: Link
  settings: Settings
  info: SessionInfo
  label: string
  onDone: (message: string) => void
  onCancel: () => void
}) {
  const { log, link, settings, info } = props
  const s = info.session
  const name = info.name ?? t("who.otherPhone")
  // Proposed: until now for a timer still on the log; until its phone left for a forgotten one.
  const [mins, setMins] = useState(() => {
    const until = info.leftAt === undefined ? Date.now() : Date.parse(info.leftAt)
    const sec = Math.min(MAX_SEC, Math.max(60, (until - Date.parse(s.startedAt)) / 1000))
    return String(Math.round(sec / 60))
  })
  const [amount, setAmount] = useState("")
  const [error, setError] = useState("")
  const unit = volumeUnit(settings.volume)
  const id = `stop-${s.id}`
  const title = t(`timer.stopTheirs.${s.kind}`, { name })
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    const m = Number(mins.trim().replace(",", "."))
    if (mins.trim() === "" || !Number.isFinite(m)) {
      setError(t("form.enterNumber", { label: t("form.durationMinutes") }))
      return
    }
    let pumped: { totalMl?: number } = {}
    if (s.kind === "pump") {
      const n = Number(amount.trim().replace(",", "."))
      if (amount.trim() === "" || !Number.isFinite(n)) {
        setError(t("timer.pumpAmountMissing", { unit }))
        return
      }
      pumped = { totalMl: settings.volume === "ml" ? n : mlFromFlOz(n) }
    }
    const durationSec = Math.round(m * 60)
    try {
      const event = await log.stopSession({ session: s.id, durationSec, ...pumped })
      props.onDone(
        event === undefined
          ? t("timer.notRunning", { name })
          : t("timer.savedTheirs", {
              name,
              session: props.label,
              duration: minutes(durationSec),
              time: clock(event.at, settings.timeZone)
            })
      )
    } catch (err) {
      const tag = (err as { _tag?: string })._tag
      // Stopped already (here or on another phone): say by whom; nothing was recorded twice.
      if (tag === "SessionAlreadyStopped") props.onDone(stopFailure(log, link, settings, err))
      else setError(describe(err, settings))
    }
  }
  return html`<form class="stop-theirs" aria-label=${title} onSubmit=${save} noValidate>
    <div class="row">
      <div class="field">
        <label for=${`${id}-min`}>${t("form.durationMinutes")}</label>
        <input id=${`${id}-min`} inputmode="decimal" value=${mins}
          onInput=${(e: { currentTarget: { value: string } }) => setMins(e.currentTarget.value)} />
      </div>
      ${
        s.kind === "pump"
          ? html`<div class="field">
              <label for=${`${id}-ml`}>${t("timer.pumpAmount", { unit })}</label>
              <input id=${`${id}-ml`} inputmode="decimal" value=${amount}
                onInput=${(e: { currentTarget: { value: string } }) => setAmount(e.currentTarget.value)} />
            </div>`
          : null
      }
    </div>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <div class="actions">
      <button class="secondary" type="button" onClick=${props.onCancel}>${t("form.cancel")}</button>
      <button class="primary" type="submit">${t("form.save")}</button>
    </div>
  </form>`
}

/** A session whose phone left presence long ago: stop it (duration to confirm) or discard it. */
export function Forgotten(props: {
  log: EventLog
  settings: Settings
  info: SessionInfo
  label: string
  stopping: boolean
  onStop: () => void
  onMessage: (message: string) => void
}) {
  const { log, settings, info } = props
  const name = info.name ?? t("who.otherPhone")
  const text = t("timer.forgotten", {
    session: props.label,
    time: clock(info.session.startedAt, settings.timeZone),
    name
  })
  const discard = () => {
    log.dismissSession(info.session.id)
    props.onMessage(t("timer.discarded", { session: props.label, name }))
  }
  return html`<div class="peer-session forgotten" role="group" aria-label=${text}>
    <p><span class="dot away" aria-hidden="true"></span> ${text}</p>
    ${
      props.stopping
        ? null
        : html`<div class="actions">
            <button class="secondary" onClick=${props.onStop}>${t("timer.forgottenStop")}</button>
            <button class="secondary" onClick=${discard}>${t("timer.discard")}</button>
          </div>`
    }
  </div>`
}
