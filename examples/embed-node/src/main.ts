/**
 * Embedding @relactation/core: record a night and a morning of relactation as events, store them
 * as JSON, read them back (one entry from a newer app included), and print the projections an app
 * would show. Pure: the clock and randomness are injected, so the output is the same every run.
 *
 * Run: pnpm --filter @relactation/example-embed-node start
 */
import {
  type Draft,
  dailyTotals,
  decodeEvents,
  type Event,
  formatVolume,
  formatWeight,
  makeSync,
  relactationProgress,
  weightTrend
} from "@relactation/core"

const timeZone = "Europe/Berlin"
const family = { child: "baby-ada", tz: timeZone }
const sam = { ...family, by: "parent-sam" }
const alex = { ...family, by: "parent-alex" }

// A seeded PRNG keeps the example's ids stable between runs.
let seed = 42
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
  return seed / 2 ** 31
}
const record = <D extends Draft>(draft: D, at: string) =>
  makeSync({ ...draft, at }, { now: () => Date.parse(at), random })

const log: Array<Event> = []
log.push(
  record(
    { ...sam, type: "child", name: "Ada", birthDate: "2027-02-01", sex: "female" },
    "2027-03-01T08:00:00Z"
  )
)
log.push(record({ ...sam, type: "caregiver", name: "Sam" }, "2027-03-01T08:00:00Z"))
log.push(record({ ...alex, type: "caregiver", name: "Alex" }, "2027-03-01T08:01:00Z"))
for (const [day, grams] of [
  ["2027-03-01", 3350],
  ["2027-03-05", 3420],
  ["2027-03-09", 3510],
  ["2027-03-13", 3580]
] as const) {
  log.push(record({ ...sam, type: "weigh-in", grams, place: "clinic", clothed: false }, `${day}T09:00:00Z`))
}
// 02:10 Berlin: Sam nurses on the left with the SNS while Alex prepares 30 ml of formula.
const night = record({ ...sam, type: "latch", durationSec: 1_080, side: "left" }, "2027-03-13T01:10:00Z")
log.push(night)
log.push(
  record(
    { ...alex, type: "supplement", ml: 30, milk: "formula", via: "sns", latch: night.id },
    "2027-03-13T01:12:00Z"
  )
)
log.push(
  record(
    { ...sam, type: "pump", durationSec: 900, method: "electric", leftMl: 0, rightMl: 5 },
    "2027-03-13T04:00:00Z"
  )
)
log.push(
  record({ ...sam, type: "medication", name: "domperidone", dose: 10, unit: "mg" }, "2027-03-13T07:00:00Z")
)
const wrong = record(
  { ...alex, type: "supplement", flOz: 2, milk: "donor", via: "bottle" },
  "2027-03-13T09:00:00Z"
)
log.push(wrong)
// That bottle was logged twice by mistake: a retraction, never an edit.
log.push(
  record({ ...alex, type: "retract", target: wrong.id, reason: "logged twice" }, "2027-03-13T09:05:00Z")
)
log.push(record({ ...sam, type: "latch", durationSec: 840, side: "both" }, "2027-03-13T10:30:00Z"))

// Storage or network: the wire format is the JSON of the events. A newer app wrote a "sleep" entry.
const stored = JSON.stringify([...log, { id: "x", type: "sleep", v: 1, minutes: 90 }])
const { events, unknown, invalid } = decodeEvents(JSON.parse(stored) as Array<unknown>)
console.log(
  `decoded ${events.length} events, ${unknown.length} from a newer app (kept, skipped), ${invalid.length} invalid`
)

const entries = [...events, ...unknown, ...invalid]
const totals = dailyTotals(entries, { timeZone, dayStartHour: 6 })
for (const day of totals.days) {
  if (day.events === 0) continue
  console.log(
    `${day.date}: ${day.latches} latches (${day.nightLatches} at night, ${day.latchMinutes} min), ` +
      `pumped ${formatVolume(day.pumpedMl)}, supplement ${formatVolume(day.supplementMl)} ` +
      `(formula ${day.supplementByMilk.formula} ml, donor ${day.supplementByMilk.donor} ml), ` +
      `${day.medications} medication(s)`
  )
}
console.log(`skipped: ${totals.skipped.unknown} unknown, ${totals.skipped.invalid} invalid`)

const trend = weightTrend(entries, {})
for (const point of trend.points)
  console.log(
    `weight ${point.at.slice(0, 10)}: ${formatWeight(point.grams)} / ${formatWeight(point.grams, "lb-oz")}`
  )
console.log(`velocity over the last 14 days: ${trend.last14Days?.gramsPerDay ?? "n/a"} g/day`)

const progress = relactationProgress(entries, { timeZone, dayStartHour: 6 })
console.log(`supplement trend: ${JSON.stringify(progress.trend)}`)
