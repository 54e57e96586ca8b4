import type { EventLog } from "@relactation/sync"
import { html } from "./html.js"
import type { Settings } from "./Link.js"

export function History(_props: { log: EventLog; settings: Settings }) {
  return html`<section><h2>History</h2></section>`
}
