// Settings, Encryption: whether this family's log is end-to-end encrypted (sealed), its recovery
// words on request (with the plain warning that they are the key), and, for a family created
// before sealing, the move to a new sealed log: every event copied, this phone switched over, and
// the old log deleted at the relay where the relay offers it.
import { copyToSealedLog, type EventLog, generateFamilyKey, recoveryWords } from "@relactation/sync"
import { useState } from "preact/hooks"
import { openFamily } from "./Family.js"
import { html } from "./html.js"
import { t } from "./I18n.js"
import { type Link, linkProblem, parseFragment, saveLink, type Settings } from "./Link.js"

/**
 * Asks the relay to delete the old (plaintext) log with this phone's credential for it:
 * `DELETE /logs/<logId>` over http(s) at the relay's address, the relay's access API. Resolves
 * whether the relay deleted it; a relay without that API (or any failure) leaves it to the
 * operator (`relactation-relay delete <logId>`), which the screen then says.
 */
export const requestLogDeletion = async (link: Link): Promise<boolean> => {
  try {
    const base = new URL(link.relay)
    base.protocol = base.protocol === "wss:" ? "https:" : "http:"
    const response = await fetch(new URL(`/logs/${encodeURIComponent(link.log)}`, base), {
      method: "DELETE",
      headers: { authorization: `Bearer ${link.token}` }
    })
    return response.ok
  } catch {
    return false
  }
}

function RecoveryWords(props: { secret: string }) {
  const [shown, setShown] = useState(false)
  const words = recoveryWords(props.secret)
  if (!shown) {
    return html`<button class="big" data-action="show-words" onClick=${() => setShown(true)}>${t("enc.showWords")}</button>`
  }
  return html`<div class="recovery">
    <p class="warning" role="note">${t("enc.wordsWarning")}</p>
    ${
      words._tag === "Success"
        ? html`<ol class="words" data-words="recovery">${words.success.map((w) => html`<li>${w}</li>`)}</ol>`
        : html`<p class="error" role="alert">${t("link.key-damaged")}</p>`
    }
    <button class="big" onClick=${() => setShown(false)}>${t("enc.hideWords")}</button>
  </div>`
}

function Move(props: { log: EventLog; link: Link; settings: Settings }) {
  const [state, setState] = useState<{ text: string; error: boolean; done?: boolean } | undefined>()
  const [busy, setBusy] = useState(false)
  const move = async (e: SubmitEvent) => {
    e.preventDefault()
    const pasted = String(new FormData(e.currentTarget as HTMLFormElement).get("new-link") ?? "")
    const target = parseFragment(pasted.split("#")[1] ?? "")
    if (!target || target.log === props.link.log) {
      setState({ text: t("enc.moveBadLink"), error: true })
      return
    }
    const problem = linkProblem(target, location)
    if (problem) {
      setState({ text: t(`link.${problem}`, { relay: target.relay }), error: true })
      return
    }
    setBusy(true)
    // The new log keeps this phone's caregiver, child and name; only where it lives changes.
    const next: Link = {
      ...props.link,
      relay: target.relay,
      log: target.log,
      token: target.token,
      key: generateFamilyKey()
    }
    try {
      const sealed = await openFamily(next, props.settings)
      try {
        const report = await copyToSealedLog(props.log, sealed)
        await sealed.whenSynced()
        saveLink(next)
        const deleted = await requestLogDeletion(props.link)
        setState({
          text: `${t("enc.moved", { copied: report.total, notCopied: report.notCopied })} ${
            deleted ? t("enc.oldDeleted") : t("enc.oldKept", { log: props.link.log })
          }`,
          error: false,
          done: true
        })
      } finally {
        await sealed.close()
      }
    } catch (error) {
      setState({ text: t("enc.moveFailed", { reason: (error as Error).message }), error: true })
    } finally {
      setBusy(false)
    }
  }
  return html`<form onSubmit=${move} noValidate data-form="move-sealed">
    <p class="note">${t("enc.moveIntro")}</p>
    <div class="field"><label for="move-link">${t("enc.moveLink")}</label><input id="move-link" name="new-link" type="url" /></div>
    <button class="primary big" type="submit" disabled=${busy}>${t("enc.move")}</button>
    ${state ? html`<p class=${state.error ? "error" : "message"} role=${state.error ? "alert" : "status"}>${state.text}</p>` : null}
    ${state?.done ? html`<button class="big" onClick=${() => location.reload()}>${t("enc.openSealed")}</button>` : null}
  </form>`
}

export function EncryptionSettings(props: { log: EventLog; link: Link; settings: Settings }) {
  const { log, link } = props
  return html`<fieldset data-section="encryption">
    <legend>${t("enc.title")}</legend>
    ${
      log.sealed && link.key !== undefined
        ? html`<p data-encryption="sealed">${t("enc.sealed")}</p>
          <p class="note">${t("enc.inviteNote")}</p>
          <${RecoveryWords} secret=${link.key} />`
        : html`<p data-encryption="plain">${t("enc.plain")}</p><${Move} log=${log} link=${link} settings=${props.settings} />`
    }
  </fieldset>`
}
