// The Today screen: the nursing timer (mine and the other phone's, live), quick entry, totals
// against the plan, and today's entries with who logged each, undo and correct.
import { formatVolume, formatWeight, mlFromFlOz } from "@relactation/core"
import type { EventLog, RunningSession } from "@relactation/sync"
import { useEffect, useState } from "preact/hooks"
import { caregiverNames, currentEntries, type Entry, useNow } from "./Family.js"
import { describe, EntryForm, type EntryKind, kindLabel } from "./Forms.js"
import { html } from "./html.js"
import { loadPending, onPendingChange, savePendingUnlinked } from "./PendingSns.js"
import type { Link, Settings } from "./Link.js"
import { clock, localDay, minutes, stopwatch } from "./Time.js"

const SESSION_KEY = "relactation:session"

/** Restarts this phone's running timer after a reload (the session lives in presence only). */
export const resumeSession = (log: EventLog): void => {
  const raw = localStorage.getItem(SESSION_KEY)
  if (raw === null || log.session !== undefined) return
  try {
    const s = JSON.parse(raw) as RunningSession
    // The other phone may have stopped it meanwhile: then its entry is already in the log.
    if (log.events.some((e) => e.type === s.kind && e.at === s.startedAt && e.child === s.child)) {
      localStorage.removeItem(SESSION_KEY)
      return
    }
    log.startSession({
      kind: s.kind,
      startedAt: s.startedAt,
      ...(s.side ? { side: s.side } : {}),
      ...(s.method ? { method: s.method } : {})
    })
  } catch {
    localStorage.removeItem(SESSION_KEY)
  }
}

const sessionLabel = (s: RunningSession): string =>
  s.kind === "latch" ? `Latch ${s.side ?? ""}`.trim() : `Pump ${s.method ?? ""}`.trim()

function Timer(props: { log: EventLog; settings: Settings; onMessage: (m: string) => void }) {
  const { log, settings } = props
  const mine = log.session
  const others = log.peers.filter((p) => !p.self && p.session !== undefined)
  const now = useNow(mine !== undefined || others.length > 0)
  const [pumped, setPumped] = useState("")
  const [error, setError] = useState("")
  // A session that ended without this phone's stop (the other parent stopped it) is not resumed.
  useEffect(() => {
    if (mine === undefined) localStorage.removeItem(SESSION_KEY)
  }, [mine])
  const elapsed = (s: RunningSession) => (now - Date.parse(s.startedAt)) / 1000
  const durationOf = (s: RunningSession) => Math.min(14_400, Math.max(1, Math.round(elapsed(s))))
  const volUnit = settings.volume === "ml" ? "ml" : "fl oz"
  const start = (session: Parameters<EventLog["startSession"]>[0]) => {
    const s = log.startSession(session)
    localStorage.setItem(SESSION_KEY, JSON.stringify(s))
    setError("")
  }
  const saved = (s: RunningSession, durationSec: number, at: string, who = "") =>
    props.onMessage(
      `${who}${sessionLabel(s)} saved: ${minutes(durationSec)} from ${clock(at, settings.timeZone)}`
    )
  const stop = async () => {
    if (!mine) return
    const durationSec = durationOf(mine)
    let amount: { totalMl?: number } = {}
    if (mine.kind === "pump") {
      // A pump session needs its amount (0 is fine: stimulation counts).
      const n = Number(pumped.trim().replace(",", "."))
      if (pumped.trim() === "" || !Number.isFinite(n)) {
        setError(`Amount pumped (${volUnit}): enter a number, 0 is fine`)
        return
      }
      amount = { totalMl: settings.volume === "ml" ? n : mlFromFlOz(n) }
    }
    try {
      const event = await log.stopSession({ durationSec, ...amount })
      localStorage.removeItem(SESSION_KEY)
      setPumped("")
      setError("")
      if (event) saved(mine, durationSec, event.at)
    } catch (err) {
      // The session keeps running: nothing was stored.
      setError(describe(err, settings))
    }
  }
  const stopTheirs = async (clientId: number, s: RunningSession, name: string) => {
    try {
      const durationSec = durationOf(s)
      const event = await log.stopSession({ peer: clientId, durationSec })
      if (event) saved(s, durationSec, event.at, `${name}’s `)
    } catch (err) {
      setError(describe(err, settings))
    }
  }
  return html`<section class="timer" aria-label="Timer">
    ${others.map((p) => {
      const s = p.session!
      const name = p.name ?? "Other phone"
      return html`<div class="peer-session">
        <p role="status">
          <span class="dot live" aria-hidden="true"></span>
          ${name}: ${sessionLabel(s)} running ${stopwatch(elapsed(s))}
        </p>
        ${
          s.kind === "latch"
            ? html`<button class="secondary" onClick=${() => stopTheirs(p.clientId, s, name)}>Stop ${name}’s latch</button>`
            : null
        }
      </div>`
    })}
    ${
      mine
        ? html`<div class="running">
            <p class="elapsed" role="timer" aria-label=${`${sessionLabel(mine)} running`}>${stopwatch(elapsed(mine))}</p>
            <p>${sessionLabel(mine)} since ${clock(mine.startedAt, settings.timeZone)}</p>
            ${
              mine.kind === "pump"
                ? html`<div class="field">
                    <label for="pump-stop-amount">Amount pumped (${volUnit})</label>
                    <input id="pump-stop-amount" inputmode="decimal" value=${pumped}
                      onInput=${(e: { currentTarget: { value: string } }) => setPumped(e.currentTarget.value)} />
                  </div>`
                : null
            }
            <button class="primary huge stop" onClick=${stop}>Stop ${mine.kind}</button>
          </div>`
        : html`<div class="starts">
            <button class="huge" onClick=${() => start({ kind: "latch", side: "left" })}>Start left</button>
            <button class="huge" onClick=${() => start({ kind: "latch", side: "right" })}>Start right</button>
            <button class="huge" onClick=${() => start({ kind: "latch", side: "both" })}>Start both</button>
            <button class="huge secondary" onClick=${() => start({ kind: "pump", method: "electric" })}>Start pump</button>
          </div>`
    }
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
  </section>`
}

/** A one-line description of an entry, in the chosen units. */
export const describeEntry = (e: Entry, settings: Settings, tz: string): string => {
  const vol = (ml: number) => formatVolume(ml, settings.volume)
  switch (e.type) {
    case "latch":
      return `${e.side}, ${minutes(e.durationSec)}`
    case "pump": {
      const sides =
        e.leftMl !== undefined || e.rightMl !== undefined
          ? ` (left ${vol(e.leftMl ?? 0)}, right ${vol(e.rightMl ?? 0)})`
          : ""
      return `${vol(e.totalMl)}${sides}, ${minutes(e.durationSec)}, ${e.method}`
    }
    case "supplement":
      return `${vol(e.ml)} ${e.milk}, ${e.via === "sns" ? "SNS" : e.via}${e.latch ? " during a latch" : ""}`
    case "weigh-in":
      return `${formatWeight(e.grams, settings.weight)}${e.place ? `, ${e.place} scale` : ""}${e.clothed ? ", clothed" : ""}`
    case "medication":
      return `${e.name}${e.dose === undefined ? "" : ` ${e.dose}${e.unit ? ` ${e.unit}` : ""}`}${tz ? "" : ""}`
  }
}

function Totals(props: { log: EventLog; settings: Settings; day: string }) {
  const { log, settings, day } = props
  const t = log.dailyTotals.days.find((d) => d.date === day)
  const plan = settings.plan
  const vol = (ml: number) => formatVolume(ml, settings.volume)
  const row = (label: string, value: string, goal: string | undefined, testId: string) =>
    html`<div class="total" data-total=${testId}><dt>${label}</dt><dd>${value}${goal ? html`<span class="goal"> / ${goal}</span>` : null}</dd></div>`
  const byMilk = t?.supplementByMilk
  return html`<section aria-labelledby="totals-h">
    <h2 id="totals-h">Today’s totals</h2>
    <dl class="totals" aria-label="Today’s totals">
      ${row("Latches", String(t?.latches ?? 0), String(plan.latches), "latches")}
      ${row("Night latches", String(t?.nightLatches ?? 0), String(plan.nightLatches), "night")}
      ${row("Latch minutes", String(Math.round(t?.latchMinutes ?? 0)), String(plan.latchMinutes), "minutes")}
      ${row("Pumped", vol(t?.pumpedMl ?? 0), plan.pumpedMl > 0 ? vol(plan.pumpedMl) : undefined, "pumped")}
      ${row("Supplement", vol(t?.supplementMl ?? 0), plan.supplementMl > 0 ? `at most ${vol(plan.supplementMl)}` : undefined, "supplement")}
    </dl>
    <p class="by-milk">Formula ${vol(byMilk?.formula ?? 0)} · expressed ${vol(byMilk?.expressed ?? 0)} · donor ${vol(byMilk?.donor ?? 0)}</p>
  </section>`
}

function Entries(props: {
  log: EventLog
  link: Link
  settings: Settings
  day: string
  onCorrect: (e: Entry) => void
  onMessage: (m: string) => void
}) {
  const { log, link, settings, day } = props
  const tz = settings.timeZone
  const names = caregiverNames(log.events)
  const today = currentEntries(log.events).filter((e) => localDay(e.at, tz, settings.dayStartHour) === day)
  const who = (by: string) => (by === link.caregiver ? "you" : (names.get(by) ?? "other parent"))
  const undo = async (e: Entry) => {
    await log.retract(e.id, "undone")
    props.onMessage(`${kindLabel[e.type]} at ${clock(e.at, tz)} removed`)
  }
  return html`<section aria-labelledby="entries-h">
    <h2 id="entries-h">Today’s entries</h2>
    ${today.length === 0 ? html`<p class="empty">Nothing logged yet today.</p>` : null}
    <ul class="entries" aria-label="Today’s entries">
      ${today.map(
        (e) => html`<li key=${e.id} class=${`entry ${e.type}`}>
          <time datetime=${e.at}>${clock(e.at, tz)}</time>
          <div class="what"><strong>${kindLabel[e.type]}</strong> ${describeEntry(e, settings, tz)}
            <small class="who">by ${who(e.by)}</small></div>
          <div class="entry-actions">
            <button class="small secondary" aria-label=${`Correct ${kindLabel[e.type].toLowerCase()} at ${clock(e.at, tz)}`} onClick=${() => props.onCorrect(e)}>Correct</button>
            <button class="small secondary" aria-label=${`Undo ${kindLabel[e.type].toLowerCase()} at ${clock(e.at, tz)}`} onClick=${() => undo(e)}>Undo</button>
          </div>
        </li>`
      )}
    </ul>
  </section>`
}

function Waiting(props: { log: EventLog; settings: Settings }) {
  const { log, settings } = props
  const [, setTick] = useState(0)
  useEffect(() => onPendingChange(() => setTick((t) => t + 1)), [])
  const pending = loadPending(log.logId)
  if (pending.length === 0) return null
  return html`<section aria-labelledby="waiting-h">
    <h2 id="waiting-h">Waiting for the latch to stop</h2>
    <ul class="entries" aria-label="Waiting for the latch to stop">
      ${pending.map(
        (p) => html`<li key=${p.key} class="entry supplement">
          <time>${p.draft.at === undefined ? "" : clock(new Date(p.draft.at).getTime(), settings.timeZone)}</time>
          <div class="what"><strong>SNS</strong> ${formatVolume(p.draft.ml ?? mlFromFlOz(p.draft.flOz ?? 0), settings.volume)} ${p.draft.milk}
            <small class="who">linked to the running latch when its timer stops</small></div>
          <div class="entry-actions">
            <button class="small secondary" onClick=${() => savePendingUnlinked(log, p.key)}>Save without link</button>
          </div>
        </li>`
      )}
    </ul>
  </section>`
}

export function Today(props: { log: EventLog; link: Link; settings: Settings }) {
  const { log, link, settings } = props
  const [form, setForm] = useState<{ kind: EntryKind; from?: Entry } | undefined>()
  const [message, setMessage] = useState("")
  const day = localDay(Date.now(), settings.timeZone, settings.dayStartHour)
  const quick: ReadonlyArray<EntryKind> = ["pump", "supplement", "weigh-in", "medication", "latch"]
  return html`<div class="today">
    <${Timer} log=${log} settings=${settings} onMessage=${setMessage} />
    <section class="quick" aria-label="Quick entry">
      ${quick.map(
        (k) =>
          html`<button class="big" onClick=${() => setForm({ kind: k })}>${k === "latch" ? "Past latch" : `+ ${kindLabel[k]}`}</button>`
      )}
    </section>
    <p class="message" role="status" aria-live="polite">${message}</p>
    ${
      form
        ? html`<${EntryForm}
            log=${log}
            link=${link}
            settings=${settings}
            kind=${form.kind}
            from=${form.from}
            onDone=${(m: string) => {
              setForm(undefined)
              setMessage(m)
            }}
            onCancel=${() => setForm(undefined)}
          />`
        : null
    }
    <${Waiting} log=${log} settings=${settings} />
    <${Totals} log=${log} settings=${settings} day=${day} />
    <${Entries}
      log=${log}
      link=${link}
      settings=${settings}
      day=${day}
      onCorrect=${(e: Entry) => setForm({ kind: e.type, from: e })}
      onMessage=${setMessage}
    />
  </div>`
}
