// Exports for the clinician: every event (CSV, or the wire-format JSON the library writes), the
// daily totals (CSV or JSON), the PDF report and the FHIR R4 Bundle (@relactation/report, loaded on
// first use so the app shell stays small). Every file name carries the child and the period. CSV
// cells are quoted per RFC 4180 and guarded against spreadsheet formula injection, since names are
// free text typed by a caregiver.
import { type DayTotals, type Event, localDateOf } from "@relactation/core"
import type { EventLog } from "@relactation/sync"
import { caregiverNames, childProfile, retracted } from "./Family.js"
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

/**
 * The events of one child (twins: each child's export is its own): its entries and profile, the
 * retractions of those, and the caregivers' names.
 */
export const eventsOfChild = (events: ReadonlyArray<Event>, child: string): ReadonlyArray<Event> => {
  const ids = new Set(events.filter((e) => e.child === child && e.type !== "retract").map((e) => e.id))
  return events.filter(
    (e) => e.type === "caregiver" || (e.type === "retract" ? ids.has(e.target) : e.child === child)
  )
}

/** One row per event (retractions included, and each row says whether it was retracted). */
export const eventsCsv = (events: ReadonlyArray<Event>, settings: Settings, child?: string): string => {
  const names = caregiverNames(events)
  const gone = retracted(events)
  const rows = child === undefined ? events : eventsOfChild(events, child)
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
  const lines = rows.map((e) => {
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
  return toCsv(header, lines)
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
export const download = (filename: string, type: string, content: string | Uint8Array<ArrayBuffer>): void => {
  const url = URL.createObjectURL(new Blob([content], { type }))
  const a = document.createElement("a")
  a.href = url
  a.download = filename
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

const report = () => import("@relactation/report")

/** The report's period: the whole course, or the last 14 or 30 days up to today. */
export type ReportPeriod = "all" | "30" | "14"

const periodOf = (settings: Settings, period: ReportPeriod): { from?: string; to?: string } => {
  if (period === "all") return {}
  const to = localDateOf(Date.now(), settings)
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (Number(period) - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10)
  return { from, to }
}

/** The child's name for file names (its id when the profile has none). */
const childName = (log: EventLog, child: string): string => childProfile(log.events, child)?.name ?? child

/** The logged period of the log (days with entries), or today when there is none yet. */
const loggedPeriod = (log: EventLog, settings: Settings): { from: string; to: string } => {
  const today = localDateOf(Date.now(), settings)
  const days = log.dailyTotals.days
  return { from: days[0]?.date ?? today, to: days.at(-1)?.date ?? today }
}

/** The wire-format JSON of one child's events (as `eventsOfChild`), in the log's own order. */
const childJson = (log: EventLog, child: string): string => {
  const ids = new Set(eventsOfChild(log.events, child).map((e) => e.id))
  const entries = JSON.parse(log.exportJson()) as Array<{ readonly id?: unknown }>
  return JSON.stringify(entries.filter((e) => typeof e.id === "string" && ids.has(e.id)))
}

export const exportFile = async (
  log: EventLog,
  settings: Settings,
  child: string,
  what: "events.csv" | "events.json" | "daily-totals.csv" | "daily-totals.json"
): Promise<void> => {
  const { exportFileName } = await report()
  const [base, ext] = what.split(".") as [string, string]
  const name = exportFileName({
    child: childName(log, child),
    ...loggedPeriod(log, settings),
    what: base,
    ext
  })
  const files: Record<typeof what, () => readonly [string, string]> = {
    "events.csv": () => ["text/csv", eventsCsv(log.events, settings, child)],
    "events.json": () => ["application/json", childJson(log, child)],
    "daily-totals.csv": () => ["text/csv", dailyTotalsCsv(log.dailyTotals.days)],
    "daily-totals.json": () => ["application/json", `${JSON.stringify(log.dailyTotals.days, null, 2)}\n`]
  }
  const [type, content] = files[what]()
  download(name, type, content)
}

/**
 * The PDF report or the FHIR R4 Bundle of a period, in this phone's units, days and zone. Rejects
 * with the report's `InvalidReportOptions` (for example a period with no logged day).
 */
export const exportReport = async (
  log: EventLog,
  settings: Settings,
  child: string,
  period: ReportPeriod,
  what: "report.pdf" | "fhir.json"
): Promise<void> => {
  const { exportFileName, fhirBundle, pdfReport, reportData } = await report()
  const options = {
    timeZone: settings.timeZone,
    dayStartHour: settings.dayStartHour,
    night: { start: settings.nightStart, end: settings.nightEnd },
    child,
    units: { volume: settings.volume, weight: settings.weight },
    generatedAt: Date.now(),
    ...periodOf(settings, period)
  }
  const data = reportData(log.events, options)
  const [base, ext] = what.split(".") as [string, string]
  const name = exportFileName({
    child: data.child.name ?? child,
    from: data.from,
    to: data.to,
    what: base,
    ext
  })
  if (what === "report.pdf") download(name, "application/pdf", new Uint8Array(pdfReport(log.events, options)))
  else
    download(name, "application/fhir+json", `${JSON.stringify(fhirBundle(log.events, options), null, 2)}\n`)
}
