/**
 * Stable identifiers derived from text (FNV-1a, four lanes): the same input always gives the same
 * id, so the same log gives the same PDF and the same FHIR Bundle. Not a security measure.
 */

const fnv = (text: string, seed: number): number => {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** @internal 32 hex digits */
export const stableHex = (text: string): string =>
  [1, 2, 3, 4].map((lane) => fnv(text, Math.imul(lane, 0x9e3779b9)).toString(16).padStart(8, "0")).join("")

/** @internal a UUID (version 8: custom, RFC 9562) derived from `text` */
export const stableUuid = (text: string): string => {
  const h = stableHex(text)
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}
