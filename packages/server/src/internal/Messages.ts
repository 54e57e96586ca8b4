/**
 * The y-websocket wire protocol as the relay reads it: one varuint message type, then a payload
 * from `y-protocols`. Parsing is strict and total: every byte a client sends is checked here, and
 * anything that does not parse becomes a `ProtocolError` carrying the close code, never a crash.
 */
import { CloseCode } from "@relactation/core/protocol"
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

/**
 * Close code for a connection that sent more than its per-minute allowance or stopped reading:
 * 1013, the standard "try again later", which clients retry (after their back-off).
 */
export const TRY_AGAIN_LATER = CloseCode.TRY_AGAIN_LATER

/** A message a client may send. */
export type ClientMessage =
  | { readonly type: "sync-step-1"; readonly stateVector: Uint8Array }
  | { readonly type: "sync-step-2"; readonly update: Uint8Array }
  | { readonly type: "update"; readonly update: Uint8Array }
  | { readonly type: "awareness"; readonly entries: ReadonlyArray<AwarenessEntry> }
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

/** One client's entry in an awareness update. */
export interface AwarenessEntry {
  readonly clientId: number
  readonly clock: number
  /** The state's JSON text, `"null"` for a cleared state. */
  readonly json: string
  /** Whether it sets a state (anything but `null`). */
  readonly sets: boolean
}

/** Bounds on one awareness state: its JSON length and how deeply it nests. */
export interface AwarenessBounds {
  readonly maxStateBytes: number
  readonly maxDepth: number
}

/**
 * How deeply a JSON text nests, counting `[` and `{` outside strings. Linear, and it never parses:
 * a state nested 100,000 deep is refused before `JSON.parse` accepts it and `JSON.stringify` throws.
 */
export const jsonDepth = (text: string): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (inString) {
      if (char === 0x5c)
        i++ // backslash: skip the escaped character
      else if (char === 0x22) inString = false
    } else if (char === 0x22) inString = true
    else if (char === 0x5b || char === 0x7b) {
      depth++
      if (depth > deepest) deepest = depth
    } else if (char === 0x5d || char === 0x7d) depth--
  }
  return deepest
}

// Decodes the whole awareness update before it is applied: `applyAwarenessUpdate` would otherwise
// apply the first states and throw halfway through on a bad one.
const readAwareness = (update: Uint8Array, bounds: AwarenessBounds): Array<AwarenessEntry> => {
  const decoder = decoding.createDecoder(update)
  const entries: Array<AwarenessEntry> = []
  try {
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const json = decoding.readVarString(decoder)
      if (json.length > bounds.maxStateBytes)
        throw new ProtocolError(CloseCode.TOO_LARGE, "awareness-limit", "awareness state too large")
      if (jsonDepth(json) > bounds.maxDepth)
        throw new ProtocolError(CloseCode.TOO_LARGE, "awareness-limit", "awareness state nested too deeply")
      entries.push({ clientId, clock, json, sets: JSON.parse(json) !== null })
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error
    throw malformed("awareness update cannot be decoded")
  }
  expectEnd(decoder, "awareness update")
  return entries
}

/** An awareness update holding exactly `entries` (what is left after the relay filtered some out). */
export const encodeAwarenessEntries = (entries: ReadonlyArray<AwarenessEntry>): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId)
    encoding.writeVarUint(encoder, entry.clock)
    encoding.writeVarString(encoder, entry.json)
  }
  return encoding.toUint8Array(encoder)
}

const DEFAULT_BOUNDS: AwarenessBounds = { maxStateBytes: Number.POSITIVE_INFINITY, maxDepth: 32 }

/** Parses one binary frame. Throws `ProtocolError` for anything the relay does not accept. */
export const parseMessage = (data: Uint8Array, bounds: AwarenessBounds = DEFAULT_BOUNDS): ClientMessage => {
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
      return { type: "awareness", entries: readAwareness(update, bounds) }
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

/** Bytes Yjs holds for this document but could not integrate (structs or deletes missing a dependency). */
export const pendingBytes = (doc: Y.Doc): number =>
  (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0)

/** Forgets what Yjs could not integrate: the relay never stores nor sends it. */
export const dropPending = (doc: Y.Doc): void => {
  doc.store.pendingStructs = null
  doc.store.pendingDs = null
}

/**
 * The relay's answer to a client's sync step 1: everything the client lacks that the document has
 * integrated. `Y.encodeStateAsUpdate` would add the pending structs and deletes, which are no part
 * of the log (never stored) and could be anyone's garbage: they are left out.
 */
export const encodeSyncStep2 = (doc: Y.Doc, stateVector: Uint8Array): Uint8Array => {
  const { pendingStructs, pendingDs } = doc.store
  dropPending(doc)
  try {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, messageSync)
    syncProtocol.writeSyncStep2(encoder, doc, stateVector)
    return encoding.toUint8Array(encoder)
  } finally {
    doc.store.pendingStructs = pendingStructs
    doc.store.pendingDs = pendingDs
  }
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
