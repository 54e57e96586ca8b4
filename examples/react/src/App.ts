// The whole page: one family log opened by useLog for as long as the page is mounted, today's
// latches and supplement from useDailyTotals, the connection from useStatus, who is online from
// usePeers, and this phone's running latch from useSession.
import type { OpenLogOptions } from "@relactation/sync"
import { useDailyTotals, useLog, usePeers, useSession, useStatus } from "@relactation/react"
import { createElement as h, useState } from "react"

export const App = ({ options }: { readonly options: OpenLogOptions }) => {
  const { log, state, error } = useLog(options)
  const totals = useDailyTotals(log)
  const status = useStatus(log)
  const peers = usePeers(log)
  const session = useSession(log)
  const [message, setMessage] = useState("")
  if (state === "failed") return h("p", { role: "alert" }, `Could not open the log: ${error.message}`)
  if (log === undefined || totals === undefined) return h("p", { role: "status" }, "Opening…")
  const today = totals.days.at(-1)
  const others = (peers ?? []).filter((p) => !p.self)
  const run = (action: () => Promise<unknown>) => () => {
    action().then(
      () => setMessage(""),
      (e: Error) => setMessage(e.message)
    )
  }
  return h(
    "main",
    null,
    h("h1", null, "Relactation with React"),
    h("p", { "data-testid": "status" }, `Connection: ${status}`),
    h(
      "p",
      { "data-testid": "peers" },
      others.length === 0
        ? "Nobody else online"
        : `Online: ${others.map((p) => `${p.name ?? p.caregiver}${p.session ? ` (${p.session.kind} running)` : ""}`).join(", ")}`
    ),
    h(
      "dl",
      { "aria-label": "Today" },
      h("dt", null, "Latches"),
      h("dd", { "data-testid": "latches" }, String(today?.latches ?? 0)),
      h("dt", null, "Supplement (ml)"),
      h("dd", { "data-testid": "supplement" }, String(today?.supplementMl ?? 0))
    ),
    h(
      "button",
      { type: "button", onClick: run(() => log.append({ type: "latch", durationSec: 600, side: "left" })) },
      "Log a 10-minute latch"
    ),
    h(
      "button",
      {
        type: "button",
        onClick: run(() => log.append({ type: "supplement", ml: 30, milk: "formula", via: "bottle" }))
      },
      "Log 30 ml formula"
    ),
    session === undefined
      ? h(
          "button",
          { type: "button", onClick: () => log.startSession({ kind: "latch", side: "right" }) },
          "Start a latch"
        )
      : h(
          "button",
          { type: "button", onClick: run(() => log.stopSession()) },
          `Stop the ${session.kind} (${session.side ?? ""})`
        ),
    message === "" ? null : h("p", { role: "alert" }, message)
  )
}
