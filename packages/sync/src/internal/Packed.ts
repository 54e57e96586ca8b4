/**
 * The plaintext inside a sealed entry: the event's wire JSON object, packed compactly and
 * losslessly, so that padding and the envelope fit in the storage budget (a UUID takes 16 bytes
 * instead of 36 characters, an instant 6 instead of 24, a known field name or value 1). Unpacking
 * gives back an object whose `JSON.stringify` equals that of the original, keys in order.
 *
 * Format 1 (frozen: a change is a new format byte): `[1]` then fields, then `[0]`, then zero
 * padding. A field is `[name][value]`: name = 1 byte, an index into NAMES, or 255 and a string;
 * value = a type byte (T_*) and its payload, lib0 varints and strings.
 */
import * as decoding from "lib0/decoding"
import * as encoding from "lib0/encoding"

/** The format byte of this version. */
export const FORMAT = 1

// Index + 1 is the name byte. Append only: a newer writer may use a name an older reader does not
// know only as a literal (255), so this list can grow without a new format.
const NAMES = [
  ...["id", "type", "v", "child", "by", "at", "recordedAt", "tz", "durationSec", "side", "method"],
  ...["totalMl", "leftMl", "rightMl", "ml", "milk", "via", "latch", "grams", "clothed", "place"],
  ...["name", "dose", "unit", "birthDate", "sex", "target", "reason"]
]
const WORDS = [
  ...["latch", "pump", "supplement", "weigh-in", "medication", "child", "caregiver", "retract"],
  ...["left", "right", "both", "electric", "manual", "hand", "formula", "expressed", "donor"],
  ...["bottle", "cup", "syringe", "spoon", "finger", "sns", "home", "clinic", "female", "male"],
  ...["mg", "capsule", "ml", "g", "drops", "tablet"]
]
const nameIndex = new Map(NAMES.map((n, i) => [n, i + 1]))
const wordIndex = new Map(WORDS.map((w, i) => [w, i]))
const LITERAL_NAME = 255

const T_FALSE = 0
const T_TRUE = 1
const T_NULL = 2
const T_INT = 3
const T_TENTHS = 4
const T_FLOAT = 5
const T_STRING = 6
const T_WORD = 7
const T_UUID = 8
const T_INSTANT = 9
const T_JSON = 10

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const HEX = "0123456789abcdef"

const instantMs = (s: string): number | undefined => {
  if (!INSTANT.test(s)) return undefined
  const ms = Date.parse(s)
  // Only where the instant is exactly what toISOString gives back (sub-ms fractions are literal).
  return ms >= 0 && new Date(ms).toISOString() === s ? ms : undefined
}

const writeString = (e: encoding.Encoder, s: string): void => {
  const word = wordIndex.get(s)
  if (word !== undefined) {
    encoding.writeUint8(e, T_WORD)
    encoding.writeUint8(e, word)
  } else if (UUID.test(s)) {
    encoding.writeUint8(e, T_UUID)
    for (let i = 0; i < 36; i++) {
      if (i === 8 || i === 13 || i === 18 || i === 23) continue
      encoding.writeUint8(e, (HEX.indexOf(s[i]!) << 4) | HEX.indexOf(s[++i]!))
    }
  } else {
    const ms = instantMs(s)
    if (ms !== undefined) {
      encoding.writeUint8(e, T_INSTANT)
      encoding.writeVarUint(e, ms)
    } else {
      encoding.writeUint8(e, T_STRING)
      encoding.writeVarString(e, s)
    }
  }
}

const writeNumber = (e: encoding.Encoder, n: number): void => {
  const tenths = Math.round(n * 10)
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
    encoding.writeUint8(e, T_INT)
    encoding.writeVarInt(e, n)
  } else if (Number.isSafeInteger(tenths) && tenths / 10 === n && !Object.is(n, -0)) {
    encoding.writeUint8(e, T_TENTHS)
    encoding.writeVarInt(e, tenths)
  } else {
    encoding.writeUint8(e, T_FLOAT)
    encoding.writeFloat64(e, n)
  }
}

const writeValue = (e: encoding.Encoder, value: unknown): void => {
  if (typeof value === "string") writeString(e, value)
  else if (typeof value === "number") writeNumber(e, value)
  else if (value === true) encoding.writeUint8(e, T_TRUE)
  else if (value === false) encoding.writeUint8(e, T_FALSE)
  else if (value === null) encoding.writeUint8(e, T_NULL)
  else {
    encoding.writeUint8(e, T_JSON)
    encoding.writeVarString(e, JSON.stringify(value))
  }
}

/**
 * Packs a wire JSON object (what `JSON.stringify` would write: `undefined` values are left out).
 */
export const pack = (entry: Readonly<Record<string, unknown>>): Uint8Array => {
  const e = encoding.createEncoder()
  encoding.writeUint8(e, FORMAT)
  for (const [name, value] of Object.entries(entry)) {
    if (value === undefined || typeof value === "function" || typeof value === "symbol") continue
    const index = nameIndex.get(name)
    if (index !== undefined) encoding.writeUint8(e, index)
    else {
      encoding.writeUint8(e, LITERAL_NAME)
      encoding.writeVarString(e, name)
    }
    writeValue(e, value)
  }
  encoding.writeUint8(e, 0)
  return encoding.toUint8Array(e)
}

const readUuid = (d: decoding.Decoder): string => {
  const bytes = decoding.readUint8Array(d, 16)
  let s = ""
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += "-"
    s += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!
  }
  return s
}

const readValue = (d: decoding.Decoder): unknown => {
  const type = decoding.readUint8(d)
  switch (type) {
    case T_FALSE:
      return false
    case T_TRUE:
      return true
    case T_NULL:
      return null
    case T_INT:
      return decoding.readVarInt(d)
    case T_TENTHS:
      return decoding.readVarInt(d) / 10
    case T_FLOAT:
      return decoding.readFloat64(d)
    case T_STRING:
      return decoding.readVarString(d)
    case T_WORD: {
      const word = WORDS[decoding.readUint8(d)]
      if (word === undefined) throw new Error("unknown word")
      return word
    }
    case T_UUID:
      return readUuid(d)
    case T_INSTANT:
      return new Date(decoding.readVarUint(d)).toISOString()
    case T_JSON:
      return JSON.parse(decoding.readVarString(d))
    default:
      throw new Error("unknown value type")
  }
}

/**
 * Unpacks what `pack` wrote (padding after the end byte is ignored), or `undefined` when the
 * bytes are not format 1: an unknown format byte, value type or name, a duplicate name, or a
 * record that ends early. Never throws.
 */
export const unpack = (bytes: Uint8Array): Record<string, unknown> | undefined => {
  try {
    const d = decoding.createDecoder(bytes)
    if (decoding.readUint8(d) !== FORMAT) return undefined
    const out: Record<string, unknown> = {}
    for (;;) {
      const tag = decoding.readUint8(d)
      if (tag === 0) return out
      const name = tag === LITERAL_NAME ? decoding.readVarString(d) : NAMES[tag - 1]
      if (name === undefined || Object.hasOwn(out, name)) return undefined
      // defineProperty, so that a literal "__proto__" is an own key, as JSON.parse makes it.
      Object.defineProperty(out, name, {
        value: readValue(d),
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
  } catch {
    return undefined
  }
}
