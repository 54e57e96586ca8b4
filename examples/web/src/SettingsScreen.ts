import type { EventLog } from "@relactation/sync"
import { html } from "./html.js"
import type { Link, Settings } from "./Link.js"

export function SettingsScreen(_props: {
  log: EventLog
  link: Link
  settings: Settings
  onChange: (s: Settings) => void
}) {
  return html`<section><h2>Settings</h2></section>`
}
