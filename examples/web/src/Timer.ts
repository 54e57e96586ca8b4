// The nursing and pump timer of the Today screen: this phone's running session (kept across a
// reload with its own id), the sessions running on the other phones (stoppable from here), and the
// ones whose phone left long ago ("maybe forgotten": stop with a duration to confirm, or discard).
// Twins nursed together: one timer, and when it stops each twin gets the same latch.
import { mlFromFlOz } from "@relactation/core"
import { type EventLog, type RunningSession, type SessionInfo, stopEventId } from "@relactation/sync"
import { useEffect, useState } from "preact/hooks"
import { allNames, type ChildInfo, twinEventId } from "./Children.js"
import { useNow } from "./Family.js"
import { volumeUnit } from "./Format.js"
import { t } from "./I18n.js"
import { html } from "./html.js"
import type { Link, Settings } from "./Link.js"
import { Forgotten, StopTheirs, sessionLabel, stopFailure } from "./StopSession.js"
import { clock, minutes, stopwatch } from "./Time.js"

const SESSION_KEY = "relactation:session"

/**
 * The running session as this phone keeps it (a session of an older version may lack `id`), and
 * the twins nursed along with its child (presence carries one child; this phone records the rest).
 */
type Kept = Omit<RunningSession, "id"> & { readonly id?: string; readonly twins?: ReadonlyArray<string> }

const readKept = (): Kept | undefined => {
  try {
    const raw = localStorage.getItem(SESSION_KEY)
    return raw === null ? undefined : (JSON.parse(raw) as Kept)
  } catch {
    return undefined
  }
}

/**
 * The twins' latches of a stopped tandem session: the same start, duration and side, under ids
 * derived from the session's event, so recording them twice (a reload, another tab) adds nothing.
 */
const recordTwins = async (log: EventLog, kept: Kept): Promise<void> => {
  if (kept.id === undefined || kept.twins === undefined || kept.twins.length === 0) return
  const stopId = stopEventId(kept.id)
  const event = log.events.find((e) => e.id === stopId)
  if (event?.type !== "latch") return
  for (const child of kept.twins) {
    const id = twinEventId(event, child)
    if (log.events.some((e) => e.id === id)) continue
    await log
      .append({
        type: "latch",
        id,
        child,
        by: event.by,
        at: event.at,
        durationSec: event.durationSec,
        side: event.side
      })
      .catch(() => undefined)
  }
}

/** This phone's session ended (stopped here or elsewhere): forget it, and log the twins' latches. */
const finish = (log: EventLog): void => {
  const kept = readKept()
  localStorage.removeItem(SESSION_KEY)
  if (kept !== undefined) void recordTwins(log, kept)
}

/** Restarts this phone's running timer after a reload (the session lives in presence only). */
export const resumeSession = (log: EventLog): void => {
  const s = readKept()
  if (s === undefined || log.session !== undefined) return
  try {
    // Another phone may have stopped it meanwhile: then its entry is already in the log.
    const ended = log.events.some((e) =>
      s.id === undefined
        ? e.type === s.kind && e.at === s.startedAt && e.child === s.child
        : e.id === stopEventId(s.id)
    )
    if (ended) {
      finish(log)
      return
    }
    // With the id it had, so it stays the session the other phone knows (and stops).
    log.startSession({
      kind: s.kind,
      startedAt: s.startedAt,
      child: s.child,
      ...(s.id ? { id: s.id } : {}),
      ...(s.side ? { side: s.side } : {}),
      ...(s.method ? { method: s.method } : {})
    })
  } catch {
    localStorage.removeItem(SESSION_KEY)
  }
}

/** The sessions to show, live (also when one becomes maybe forgotten, with no other change). */
const useSessions = (log: EventLog): ReadonlyArray<SessionInfo> => {
  const [sessions, setSessions] = useState(() => log.runningSessions)
  useEffect(() => {
    setSessions(log.runningSessions)
    return log.onSessions(setSessions)
  }, [log])
  return sessions
}

export function Timer(props: {
  log: EventLog
  link: Link
  settings: Settings
  /** The child new sessions are for. */
  child: string
  /** A child's name, when the family has several children (shown next to each session). */
  childName?: (id: string) => string | undefined
  /** The family's children: with two or more, a latch can be timed for all of them at once. */
  children?: ReadonlyArray<ChildInfo>
  onMessage: (m: string) => void
}) {
  const { log, link, settings } = props
  const mine = log.session
  const sessions = useSessions(log)
  const others = sessions.filter((s) => !s.self)
  const now = useNow(mine !== undefined || others.length > 0)
  const [pumped, setPumped] = useState("")
  const [error, setError] = useState("")
  // Which other phone's session is being stopped here (its form stays open until saved or cancelled).
  const [stopping, setStopping] = useState<SessionInfo | undefined>()
  const children = props.children ?? []
  const [forAll, setForAll] = useState(false)
  // A session that ended without this phone's stop (the other parent stopped it) is not resumed.
  useEffect(() => {
    if (mine === undefined) finish(log)
  }, [mine])
  const kept = mine === undefined ? undefined : readKept()
  const label = (s: RunningSession) =>
    s.id === mine?.id && kept?.twins !== undefined && kept.twins.length > 0
      ? sessionLabel(s, () =>
          allNames(children.filter((c) => c.id === s.child || kept.twins?.includes(c.id)))
        )
      : sessionLabel(s, props.childName)
  const elapsed = (s: RunningSession) => (now - Date.parse(s.startedAt)) / 1000
  const durationOf = (s: RunningSession) => Math.min(14_400, Math.max(1, Math.round(elapsed(s))))
  const volUnit = volumeUnit(settings.volume)
  const start = (session: {
    kind: "latch" | "pump"
    side?: "left" | "right" | "both"
    method?: "electric"
  }) => {
    const s = log.startSession({ ...session, child: props.child })
    const twins = session.kind === "latch" && forAll ? children.filter((c) => c.id !== props.child) : []
    localStorage.setItem(
      SESSION_KEY,
      JSON.stringify(twins.length === 0 ? s : { ...s, twins: twins.map((c) => c.id) })
    )
    setError("")
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
      const event = await log.stopSession({ session: mine.id, durationSec, ...amount })
      finish(log)
      setPumped("")
      setError("")
      if (event)
        props.onMessage(
          t("timer.saved", {
            session: label(mine),
            duration: minutes(durationSec),
            time: clock(event.at, settings.timeZone)
          })
        )
    } catch (err) {
      if ((err as { _tag?: string })._tag === "SessionAlreadyStopped") {
        // The other phone stopped it first: one entry, theirs.
        finish(log)
        setError("")
        props.onMessage(stopFailure(log, link, settings, err))
      } else setError(stopFailure(log, link, settings, err)) // the session keeps running
    }
  }
  const form = (info: SessionInfo) =>
    stopping?.session.id === info.session.id
      ? html`<${StopTheirs} key=${info.session.id} log=${log} link=${link} settings=${settings} info=${stopping}
          label=${label(info.session)}
          onDone=${(m: string) => {
            setStopping(undefined)
            props.onMessage(m)
          }}
          onCancel=${() => setStopping(undefined)} />`
      : null
  // The session being stopped keeps its form even if it ends meanwhile: saving then says who stopped it.
  const shown =
    stopping === undefined || others.some((s) => s.session.id === stopping.session.id)
      ? others
      : [...others, stopping]
  return html`<section class="timer" aria-label=${t("timer.label")}>
    ${shown.map((info) => {
      const s = info.session
      const name = info.name ?? t("who.otherPhone")
      if (info.maybeForgotten)
        return html`<div key=${s.id}>
          <${Forgotten} log=${log} settings=${settings} info=${info} label=${label(s)}
            stopping=${stopping?.session.id === s.id} onStop=${() => setStopping(info)} onMessage=${props.onMessage} />
          ${form(info)}
        </div>`
      return html`<div class="peer-session" key=${s.id}>
        <p role="status">
          <span class="dot live" aria-hidden="true"></span>
          ${t("timer.peerRunning", { name, session: label(s), elapsed: stopwatch(elapsed(s)) })}
        </p>
        ${
          stopping?.session.id === s.id
            ? form(info)
            : html`<button class="secondary" onClick=${() => setStopping(info)}>${t(`timer.stopTheirs.${s.kind}`, { name })}</button>`
        }
      </div>`
    })}
    ${
      mine
        ? html`<div class="running">
            <p class="elapsed" role="timer" aria-label=${t("timer.running", { session: label(mine) })}>${stopwatch(elapsed(mine))}</p>
            <p>${t("timer.since", { session: label(mine), time: clock(mine.startedAt, settings.timeZone) })}</p>
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
        : html`${
            children.length > 1
              ? html`<div class="field"><label for="timer-for">${t("children.for")}</label>
                  <select id="timer-for" onChange=${(e: { currentTarget: { value: string } }) => setForAll(e.currentTarget.value === "all")}>
                    <option value="one" selected=${!forAll}>${props.childName?.(props.child) ?? ""}</option>
                    <option value="all" selected=${forAll}>${allNames(children)}</option>
                  </select></div>`
              : null
          }<div class="starts">
            <button class="huge" onClick=${() => start({ kind: "latch", side: "left" })}>${t("timer.startLeft")}</button>
            <button class="huge" onClick=${() => start({ kind: "latch", side: "right" })}>${t("timer.startRight")}</button>
            <button class="huge" onClick=${() => start({ kind: "latch", side: "both" })}>${t("timer.startBoth")}</button>
            <button class="huge secondary" onClick=${() => start({ kind: "pump", method: "electric" })}>${t("timer.startPump")}</button>
          </div>`
    }
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
  </section>`
}
