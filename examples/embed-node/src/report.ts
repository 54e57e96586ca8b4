/**
 * The hand-off to the clinician from Node: a PDF report and a FHIR R4 Bundle of a generated
 * 60-day family log (the benchmark's seeded generator: two caregivers, latches, pumps,
 * supplements, weekly weigh-ins, a few retractions), written under file names that carry the
 * child and the period. Pure apart from writing the two files: `generatedAt` is passed in, so the
 * same run gives the same bytes.
 *
 * Run: pnpm --filter @relactation/example-embed-node report -- --out ./.report-out
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { exportFileName, fhirBundle, pdfReport, reportData } from "@relactation/report"
import { generateLog } from "../../../bench/generate.js"

const { values } = parseArgs({ options: { out: { type: "string", default: ".report-out" } } })
const out = values.out
mkdirSync(out, { recursive: true })

const log = generateLog({ days: 60, seed: 1 })
const options = {
  timeZone: log.timeZone,
  dayStartHour: 6,
  units: { volume: "ml", weight: "g" },
  generatedAt: "2026-03-06T08:00:00Z"
} as const

// The period and the child come from the log (the whole course); an app passes `from`/`to`.
const data = reportData(log.events, options)
const name = (what: string, ext: string) =>
  exportFileName({ child: data.child.name ?? data.child.id, from: data.from, to: data.to, what, ext })

const pdf = name("report", "pdf")
writeFileSync(join(out, pdf), pdfReport(log.events, options))
console.log(
  `PDF: ${pdf} (${data.days.length} days, ${data.loggedDays} logged, ${data.weights.length} weigh-ins)`
)

const fhir = name("fhir", "json")
const bundle = fhirBundle(log.events, options)
writeFileSync(join(out, fhir), `${JSON.stringify(bundle, null, 2)}\n`)
const observations = bundle.entry.filter((e) => e.resource.resourceType === "Observation").length
console.log(`FHIR: ${fhir} (Bundle ${bundle.type}: 1 Patient, ${observations} body weight Observations)`)
