/**
 * The y-websocket wire protocol as the relay reads it: one varuint message type, then a payload
 * from `y-protocols`. Parsing is strict and total: every byte a client sends is checked here, and
 * anything that does not parse becomes a `ProtocolError` carrying the close code, never a crash.
 */
import { CloseCode } from "@relactation/core"
import * as decoding from "lib0/decoding"
import * as encoding from "lib0/encoding"
import * as syncProtocol from "y-protocols/sync"
import * as Y from "yjs"
import type { ErrorKind } from "../Metrics.js"

/** Message types of the y-websocket protocol (the client's `messageSync` etc.). */
export const messageSync = 0
export const messageAwareness = 1
export const messageAuth = 2
export const messageQueryAwareness = 3

/** A message a client may send. */
export type ClientMessage =
  | { readonly type: "sync-step-1"; readonly stateVector: Uint8Array }
  | { readonly type: "sync-step-2"; readonly update: Uint8Array }
  | { readonly type: "update"; readonly update: Uint8Array }
  | {
      readonly type: "awareness"
      readonly update: Uint8Array
      /** Client ids the update sets a state for (not the ones it clears). */
      readonly announced: ReadonlyArray<number>
    }
  | { readonly type: "query-awareness" }

/**
 * Why a connection must be closed. `reason` goes into the close frame and the log line, so it
 * never quotes the client's bytes.
 */
export class ProtocolError extends Error {
  readonly code: number
  readonly kind: ErrorKind
  constructor(code: number, kind: ErrorKind, reason: string) {
    super(reason)
    this.name = "ProtocolError"
    this.code = code
    this.kind = kind
  }
}

const malformed = (reason: string) => new ProtocolError(CloseCode.MALFORMED, "malformed-message", reason)

const readBytes = (decoder: decoding.Decoder, what: string): Uint8Array => {
  try {
    return decoding.readVarUint8Array(decoder)
  } catch {
    throw malformed(`truncated ${what}`)
  }
}

const readUint = (decoder: decoding.Decoder, what: string): number => {
  try {
    return decoding.readVarUint(decoder)
  } catch {
    throw malformed(`truncated ${what}`)
  }
}

const expectEnd = (decoder: decoding.Decoder, what: string): void => {
  if (decoding.hasContent(decoder)) throw malformed(`trailing bytes after ${what}`)
}

const checkUpdate = (update: Uint8Array): void => {
  try {
    Y.decodeUpdate(update)
  } catch {
    throw new ProtocolError(CloseCode.BAD_UPDATE, "bad-update", "update cannot be decoded")
  }
}

// Decodes the whole awareness update before it is applied: `applyAwarenessUpdate` would otherwise
// apply the first states and throw halfway through on a bad one.
const checkAwareness = (update: Uint8Array): Array<number> => {
  const decoder = decoding.createDecoder(update)
  const announced: Array<number> = []
  try {
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      decoding.readVarUint(decoder)
      if (JSON.parse(decoding.readVarString(decoder)) !== null) announced.push(clientId)
    }
  } catch {
    throw malformed("awareness update cannot be decoded")
  }
  expectEnd(decoder, "awareness update")
  return announced
}

/** Parses one binary frame. Throws `ProtocolError` for anything the relay does not accept. */
export const parseMessage = (data: Uint8Array): ClientMessage => {
  if (data.byteLength === 0) throw malformed("empty message")
  const decoder = decoding.createDecoder(data)
  const type = readUint(decoder, "message type")
  switch (type) {
    case messageSync: {
      const step = readUint(decoder, "sync message")
      switch (step) {
        case syncProtocol.messageYjsSyncStep1: {
          const stateVector = readBytes(decoder, "sync step 1")
          expectEnd(decoder, "sync step 1")
          try {
            Y.decodeStateVector(stateVector)
          } catch {
            throw malformed("state vector cannot be decoded")
          }
          return { type: "sync-step-1", stateVector }
        }
        case syncProtocol.messageYjsSyncStep2:
        case syncProtocol.messageYjsUpdate: {
          const update = readBytes(decoder, "sync update")
          expectEnd(decoder, "sync update")
          checkUpdate(update)
          return { type: step === syncProtocol.messageYjsSyncStep2 ? "sync-step-2" : "update", update }
        }
        default:
          throw malformed("unknown sync message type")
      }
    }
    case messageAwareness: {
      const update = readBytes(decoder, "awareness message")
      expectEnd(decoder, "awareness message")
      return { type: "awareness", update, announced: checkAwareness(update) }
    }
    case messageQueryAwareness:
      expectEnd(decoder, "query awareness message")
      return { type: "query-awareness" }
    default:
      // messageAuth is server-to-client only; a client sending it is as wrong as an unknown type.
      throw malformed("unknown message type")
  }
}

/** The relay's sync step 1: its state vector, so the client sends what the relay lacks. */
export const encodeSyncStep1 = (doc: Y.Doc): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageSync)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}

/** The relay's answer to a client's sync step 1: everything the client lacks. */
export const encodeSyncStep2 = (doc: Y.Doc, stateVector: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageSync)
  syncProtocol.writeSyncStep2(encoder, doc, stateVector)
  return encoding.toUint8Array(encoder)
}

/** A stored update, relayed to the other clients of the log. */
export const encodeUpdate = (update: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageSync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** An awareness update, relayed as is. */
export const encodeAwareness = (update: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageAwareness)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}
