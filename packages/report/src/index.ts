/**
 * @relactation/report: the hand-off to the clinician. A PDF report and a FHIR R4 export of a
 * relactation log, and the file names that carry the child and the period. No IO: functions take
 * events and options and return bytes or JSON.
 *
 * @since 0.1.0
 */
export { InvalidReportOptions, type ReportOptions } from "./ReportOptions.js"
export {
  type ReportChild,
  type ReportData,
  type ReportDay,
  type ReportMedication,
  reportData
} from "./ReportData.js"
export { NOT_ADVICE, type PdfReportOptions, pdfReport } from "./PdfReport.js"
export {
  FHIR_CODES,
  type FhirBundle,
  type FhirCoding,
  type FhirObservation,
  type FhirPatient,
  fhirBundle
} from "./FhirExport.js"
export type { ReportPlan } from "./internal/Plans.js"
export { type ExportFileNameOptions, exportFileName } from "./FileName.js"
