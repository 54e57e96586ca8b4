/**
 * y-websocket frames for tests, benchmarks and the reliability suite. The frames the relay itself
 * sends are re-exported from the server's message code, so a test and the relay cannot drift; the
 * rest builds what a client sends, honest or not.
 */
import * as decoding from "lib0/decoding"
import * as encoding from "lib0/encoding"
import * as syncProtocol from "y-protocols/sync"
import type * as Y from "yjs"
import { encodeAwareness, messageSync } from "../../server/src/internal/Messages.js"

export {
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  messageAuth,
  messageAwareness,
  messageQueryAwareness,
  messageSync
} from "../../server/src/internal/Messages.js"

/**
 * A frame of varuints (numbers) and length-prefixed byte strings (`Uint8Array`), in order: any
 * frame at all, well-formed or not (`frame(0, 2, 2 ** 40)` claims a huge sync update).
 */
export const frame = (...parts: ReadonlyArray<number | Uint8Array>): Uint8Array => {
  const encoder = encoding.createEncoder()
  for (const part of parts) {
    if (typeof part === "number") encoding.writeVarUint(encoder, part)
    else encoding.writeVarUint8Array(encoder, part)
  }
  return encoding.toUint8Array(encoder)
}

/** One client's entry in an awareness update; `state: null` clears it. */
export interface AwarenessEntry {
  readonly clientId: number
  readonly clock: number
  readonly state: unknown
}

/** An awareness frame announcing `entries`, as a client (or a flooder making clients up) sends it. */
export const awarenessFrame = (entries: ReadonlyArray<AwarenessEntry>): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId)
    encoding.writeVarUint(encoder, entry.clock)
    encoding.writeVarString(encoder, JSON.stringify(entry.state))
  }
  return encodeAwareness(encoding.toUint8Array(encoder))
}

/** What a client makes of a sync frame from the relay: which sync step it was, and its answer. */
export interface SyncReading {
  /** `syncProtocol.messageYjsSyncStep1`, `…SyncStep2` or `…Update`. */
  readonly step: number
  /** The frame to send back (the answer to a sync step 1), if any. */
  readonly reply: Uint8Array | undefined
}

/**
 * Applies a sync frame (`messageSync` first) to `doc` as y-websocket's client does; undefined for
 * any other message type (awareness, auth).
 */
export const readSyncFrame = (doc: Y.Doc, data: Uint8Array, origin: unknown): SyncReading | undefined => {
  const decoder = decoding.createDecoder(data)
  if (decoding.readVarUint(decoder) !== messageSync) return undefined
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageSync)
  const step = syncProtocol.readSyncMessage(decoder, encoder, doc, origin)
  return { step, reply: encoding.length(encoder) > 1 ? encoding.toUint8Array(encoder) : undefined }
}
