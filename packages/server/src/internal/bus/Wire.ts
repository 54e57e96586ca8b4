/**
 * The bytes the relays send each other through Redis. Binary (lib0 encoding), so an update goes
 * as it was stored, not base64'd: a kind, the sending instance (to ignore one's own messages), the
 * send time (for the bus lag metric), the log id and, per kind, the per-log sequence number and the
 * update, or an awareness frame, or a revoked credential.
 */
import * as decoding from "lib0/decoding"
import * as encoding from "lib0/encoding"

/** One message on the bus. */
export type BusMessage =
  /** An update that was committed to the shared store under `seq`. */
  | { readonly kind: "update"; readonly logId: string; readonly seq: number; readonly update: Uint8Array }
  /** The sender holds every update of the log up to `seq` (announced after its publishes failed). */
  | { readonly kind: "head"; readonly logId: string; readonly seq: number }
  /** A y-websocket awareness frame from the sender's own clients. */
  | { readonly kind: "awareness"; readonly logId: string; readonly frame: Uint8Array }
  /** The sender loaded the log: every process answers with its own clients' presence. */
  | { readonly kind: "query-awareness"; readonly logId: string }
  /** A credential was revoked: every process closes the sockets it opened. */
  | { readonly kind: "revoke"; readonly logId: string; readonly credential: string }

export interface Envelope {
  readonly instance: string
  /** Unix milliseconds at publish. */
  readonly sentAt: number
  readonly message: BusMessage
}

const VERSION = 1
const KINDS = ["update", "head", "awareness", "query-awareness", "revoke"] as const

export const encodeEnvelope = (envelope: Envelope): Uint8Array => {
  const encoder = encoding.createEncoder()
  const { message } = envelope
  encoding.writeUint8(encoder, VERSION)
  encoding.writeUint8(encoder, KINDS.indexOf(message.kind))
  encoding.writeVarString(encoder, envelope.instance)
  encoding.writeFloat64(encoder, envelope.sentAt)
  encoding.writeVarString(encoder, message.logId)
  switch (message.kind) {
    case "update":
      encoding.writeVarUint(encoder, message.seq)
      encoding.writeVarUint8Array(encoder, message.update)
      break
    case "head":
      encoding.writeVarUint(encoder, message.seq)
      break
    case "awareness":
      encoding.writeVarUint8Array(encoder, message.frame)
      break
    case "query-awareness":
      break
    case "revoke":
      encoding.writeVarString(encoder, message.credential)
      break
  }
  return encoding.toUint8Array(encoder)
}

/** Decodes one message; undefined for anything this version cannot read (it is counted, not fatal). */
export const decodeEnvelope = (bytes: Uint8Array): Envelope | undefined => {
  try {
    const decoder = decoding.createDecoder(bytes)
    if (decoding.readUint8(decoder) !== VERSION) return undefined
    const kind = KINDS[decoding.readUint8(decoder)]
    const instance = decoding.readVarString(decoder)
    const sentAt = decoding.readFloat64(decoder)
    const logId = decoding.readVarString(decoder)
    let message: BusMessage
    switch (kind) {
      case "update": {
        const seq = decoding.readVarUint(decoder)
        message = { kind, logId, seq, update: decoding.readVarUint8Array(decoder) }
        break
      }
      case "head":
        message = { kind, logId, seq: decoding.readVarUint(decoder) }
        break
      case "awareness":
        message = { kind, logId, frame: decoding.readVarUint8Array(decoder) }
        break
      case "query-awareness":
        message = { kind, logId }
        break
      case "revoke":
        message = { kind, logId, credential: decoding.readVarString(decoder) }
        break
      default:
        return undefined
    }
    if (decoding.hasContent(decoder)) return undefined
    return { instance, sentAt, message }
  } catch {
    return undefined
  }
}

/** The Redis channels: one per log for updates, one per log for presence, one for control. */
export const channels = (prefix: string) => ({
  updates: (logId: string) => `${prefix}:u:${logId}`,
  awareness: (logId: string) => `${prefix}:a:${logId}`,
  control: `${prefix}:control`
})
