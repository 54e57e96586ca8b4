// Entry point: take the caregiver link from the URL fragment (then drop it from the address bar),
// open the family log from this phone's own copy (IndexedDB) and connect to the relay in the
// background, so logging never waits for the network.
import { render } from "preact"
import { App } from "./App.js"
import { loadShownChild } from "./Children.js"
import { caregiverNames, openFamily, projectionOptions, childProfile } from "./Family.js"
import { html } from "./html.js"
import { choose, setLanguage, t } from "./I18n.js"
import { loadLink, loadSettings, parseFragment, saveLink } from "./Link.js"
import { resolvePending } from "./PendingSns.js"
import { migrateLocalPlan } from "./Plan.js"
import { resumeSession } from "./Timer.js"
import "./style.css"

const root = document.getElementById("app")!

function Welcome() {
  return html`<main class="welcome">
    <h1>${t("app.title")}</h1>
    <p>${t("welcome.intro")}</p>
    <form onSubmit=${(e: SubmitEvent) => {
      e.preventDefault()
      const value = new FormData(e.currentTarget as HTMLFormElement).get("link")
      const hash = String(value ?? "").split("#")[1]
      if (hash && parseFragment(hash)) location.assign(`${location.pathname}#${hash}`)
      location.reload()
    }}>
      <label for="paste-link">${t("welcome.paste")}</label>
      <input id="paste-link" name="link" type="url" />
      <button class="primary big" type="submit">${t("welcome.join")}</button>
    </form>
  </main>`
}

const start = async () => {
  setLanguage(choose(loadSettings().language, navigator.languages))
  const fromUrl = parseFragment(location.hash)
  if (fromUrl) {
    saveLink(fromUrl)
    history.replaceState(null, "", location.pathname + location.search)
  }
  const link = loadLink()
  if (!link) {
    render(html`<${Welcome} />`, root)
    return
  }
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
