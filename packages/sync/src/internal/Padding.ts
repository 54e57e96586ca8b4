/**
 * Padding of sealed plaintexts to size buckets, so that a ciphertext's length does not tell the
 * relay which kind of event it holds. Every plaintext up to FLOOR bytes (every ordinary event,
 * packed) becomes exactly FLOOR bytes; longer ones (long names, notes, reasons) are rounded up with
 * PADMÉ (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with
 * PURBs", PETS 2019): at most 12% overhead and O(log log n) bits of length leaked, where powers of
 * two would cost up to 100% overhead.
 */

/**
 * The smallest padded length of a sealed entry's plaintext: one bucket for every ordinary event
 * (the packed latch, pump, supplement, weigh-in, medication, profile and retract events of a real
 * family are 60–110 bytes).
 */
export const ENTRY_FLOOR = 128

/** The smallest padded length of a presence state (JSON of name, caregiver, running session). */
export const PRESENCE_FLOOR = 192

/** PADMÉ: `length` rounded up so that only its top O(log log length) bits may be non-zero. */
export const padme = (length: number): number => {
  if (length < 2) return length
  const e = Math.floor(Math.log2(length))
  const s = Math.floor(Math.log2(e)) + 1
  const mask = 2 ** (e - s) - 1
  return Math.ceil(length / (mask + 1)) * (mask + 1)
}

/** The padded length of a plaintext of `length` bytes. */
export const bucket = (length: number, floor: number): number => Math.max(floor, padme(length))

/** `bytes` followed by zeros up to its bucket (a new array). */
export const pad = (bytes: Uint8Array, floor: number): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(bucket(bytes.length, floor))
  out.set(bytes)
  return out
}
