/**
 * The FHIR R4 export: a Bundle of type `collection` with a Patient for the child and one body
 * weight Observation (LOINC 29463-7, UCUM `g`) per weigh-in of the period. Retracted weigh-ins are
 * left out, as in every projection. Latches, pumping and supplements are not exported: no standard
 * LOINC code fits them (see the README), and the export does not invent one.
 *
 * @since 0.1.0
 */
import type { LogEntry, WeightPoint } from "@relactation/core"
import { stableUuid } from "./internal/Hash.js"
import { buildReportData, type ReportData } from "./ReportData.js"
import { checkOptions, type ReportOptions } from "./ReportOptions.js"

/**
 * A FHIR `Coding`.
 *
 * @since 0.1.0
 * @category models
 */
export interface FhirCoding {
  readonly system: string
  readonly code: string
  readonly display?: string
}

/**
 * The FHIR R4 Patient this export writes.
 *
 * @since 0.1.0
 * @category models
 */
export interface FhirPatient {
  readonly resourceType: "Patient"
  readonly id: string
  readonly identifier: ReadonlyArray<{ readonly system: string; readonly value: string }>
  readonly name?: ReadonlyArray<{ readonly text: string }>
  readonly gender?: "female" | "male"
  readonly birthDate?: string
}

/**
 * The FHIR R4 body weight Observation this export writes (profile
 * `http://hl7.org/fhir/StructureDefinition/bodyweight`).
 *
 * @since 0.1.0
 * @category models
 */
export interface FhirObservation {
  readonly resourceType: "Observation"
  readonly id: string
  readonly meta: { readonly profile: ReadonlyArray<string> }
  readonly status: "final"
  readonly category: ReadonlyArray<{ readonly coding: ReadonlyArray<FhirCoding>; readonly text?: string }>
  readonly code: { readonly coding: ReadonlyArray<FhirCoding>; readonly text: string }
  readonly subject: { readonly reference: string }
  readonly effectiveDateTime: string
  readonly valueQuantity: {
    readonly value: number
    readonly unit: string
    readonly system: string
    readonly code: string
  }
  readonly note?: ReadonlyArray<{ readonly text: string }>
}

/**
 * A FHIR R4 Bundle of type `collection`.
 *
 * @since 0.1.0
 * @category models
 */
export interface FhirBundle {
  readonly resourceType: "Bundle"
  readonly type: "collection"
  readonly timestamp: string
  readonly entry: ReadonlyArray<{
    readonly fullUrl: string
    readonly resource: FhirPatient | FhirObservation
  }>
}

/**
 * The codes the export uses. LOINC 29463-7 "Body weight" is the code the FHIR R4 body weight
 * profile fixes; UCUM `g` is in its unit value set.
 *
 * @since 0.1.0
 * @category constants
 */
export const FHIR_CODES = {
  loinc: "http://loinc.org",
  ucum: "http://unitsofmeasure.org",
  observationCategory: "http://terminology.hl7.org/CodeSystem/observation-category",
  bodyWeight: "29463-7",
  bodyWeightProfile: "http://hl7.org/fhir/StructureDefinition/bodyweight",
  /** The identifier system of the child ids of a relactation log. */
  childIdentifier: "urn:relactation:child"
} as const

const note = (w: WeightPoint): Array<{ text: string }> => {
  const parts = [
    w.place === undefined ? undefined : `${w.place} scale`,
    w.clothed === undefined ? undefined : w.clothed ? "clothed" : "unclothed"
  ].filter((p) => p !== undefined)
  return parts.length === 0 ? [] : [{ text: parts.join(", ") }]
}

const observation = (w: WeightPoint, patient: string): FhirObservation => {
  const notes = note(w)
  return {
    resourceType: "Observation",
    id: w.id,
    meta: { profile: [FHIR_CODES.bodyWeightProfile] },
    status: "final",
    category: [
      {
        coding: [{ system: FHIR_CODES.observationCategory, code: "vital-signs", display: "Vital Signs" }],
        text: "Vital Signs"
      }
    ],
    code: {
      coding: [{ system: FHIR_CODES.loinc, code: FHIR_CODES.bodyWeight, display: "Body weight" }],
      text: "Body weight"
    },
    subject: { reference: patient },
    effectiveDateTime: w.at,
    valueQuantity: { value: w.grams, unit: "g", system: FHIR_CODES.ucum, code: "g" },
    ...(notes.length === 0 ? {} : { note: notes })
  }
}

/** @internal */
export const bundleOf = (data: ReportData): FhirBundle => {
  const { child } = data
  const patientId = stableUuid(`relactation-child:${child.id}`)
  const patientUrl = `urn:uuid:${patientId}`
  const patient: FhirPatient = {
    resourceType: "Patient",
    id: patientId,
    identifier: [{ system: FHIR_CODES.childIdentifier, value: child.id }],
    ...(child.name === undefined ? {} : { name: [{ text: child.name }] }),
    ...(child.sex === undefined ? {} : { gender: child.sex }),
    ...(child.birthDate === undefined ? {} : { birthDate: child.birthDate })
  }
  return {
    resourceType: "Bundle",
    type: "collection",
    timestamp: data.generatedAt,
    entry: [
      { fullUrl: patientUrl, resource: patient },
      ...data.weights.map((w) => ({ fullUrl: `urn:uuid:${w.id}`, resource: observation(w, patientUrl) }))
    ]
  }
}

/**
 * A FHIR R4 Bundle (`collection`) of the child and the weigh-ins of the period: a Patient (name,
 * birth date, gender from the latest child profile) and one body weight Observation per weigh-in
 * that is not retracted (`effectiveDateTime` = the weigh-in's `at`, value in grams, UCUM `g`).
 * Serialize it with `JSON.stringify`. Throws {@link InvalidReportOptions} for bad options.
 *
 * @example
 * ```ts
 * const bundle = fhirBundle(events, { timeZone: "Europe/Berlin", generatedAt: "2027-03-15T08:00:00Z" })
 * const json = JSON.stringify(bundle, null, 2)
 * ```
 *
 * @since 0.1.0
 * @category exports
 */
export const fhirBundle = (entries: Iterable<LogEntry>, options: ReportOptions): FhirBundle =>
  bundleOf(buildReportData([...entries], checkOptions("fhirBundle", options)))
