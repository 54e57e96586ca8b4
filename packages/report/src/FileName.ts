/**
 * File names for every export (PDF, FHIR, CSV, JSON) that carry the child and the period, so a
 * clinician's downloads folder tells the files apart: `relactation-mila-2027-03-01-to-2027-03-14-report.pdf`.
 *
 * @since 0.1.0
 */
import { fail, isDate } from "./ReportOptions.js"

/**
 * What {@link exportFileName} needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExportFileNameOptions {
  /** The child's name (preferred) or id; reduced to `a-z0-9-` (accents dropped), at most 40 characters. */
  readonly child: string
  /** First and last local day of the period, `YYYY-MM-DD`. */
  readonly from: string
  readonly to: string
  /** What the file holds, e.g. `report`, `fhir`, `events`, `daily-totals`: `a-z0-9-`, 1-32 characters. */
  readonly what: string
  /** The extension without the dot, e.g. `pdf`, `json`, `csv`: `a-z0-9`, 1-8 characters. */
  readonly ext: string
}

/** @internal the part of a name a file system of any phone takes */
export const slug = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "")

/**
 * A file name `relactation-<child>-<from>-to-<to>-<what>.<ext>` (one day: `<from>` only).
 * A name with no Latin letters or digits left after reduction gives `child`. Throws
 * {@link InvalidReportOptions} naming the option for a bad date, a period that ends before it
 * starts, or a `what`/`ext` outside its characters.
 *
 * @example
 * ```ts
 * exportFileName({ child: "Zoë", from: "2027-03-01", to: "2027-03-14", what: "report", ext: "pdf" })
 * // "relactation-zoe-2027-03-01-to-2027-03-14-report.pdf"
 * ```
 *
 * @since 0.1.0
 * @category file names
 */
export const exportFileName = (options: ExportFileNameOptions): string => {
  const fn = "exportFileName"
  const { child, from, to, what, ext } = options
  if (typeof child !== "string") fail(fn, "child", "must be the child's name or id")
  if (!isDate(from)) fail(fn, "from", `must be a real date written YYYY-MM-DD (got "${String(from)}")`)
  if (!isDate(to)) fail(fn, "to", `must be a real date written YYYY-MM-DD (got "${String(to)}")`)
  if (to < from) fail(fn, "to", `must not be before from (got ${to}, from is ${from})`)
  if (typeof what !== "string" || !/^[a-z0-9-]{1,32}$/.test(what)) {
    fail(fn, "what", `must be 1 to 32 characters of a-z, 0-9 or - (got "${String(what)}")`)
  }
  if (typeof ext !== "string" || !/^[a-z0-9]{1,8}$/.test(ext)) {
    fail(fn, "ext", `must be 1 to 8 characters of a-z or 0-9 (got "${String(ext)}")`)
  }
  const period = from === to ? from : `${from}-to-${to}`
  return `relactation-${slug(child) || "child"}-${period}-${what}.${ext}`
}
