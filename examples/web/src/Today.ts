// The Today screen: the nursing timer (mine and the other phone's, live), quick entry, totals,
// the plan's targets for today (TodayPlan.ts), and today's entries with who logged each, undo and correct.
import { mlFromFlOz } from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import { useEffect, useState } from "preact/hooks"
import type { ChildInfo } from "./Children.js"
import { childName } from "./Children.js"
import { caregiverNames, currentEntries, type Entry } from "./Family.js"
import { EntryForm, type EntryKind } from "./Forms.js"
import { number, volume, weight } from "./Format.js"
import { t } from "./I18n.js"
import { html } from "./html.js"
import { loadPending, onPendingChange, savePendingUnlinked } from "./PendingSns.js"
import type { Link, Settings } from "./Link.js"
import { clock, localDay, minutes } from "./Time.js"
import { Timer } from "./Timer.js"
import { TodayPlan } from "./TodayPlan.js"

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
  // The child shown: twins' entries are each child's own.
  const today = currentEntries(log.events).filter(
    (e) => e.child === link.child && localDay(e.at, tz, settings.dayStartHour) === day
  )
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

export function Today(props: {
  log: EventLog
  link: Link
  settings: Settings
  /** The family's children (the shown one is `link.child`). */
  children?: ReadonlyArray<ChildInfo>
}) {
  const { log, link, settings } = props
  const children = props.children ?? []
  const nameOf = children.length > 1 ? (id: string) => childName(children, id) : undefined
  const [form, setForm] = useState<{ kind: EntryKind; from?: Entry } | undefined>()
  const [message, setMessage] = useState("")
  const day = localDay(Date.now(), settings.timeZone, settings.dayStartHour)
  const quick: ReadonlyArray<EntryKind> = ["pump", "supplement", "weigh-in", "medication", "latch"]
  return html`<div class="today">
    <${Timer} log=${log} link=${link} settings=${settings} child=${link.child} children=${children}
      childName=${nameOf} onMessage=${setMessage} />
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
            children=${children}
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
