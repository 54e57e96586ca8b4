// Exports for the clinician: every event (CSV, or the wire-format JSON the library writes) and the
// daily totals (CSV or JSON). CSV cells are quoted per RFC 4180 and guarded against spreadsheet
// formula injection, since names are free text typed by a caregiver.
import type { DayTotals, Event } from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import { caregiverNames, retracted } from "./Family.js"
import type { Settings } from "./Link.js"
import { clock, localDay } from "./Time.js"

const cell = (value: unknown): string => {
  if (value === undefined || value === null) return ""
  let s = String(value)
  if (/^[=+\-@\t\r]/.test(s) && typeof value === "string") s = `'${s}`
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export const toCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>): string =>
  [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n"

const EVENT_FIELDS = [
  "side",
  "durationSec",
  "method",
  "totalMl",
  "leftMl",
  "rightMl",
  "ml",
  "milk",
  "via",
  "latch",
  "grams",
  "clothed",
  "place",
  "name",
  "dose",
  "unit",
  "birthDate",
  "sex",
  "target",
  "reason"
] as const

/** One row per event (retractions included, and each row says whether it was retracted). */
export const eventsCsv = (events: ReadonlyArray<Event>, settings: Settings): string => {
  const names = caregiverNames(events)
  const gone = retracted(events)
  const header = [
    "id",
    "type",
    "at",
    "localDay",
    "localTime",
    "by",
    "byName",
    "child",
    "retracted",
    ...EVENT_FIELDS
  ]
  const rows = events.map((e) => {
    const fields = e as unknown as Record<string, unknown>
    return [
      e.id,
      e.type,
      e.at,
      localDay(e.at, settings.timeZone, settings.dayStartHour),
      clock(e.at, settings.timeZone),
      e.by,
      names.get(e.by) ?? "",
      e.child,
      gone.has(e.id) ? "yes" : "no",
      ...EVENT_FIELDS.map((f) => fields[f])
    ]
  })
  return toCsv(header, rows)
}

/** One row per local day. */
export const dailyTotalsCsv = (days: ReadonlyArray<DayTotals>): string =>
  toCsv(
    [
      "date",
      "latches",
      "nightLatches",
      "latchMinutes",
      "latchesLeft",
      "latchesRight",
      "latchesBoth",
      "pumps",
      "pumpMinutes",
      "pumpedMl",
      "supplements",
      "supplementMl",
      "formulaMl",
      "expressedMl",
      "donorMl",
      "snsMl",
      "supplementsDuringLatch",
      "weighIns",
      "medications"
    ],
    days.map((d) => [
      d.date,
      d.latches,
      d.nightLatches,
      Math.round(d.latchMinutes * 10) / 10,
      d.latchesBySide.left,
      d.latchesBySide.right,
      d.latchesBySide.both,
      d.pumps,
      Math.round(d.pumpMinutes * 10) / 10,
      d.pumpedMl,
      d.supplements,
      d.supplementMl,
      d.supplementByMilk.formula,
      d.supplementByMilk.expressed,
      d.supplementByMilk.donor,
      d.supplementByVia.sns,
      d.supplementsDuringLatch,
      d.weighIns,
      d.medications
    ])
  )

/** Offers a file to save (or share, on phones). */
export const download = (filename: string, type: string, content: string): void => {
  const url = URL.createObjectURL(new Blob([content], { type }))
  const a = document.createElement("a")
  a.href = url
  a.download = filename
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export const exportFile = (
  log: EventLog,
  settings: Settings,
  what: "events.csv" | "events.json" | "daily-totals.csv" | "daily-totals.json"
): void => {
  const stamp = localDay(Date.now(), settings.timeZone, 0)
  const name = `relactation-${stamp}-${what}`
  const files: Record<typeof what, () => readonly [string, string]> = {
    "events.csv": () => ["text/csv", eventsCsv(log.events, settings)],
    "events.json": () => ["application/json", log.exportJson()],
    "daily-totals.csv": () => ["text/csv", dailyTotalsCsv(log.dailyTotals.days)],
    "daily-totals.json": () => ["application/json", `${JSON.stringify(log.dailyTotals.days, null, 2)}\n`]
  }
  const [type, content] = files[what]()
  download(name, type, content)
}
