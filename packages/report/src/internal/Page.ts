/**
 * A thin layer over jsPDF for the report: the standard Helvetica fonts (no font file to ship or
 * fetch), text that the PDF's WinAnsi encoding can hold, a page frame with a footer, and numbers
 * shown in the family's units through core's formatting.
 */
import { formatVolume, formatWeight, type VolumeUnit, type WeightUnit } from "@relactation/core"
import type { jsPDF } from "jspdf"

/** @internal A4 in points */
export const A4 = { width: 595.28, height: 841.89 } as const
/** @internal page margin in points */
export const MARGIN = 36

// The standard PDF fonts encode WinAnsi (Latin-1 plus a few signs); anything else would print as
// garbage, so it becomes "?" (an app whose family writes in another script passes a transliterated
// name; see the README).
const WIN_ANSI_EXTRA = new Set([..."€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"])
/**
 * A TrueType font to write with instead of Helvetica, for names in scripts WinAnsi lacks.
 *
 * @internal
 */
export interface FontFiles {
  readonly normal: Uint8Array
  readonly bold?: Uint8Array
  readonly italic?: Uint8Array
}

// The font family of each document being drawn: "helvetica", or the TrueType one it was given.
const families = new WeakMap<jsPDF, string>()

const binary = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return out
}

/** @internal registers the family's font (or keeps Helvetica) for a document */
export const useFont = (doc: jsPDF, font: FontFiles | undefined): void => {
  if (font === undefined) return
  for (const style of ["normal", "bold", "italic"] as const) {
    const bytes = font[style] ?? font.normal
    doc.addFileToVFS(`report-${style}.ttf`, binary(bytes))
    doc.addFont(`report-${style}.ttf`, "report", style)
  }
  families.set(doc, "report")
}

const familyOf = (doc: jsPDF): string => families.get(doc) ?? "helvetica"

/** @internal text the document's font can show: all of it with a TrueType font */
export const printableIn = (doc: jsPDF, text: string): string =>
  familyOf(doc) === "helvetica" ? printable(text) : text.normalize("NFC")

/** @internal selects the document's font */
export const setFont = (doc: jsPDF, style: Style, size: number): void => {
  doc.setFont(familyOf(doc), style)
  doc.setFontSize(size)
}

/** @internal text the standard fonts can show */
export const printable = (text: string): string =>
  [...text.normalize("NFC")]
    .map((c) => {
      const code = c.codePointAt(0)!
      return (code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c)
        ? c
        : "?"
    })
    .join("")

/** @internal */
export type Style = "normal" | "bold" | "italic"

/** @internal writes text at (x, y) (baseline), clipped to the encodable characters */
export const write = (
  doc: jsPDF,
  text: string,
  x: number,
  y: number,
  size: number,
  style: Style = "normal",
  align: "left" | "right" | "center" = "left"
): void => {
  setFont(doc, style, size)
  doc.text(printableIn(doc, text), x, y, { align })
}

/** @internal the width of a text in points */
export const widthOf = (doc: jsPDF, text: string, size: number, style: Style = "normal"): number => {
  setFont(doc, style, size)
  return doc.getTextWidth(printableIn(doc, text))
}

/** @internal writes text wrapped to a width; returns the y below it */
export const paragraph = (
  doc: jsPDF,
  text: string,
  x: number,
  y: number,
  width: number,
  size: number,
  style: Style = "normal"
): number => {
  setFont(doc, style, size)
  const lines = doc.splitTextToSize(printableIn(doc, text), width) as Array<string>
  const leading = size * 1.3
  lines.forEach((line, i) => {
    doc.text(line, x, y + i * leading)
  })
  return y + lines.length * leading
}

/** @internal a volume in ml as a bare number in the unit ("60", "2.03") */
export const volumeNumber = (ml: number, unit: VolumeUnit): string =>
  formatVolume(ml, unit).replace(/ .*$/, "")

/** @internal the unit's label */
export const volumeLabel = (unit: VolumeUnit): string => (unit === "ml" ? "ml" : "fl oz")

/** @internal a weight for display, through core */
export const weightText = (grams: number, unit: WeightUnit): string => formatWeight(grams, unit)

/** @internal an RGB colour */
export type Rgb = readonly [number, number, number]

/** @internal the report's palette (distinct in greyscale too) */
export const COLORS = {
  ink: [33, 33, 33],
  muted: [110, 110, 110],
  grid: [215, 215, 215],
  formula: [214, 96, 77],
  expressed: [67, 147, 195],
  donor: [146, 197, 222],
  latches: [44, 123, 80],
  night: [120, 84, 160],
  weight: [33, 102, 172]
} as const satisfies Record<string, Rgb>

/** @internal */
export const fill = (doc: jsPDF, [r, g, b]: Rgb): void => {
  doc.setFillColor(r, g, b)
}
/** @internal */
export const stroke = (doc: jsPDF, [r, g, b]: Rgb, width = 0.6): void => {
  doc.setDrawColor(r, g, b)
  doc.setLineWidth(width)
}
/** @internal */
export const ink = (doc: jsPDF, [r, g, b]: Rgb = COLORS.ink): void => {
  doc.setTextColor(r, g, b)
}
