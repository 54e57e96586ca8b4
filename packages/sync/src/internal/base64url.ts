/**
 * Base64url without padding (RFC 4648 §5), for family keys, blinded ids and the presence
 * envelope (awareness states travel as JSON, so bytes there are text). Strict on input: only the
 * canonical encoding of some bytes is accepted, so one value has exactly one spelling.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const CANONICAL = /^[A-Za-z0-9_-]*$/

/** The bytes as base64url, without `=` padding. */
export const encode = (bytes: Uint8Array): string => {
  let out = ""
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!
  }
  return out
}

/**
 * The bytes of a canonical unpadded base64url string, or `undefined` for anything else (another
 * alphabet, padding, an impossible length, or non-zero bits after the last byte).
 */
export const decode = (text: string): Uint8Array | undefined => {
  if (!CANONICAL.test(text) || text.length % 4 === 1) return undefined
  const out = new Uint8Array(Math.floor((text.length * 3) / 4))
  let bits = 0
  let acc = 0
  let o = 0
  for (let i = 0; i < text.length; i++) {
    acc = (acc << 6) | ALPHABET.indexOf(text[i]!)
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >> bits) & 255
      acc &= (1 << bits) - 1
    }
  }
  return acc === 0 ? out : undefined
}
