// Reads the family link from the fragment (#relay=…&log=…&token=…&caregiver=…&child=…&name=…),
// like the web app's, and renders the page under StrictMode (which mounts it twice in
// development: useLog still opens one log).
import { createElement, StrictMode } from "react"
import { createRoot } from "react-dom/client"
import { App } from "./App.js"

const p = new URLSearchParams(location.hash.slice(1))
const root = document.getElementById("root")
if (root === null) throw new Error("index.html has no #root")
createRoot(root).render(
  createElement(
    StrictMode,
    null,
    createElement(App, {
      options: {
        logId: p.get("log") ?? "family-react-demo",
        caregiver: p.get("caregiver") ?? "parent-a",
        child: p.get("child") ?? "child-1",
        ...(p.get("relay") && p.get("token")
          ? { url: p.get("relay") ?? "", token: p.get("token") ?? "" }
          : {}),
        presence: { name: p.get("name") ?? "Parent" },
        projections: { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }
      }
    })
  )
)
