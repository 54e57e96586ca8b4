// The app shell: connection status and the other parent's presence, the theme (dark at night by
// default), and the three screens.
import type { EventLog } from "@relactation/sync"
import { useEffect, useState } from "preact/hooks"
import { ChildSwitch, childrenOf, showChild, useShownChild } from "./Children.js"
import { useLog, useNow } from "./Family.js"
import { html } from "./html.js"
import { type Link, type Settings, saveSettings } from "./Link.js"
import { choose, current, setLanguage, t } from "./I18n.js"
import { isNight } from "./Time.js"
import { Today } from "./Today.js"

type Tab = "today" | "history" | "settings"

// History (Chart.js) and Settings (QR codes) load on first use, keeping the Today screen's
// download small; the service worker precaches every chunk, so they also open offline.
type Screens = {
  History: typeof import("./History.js").History
  SettingsScreen: typeof import("./SettingsScreen.js").SettingsScreen
}
let screens: Screens | undefined
const loadScreens = async (): Promise<Screens> => {
  const [h, s] = await Promise.all([import("./History.js"), import("./SettingsScreen.js")])
  screens = { History: h.History, SettingsScreen: s.SettingsScreen }
  return screens
}

function StatusBar(props: { log: EventLog }) {
  const { log } = props
  const others = log.peers.filter((p) => !p.self)
  const other =
    others.length > 0
      ? t("status.othersOnline", { names: others.map((p) => p.name ?? t("who.otherParent")).join(", ") })
      : t("status.otherOffline")
  return html`<div class="status" role="status" aria-label=${t("status.label")}>
    <span class=${`pill ${log.status}`} data-status=${log.status}>${t(`status.${log.status}`)}</span>
    <span class=${`pill ${others.length > 0 ? "online" : "away"}`} data-peer=${others.length > 0 ? "online" : "offline"}>${other}</span>
  </div>`
}

export function App(props: { log: EventLog; link: Link; settings: Settings }) {
  const { log, link } = props
  useLog(log)
  const [settings, setSettingsState] = useState(props.settings)
  // Twins: every screen shows one child, the one chosen on this phone (`view.child`).
  const shown = useShownChild(log, link, settings)
  const view: Link = { ...link, child: shown }
  const children = childrenOf(log.events, link)
  const [tab, setTab] = useState<Tab>("today")
  const [loaded, setLoaded] = useState(screens)
  useEffect(() => {
    if (tab !== "today" && loaded === undefined) loadScreens().then(setLoaded, () => undefined)
  }, [tab, loaded])
  const now = useNow(true)
  const dark =
    settings.theme === "dark" ||
    (settings.theme === "auto" && isNight(now, settings.timeZone, settings.nightStart, settings.nightEnd))
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? "dark" : "light"
    document.querySelector('meta[name="theme-color"]')?.setAttribute("content", dark ? "#101418" : "#f6f4ef")
  }, [dark])
  const setSettings = (next: Settings) => {
    saveSettings(next)
    if (next.language !== settings.language) setLanguage(choose(next.language, navigator.languages))
    setSettingsState(next)
  }
  const unsupported = current().unsupported
  const tabButton = (t: Tab, label: string) =>
    html`<button class=${tab === t ? "tab active" : "tab"} aria-current=${tab === t ? "page" : undefined} onClick=${() => setTab(t)}>${label}</button>`
  return html`<div class="app">
    <header>
      <h1>${t("app.title")}</h1>
      <${StatusBar} log=${log} />
      <${ChildSwitch} children=${children} shown=${shown} onChange=${showChild} />
    </header>
    ${unsupported === undefined ? null : html`<p class="notice" role="status" data-notice="language">${t("app.languageNotice", { code: unsupported })}</p>`}
    <main>
      ${tab === "today" ? html`<${Today} key=${shown} log=${log} link=${view} settings=${settings} children=${children} />` : null}
      ${tab !== "today" && loaded === undefined ? html`<p class="loading" role="status">${t("app.loading")}</p>` : null}
      ${tab === "history" && loaded ? html`<${loaded.History} key=${shown} log=${log} link=${view} settings=${settings} />` : null}
      ${
        tab === "settings" && loaded
          ? html`<${loaded.SettingsScreen} log=${log} link=${view} settings=${settings} onChange=${setSettings} />`
          : null
      }
    </main>
    <nav class="tabs" aria-label=${t("tabs.label")}>
      ${tabButton("today", t("tabs.today"))}${tabButton("history", t("tabs.history"))}${tabButton("settings", t("tabs.settings"))}
    </nav>
  </div>`
}
