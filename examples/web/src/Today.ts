// The Today screen: the nursing timer (mine and the other phone's, live), quick entry, totals,
// the plan's targets for today (TodayPlan.ts), and today's entries with who logged each, undo and correct.
import { mlFromFlOz } from "@relactation/core"
import type { EventLog, RunningSession } from "@relactation/sync"
import { useEffect, useState } from "preact/hooks"
import { caregiverNames, currentEntries, type Entry, useNow } from "./Family.js"
import { describe, EntryForm, type EntryKind } from "./Forms.js"
import { number, volume, volumeUnit, weight } from "./Format.js"
import { t } from "./I18n.js"
import { html } from "./html.js"
import { loadPending, onPendingChange, savePendingUnlinked } from "./PendingSns.js"
import type { Link, Settings } from "./Link.js"
import { clock, localDay, minutes, stopwatch } from "./Time.js"
import { TodayPlan } from "./TodayPlan.js"

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
  s.kind === "latch"
    ? t("timer.session.latch", { side: s.side === undefined ? "" : t(`side.${s.side}`) }).trim()
    : t("timer.session.pump", { method: s.method === undefined ? "" : t(`method.${s.method}`) }).trim()

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
  const volUnit = volumeUnit(settings.volume)
  const start = (session: Parameters<EventLog["startSession"]>[0]) => {
    const s = log.startSession(session)
    localStorage.setItem(SESSION_KEY, JSON.stringify(s))
    setError("")
  }
  const saved = (s: RunningSession, durationSec: number, at: string, who?: string) => {
    const values = {
      session: sessionLabel(s),
      duration: minutes(durationSec),
      time: clock(at, settings.timeZone)
    }
    props.onMessage(
      who === undefined ? t("timer.saved", values) : t("timer.savedTheirs", { ...values, name: who })
    )
  }
  const stop = async () => {
    if (!mine) return
    const durationSec = durationOf(mine)
    let amount: { totalMl?: number } = {}
    if (mine.kind === "pump") {
      // A pump session needs its amount (0 is fine: stimulation counts).
      const n = Number(pumped.trim().replace(",", "."))
      if (pumped.trim() === "" || !Number.isFinite(n)) {
        setError(t("timer.pumpAmountMissing", { unit: volUnit }))
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
      if (event) saved(s, durationSec, event.at, name)
    } catch (err) {
      setError(describe(err, settings))
    }
  }
  return html`<section class="timer" aria-label=${t("timer.label")}>
    ${others.map((p) => {
      const s = p.session!
      const name = p.name ?? t("who.otherPhone")
      return html`<div class="peer-session">
        <p role="status">
          <span class="dot live" aria-hidden="true"></span>
          ${t("timer.peerRunning", { name, session: sessionLabel(s), elapsed: stopwatch(elapsed(s)) })}
        </p>
        ${
          s.kind === "latch"
            ? html`<button class="secondary" onClick=${() => stopTheirs(p.clientId, s, name)}>${t("timer.stopTheirs", { name })}</button>`
            : null
        }
      </div>`
    })}
    ${
      mine
        ? html`<div class="running">
            <p class="elapsed" role="timer" aria-label=${t("timer.running", { session: sessionLabel(mine) })}>${stopwatch(elapsed(mine))}</p>
            <p>${t("timer.since", { session: sessionLabel(mine), time: clock(mine.startedAt, settings.timeZone) })}</p>
            ${
              mine.kind === "pump"
                ? html`<div class="field">
                    <label for="pump-stop-amount">${t("timer.pumpAmount", { unit: volUnit })}</label>
                    <input id="pump-stop-amount" inputmode="decimal" value=${pumped}
                      onInput=${(e: { currentTarget: { value: string } }) => setPumped(e.currentTarget.value)} />
                  </div>`
                : null
            }
            <button class="primary huge stop" onClick=${stop}>${t(`timer.stop.${mine.kind}`)}</button>
          </div>`
        : html`<div class="starts">
            <button class="huge" onClick=${() => start({ kind: "latch", side: "left" })}>${t("timer.startLeft")}</button>
            <button class="huge" onClick=${() => start({ kind: "latch", side: "right" })}>${t("timer.startRight")}</button>
            <button class="huge" onClick=${() => start({ kind: "latch", side: "both" })}>${t("timer.startBoth")}</button>
            <button class="huge secondary" onClick=${() => start({ kind: "pump", method: "electric" })}>${t("timer.startPump")}</button>
          </div>`
    }
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
  </section>`
}

/** A one-line description of an entry, in the chosen units and language. */
export const describeEntry = (e: Entry, settings: Settings, _tz: string): string => {
  const vol = (ml: number) => volume(ml, settings.volume)
  switch (e.type) {
    case "latch":
      return t("entry.latch", { side: t(`side.${e.side}`), duration: minutes(e.durationSec) })
    case "pump": {
      const sides =
        e.leftMl !== undefined || e.rightMl !== undefined
          ? t("entry.pumpSides", { left: vol(e.leftMl ?? 0), right: vol(e.rightMl ?? 0) })
          : ""
      return t("entry.pump", {
        amount: vol(e.totalMl),
        sides,
        duration: minutes(e.durationSec),
        method: t(`method.${e.method}`)
      })
    }
    case "supplement":
      return (
        t("entry.supplement", { amount: vol(e.ml), milk: t(`milk.${e.milk}`), via: t(`via.${e.via}`) }) +
        (e.latch ? t("entry.duringLatch") : "")
      )
    case "weigh-in":
      return (
        t("entry.weighIn", { weight: weight(e.grams, settings.weight) }) +
        (e.place ? t(`entry.scale.${e.place}`) : "") +
        (e.clothed ? t("entry.clothed") : "")
      )
    case "medication":
      // The name, dose and unit are what the caregiver typed: shown as typed.
      return `${e.name}${e.dose === undefined ? "" : ` ${e.dose}${e.unit ? ` ${e.unit}` : ""}`}`
  }
}

function Totals(props: { log: EventLog; settings: Settings; day: string }) {
  const { log, settings, day } = props
  const d = log.dailyTotals.days.find((x) => x.date === day)
  const vol = (ml: number) => volume(ml, settings.volume)
  const row = (label: string, value: string, testId: string) =>
    html`<div class="total" data-total=${testId}><dt>${label}</dt><dd>${value}</dd></div>`
  const byMilk = d?.supplementByMilk
  return html`<section aria-labelledby="totals-h">
    <h2 id="totals-h">${t("totals.title")}</h2>
    <dl class="totals" aria-label=${t("totals.title")}>
      ${row(t("totals.latches"), number(d?.latches ?? 0), "latches")}
      ${row(t("totals.nightLatches"), number(d?.nightLatches ?? 0), "night")}
      ${row(t("totals.latchMinutes"), number(Math.round(d?.latchMinutes ?? 0)), "minutes")}
      ${row(t("totals.pumped"), vol(d?.pumpedMl ?? 0), "pumped")}
      ${row(t("totals.supplement"), vol(d?.supplementMl ?? 0), "supplement")}
    </dl>
    <p class="by-milk">${t("totals.byMilk", { formula: vol(byMilk?.formula ?? 0), expressed: vol(byMilk?.expressed ?? 0), donor: vol(byMilk?.donor ?? 0) })}</p>
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
  const who = (by: string) =>
    by === link.caregiver ? t("who.you") : (names.get(by) ?? t("who.otherParentLower"))
  const undo = async (e: Entry) => {
    await log.retract(e.id, "undone")
    props.onMessage(t("entries.removed", { kind: t(`kind.${e.type}`), time: clock(e.at, tz) }))
  }
  return html`<section aria-labelledby="entries-h">
    <h2 id="entries-h">${t("entries.title")}</h2>
    ${today.length === 0 ? html`<p class="empty">${t("entries.empty")}</p>` : null}
    <ul class="entries" aria-label=${t("entries.title")}>
      ${today.map(
        (e) => html`<li key=${e.id} class=${`entry ${e.type}`}>
          <time datetime=${e.at}>${clock(e.at, tz)}</time>
          <div class="what"><strong>${t(`kind.${e.type}`)}</strong> ${describeEntry(e, settings, tz)}
            <small class="who">${t("entries.by", { who: who(e.by) })}</small></div>
          <div class="entry-actions">
            <button class="small secondary" aria-label=${t("entries.correctLabel", { kind: t(`kindLower.${e.type}`), time: clock(e.at, tz) })} onClick=${() => props.onCorrect(e)}>${t("entries.correct")}</button>
            <button class="small secondary" aria-label=${t("entries.undoLabel", { kind: t(`kindLower.${e.type}`), time: clock(e.at, tz) })} onClick=${() => undo(e)}>${t("entries.undo")}</button>
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
    <h2 id="waiting-h">${t("waiting.title")}</h2>
    <ul class="entries" aria-label=${t("waiting.title")}>
      ${pending.map(
        (p) => html`<li key=${p.key} class="entry supplement">
          <time>${p.draft.at === undefined ? "" : clock(new Date(p.draft.at).getTime(), settings.timeZone)}</time>
          <div class="what"><strong>${t("waiting.sns")}</strong> ${volume(p.draft.ml ?? mlFromFlOz(p.draft.flOz ?? 0), settings.volume)} ${t(`milk.${p.draft.milk}`)}
            <small class="who">${t("waiting.note")}</small></div>
          <div class="entry-actions">
            <button class="small secondary" onClick=${() => savePendingUnlinked(log, p.key)}>${t("waiting.saveUnlinked")}</button>
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
    <section class="quick" aria-label=${t("quick.label")}>
      ${quick.map(
        (k) =>
          html`<button class="big" onClick=${() => setForm({ kind: k })}>${k === "latch" ? t("quick.pastLatch") : t("quick.add", { kind: t(`kind.${k}`) })}</button>`
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
    <${TodayPlan} log=${log} link=${link} settings=${settings} day=${day} />
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
