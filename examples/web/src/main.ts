// Entry point: take the caregiver link from the URL fragment (then drop it from the address bar),
// check it (a `wss:` relay, an intact family key) and ask before it replaces the family log this
// phone is joined to, open the family log from this phone's own copy (IndexedDB) and connect to
// the relay in the background, so logging never waits for the network.
import { keyFromRecoveryWords } from "@relactation/sync"
import { render } from "preact"
import { useState } from "preact/hooks"
import { App } from "./App.js"
import { loadShownChild } from "./Children.js"
import { caregiverNames, openFamily, projectionOptions, childProfile, redeemJoin } from "./Family.js"
import { html } from "./html.js"
import { choose, setLanguage, t } from "./I18n.js"
import {
  type Link,
  type LinkProblem,
  linkProblem,
  loadLink,
  loadSettings,
  parseFragment,
  replacesLink,
  saveLink
} from "./Link.js"
import { resolvePending } from "./PendingSns.js"
import { migrateLocalPlan } from "./Plan.js"
import { resumeSession } from "./Timer.js"
import "./style.css"

const root = document.getElementById("app")!

function Welcome() {
  const [error, setError] = useState<string | undefined>()
  return html`<main class="welcome">
    <h1>${t("app.title")}</h1>
    <p>${t("welcome.intro")}</p>
    <form onSubmit=${(e: SubmitEvent) => {
      e.preventDefault()
      const form = new FormData(e.currentTarget as HTMLFormElement)
      const hash = String(form.get("link") ?? "").split("#")[1]
      const words = String(form.get("words") ?? "").trim()
      const link = hash ? parseFragment(hash) : undefined
      if (!hash || !link) {
        setError(t("welcome.badLink"))
        return
      }
      let next = hash
      if (words !== "" && link.key === undefined) {
        // A link without the family key (kept apart from it), and the recovery words that are the key.
        const key = keyFromRecoveryWords(words)
        if (key._tag === "Failure") {
          setError(t(`recovery.${key.failure.code}`, { position: key.failure.position ?? 0 }))
          return
        }
        next = `${hash}&key=${key.success}`
      }
      location.assign(`${location.pathname}#${next}`)
      location.reload()
    }}>
      <label for="paste-link">${t("welcome.paste")}</label>
      <input id="paste-link" name="link" type="url" />
      <label for="paste-words">${t("welcome.words")}</label>
      <textarea id="paste-words" name="words" rows="3" autocomplete="off" spellcheck=${false}></textarea>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <button class="primary big" type="submit">${t("welcome.join")}</button>
    </form>
  </main>`
}

/** A link that may not be stored: why, with its relay's address. */
function Refused(props: { problem: LinkProblem; link: Link; stored: Link | undefined; onKeep: () => void }) {
  return html`<main class="welcome">
    <h1>${t("app.title")}</h1>
    <p class="error" role="alert" data-refused=${props.problem}>${t(`link.${props.problem}`, { relay: props.link.relay })}</p>
    ${props.stored ? html`<button class="primary big" onClick=${props.onKeep}>${t("link.keep")}</button>` : null}
  </main>`
}

/** Asks before a link replaces the family log this phone is joined to. */
function Replace(props: { stored: Link; next: Link; onChoice: (replace: boolean) => void }) {
  const { stored, next } = props
  return html`<main class="welcome" data-ask="replace-link">
    <h1>${t("link.replace.title")}</h1>
    <p>${t("link.replace.current", { log: stored.log, relay: stored.relay })}</p>
    <p><strong>${t("link.replace.next", { log: next.log, relay: next.relay })}</strong></p>
    <p class="note">${t("link.replace.note")}</p>
    <button class="big" onClick=${() => props.onChoice(true)}>${t("link.replace.switch")}</button>
    <button class="primary big" onClick=${() => props.onChoice(false)}>${t("link.keep")}</button>
  </main>`
}

/** What the link in the address bar (if any) does to the stored one, asking where it must. */
const takeLink = async (): Promise<void> => {
  const fromUrl = parseFragment(location.hash)
  if (!fromUrl) return
  history.replaceState(null, "", location.pathname + location.search)
  const stored = loadLink()
  const problem = linkProblem(fromUrl, location)
  if (problem) {
    await new Promise<void>((resolve) => {
      render(html`<${Refused} problem=${problem} link=${fromUrl} stored=${stored} onKeep=${resolve} />`, root)
    })
    return
  }
  if (stored && replacesLink(stored, fromUrl)) {
    const replace = await new Promise<boolean>((resolve) => {
      render(html`<${Replace} stored=${stored} next=${fromUrl} onChoice=${resolve} />`, root)
    })
    if (replace) saveLink(fromUrl)
    return
  }
  saveLink(fromUrl)
}

const start = async () => {
  setLanguage(choose(loadSettings().language, navigator.languages))
  await takeLink()
  const stored = loadLink()
  if (!stored) {
    render(html`<${Welcome} />`, root)
    return
  }
  // An invite's join token works once: exchange it for this phone's own credential and keep that.
  const link = await redeemJoin(stored)
  const settings = loadSettings()
  render(html`<p class="loading" role="status">${t("app.opening")}</p>`, root)
  const log = await openFamily(link, settings)
  // The child this phone shows (twins: the one chosen here last time).
  const shown = loadShownChild(log.events, link)
  const child = childProfile(log.events, shown)
  if (child || shown !== link.child)
    log.setProjectionOptions(projectionOptions(settings, { ...link, child: shown }, child))
  // Once per log: the targets older versions kept on this phone become a plan event (Plan.ts).
  await migrateLocalPlan(log, link, localStorage, t("plan.migratedNote")).catch(() => undefined)
  resumeSession(log)
  log.subscribe(() => void resolvePending(log))
  void resolvePending(log)
  if (link.name && !caregiverNames(log.events).has(link.caregiver)) {
    await log
      .append({ type: "caregiver", name: link.name, by: link.caregiver, child: link.child })
      .catch(() => undefined)
  }
  // A phone that loses its network says so; tell the log at once instead of waiting for a timeout.
  addEventListener("offline", () => log.disconnect())
  addEventListener("online", () => log.connect())
  if (!navigator.onLine) log.disconnect()
  ;(window as unknown as { relactationLog?: unknown }).relactationLog = log
  render(html`<${App} log=${log} link=${link} settings=${settings} />`, root)
}

start().catch((error: unknown) => {
  render(html`<p class="error" role="alert">${t("app.openFailed", { reason: String(error) })}</p>`, root)
})
