/**
 * The local checkpoint: what a device already learned from its document (every entry decoded,
 * and the projections' results), tagged with exactly what it covers, so the next open can show
 * projections before the document is loaded and skip decoding what did not change.
 *
 * Bytes: `RLCP` (4), format (u32 BE), the head's length (u32 BE), a checksum of the head and one
 * of the entries (u32 BE each), then two JSON sections: the head (the log id, the projection
 * options, the document's state vector and the projections' results), then the entries (for
 * every entry its key, the Yjs item (client, clock) that holds it and its decoded form) with the
 * projections' state (core's `UniqueIdProjections.snapshot`: day sums and a few ids, so an open
 * folds only the entries added since instead of all of them). The head
 * comes first and is small, so the first projections need only it parsed; the entries, as large
 * as the log, are checked at once but parsed when the document is there to confirm them. A Yjs
 * item never changes, so an entry whose key is held by the same item as in the checkpoint is the
 * entry the checkpoint decoded. A checkpoint that fails any check is ignored: the document is
 * always the truth. A sealed log seals the header with the head and the entries section as two
 * messages (`EntryCodec.sealed`), so `decodeHead` reads the first alone and `attach` adds the
 * entries once they are decrypted.
 */
import type { DailyTotals, LogEntry, RelactationProgress, WeightTrend } from "@relactation/core"
import * as Y from "yjs"
import type { ProjectionOptions } from "../EventLog.js"

/**
 * The checkpoint format; bumped whenever the bytes, the decoding or the projections change, so
 * a checkpoint from another version is ignored.
 */
export const FORMAT = 4

const MAGIC = [0x52, 0x4c, 0x43, 0x50] // "RLCP"
const HEADER = 20

/** The projections' results at the time of the checkpoint. */
export interface Results {
  readonly dailyTotals: DailyTotals
  readonly weightTrend: WeightTrend
  readonly relactationProgress: RelactationProgress
}

/**
 * One entry as the checkpoint keeps it: the Yjs item (client, clock), the decoded entry, and its
 * key when that is not the entry's `id` (a valid event's key always is).
 */
export type Entry =
  | readonly [client: number, clock: number, entry: LogEntry]
  | readonly [client: number, clock: number, entry: LogEntry, key: string]

/** The key of a checkpoint entry. */
export const keyOf = (entry: Entry): string => entry[3] ?? (entry[2].id as string)

/** A checkpoint's content. */
export interface Checkpoint {
  readonly logId: string
  readonly options: ProjectionOptions
  /** The document's state vector (base64 of `Y.encodeStateVector`). */
  readonly stateVector: string
  readonly entries: ReadonlyArray<Entry>
  readonly results: Results
  /**
   * The projections' state after folding exactly `entries` (core's `UniqueIdProjections`
   * snapshot), read with the entries; `undefined` when the checkpoint has none.
   */
  readonly state: unknown
}

// FNV-1a over 32-bit words (the tail byte by byte): a quarter of the steps of the byte-wise
// hash, enough to tell a torn or flipped checkpoint from an intact one.
const checksum = (bytes: Uint8Array): number => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const words = bytes.length >>> 2
  let h = 0x811c9dc5
  for (let i = 0; i < words; i++) {
    h ^= view.getUint32(i << 2)
    h = Math.imul(h, 0x01000193)
  }
  for (let i = words << 2; i < bytes.length; i++) {
    h ^= bytes[i]!
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

const toBase64 = (bytes: Uint8Array): string => {
  let s = ""
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!)
  return btoa(s)
}
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

/** The Yjs item holding each live key of `map`. */
export const itemsOf = (map: Y.Map<unknown>): Map<string, { client: number; clock: number }> => {
  const out = new Map<string, { client: number; clock: number }>()
  for (const [key, item] of map._map) if (!item.deleted) out.set(key, item.id)
  return out
}

/** The checkpoint of `doc`'s map as `entries` (the decoded entries by key) and `results`. */
export const take = (
  logId: string,
  doc: Y.Doc,
  map: Y.Map<unknown>,
  options: ProjectionOptions,
  decoded: (key: string) => LogEntry | undefined,
  results: Results,
  state: unknown
): Checkpoint => {
  const entries: Array<Entry> = []
  for (const [key, id] of itemsOf(map)) {
    const entry = decoded(key)
    if (entry === undefined) continue
    entries.push(entry.id === key ? [id.client, id.clock, entry] : [id.client, id.clock, entry, key])
  }
  return { logId, options, stateVector: toBase64(Y.encodeStateVector(doc)), entries, results, state }
}

/** The bytes of a checkpoint. */
export const encode = (checkpoint: Checkpoint): Uint8Array => {
  const { entries, state, ...rest } = checkpoint
  const encoder = new TextEncoder()
  const head = encoder.encode(JSON.stringify(rest))
  const body = encoder.encode(JSON.stringify({ entries, state }))
  const out = new Uint8Array(HEADER + head.length + body.length)
  out.set(MAGIC, 0)
  const view = new DataView(out.buffer)
  view.setUint32(4, FORMAT)
  view.setUint32(8, head.length)
  view.setUint32(12, checksum(head))
  view.setUint32(16, checksum(body))
  out.set(head, HEADER)
  out.set(body, HEADER + head.length)
  return out
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

// What the entries section parses to when its JSON, although its checksum held, is not an array
// (only a bug could write that): `verify` ignores such a checkpoint.
const UNREADABLE: ReadonlyArray<Entry> = Object.freeze([])

const parse = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes))

/** A checkpoint's first section, read alone: what the first projections need. */
export type Head = Omit<Checkpoint, "entries" | "state">

interface HeadRead extends Head {
  readonly bodySum: number
}

/**
 * Splits checkpoint bytes into the header with the head section, and the entries section;
 * `undefined` when they are not this format's (magic, format, a head longer than the bytes).
 */
export const split = (bytes: Uint8Array | undefined): { head: Uint8Array; body: Uint8Array } | undefined => {
  if (bytes === undefined || bytes.length < HEADER) return undefined
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(4) !== FORMAT) return undefined
  const headLength = view.getUint32(8)
  if (headLength > bytes.length - HEADER) return undefined
  return { head: bytes.subarray(0, HEADER + headLength), body: bytes.subarray(HEADER + headLength) }
}

/**
 * Reads the header and head section (`split`'s `head`) for log `logId`; `undefined` unless it is
 * intact, of this format and of this log. The entries are attached with `attach`.
 */
export const decodeHead = (bytes: Uint8Array, logId: string): Head | undefined => {
  const parts = split(bytes)
  if (parts === undefined || parts.body.length !== 0) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const head = bytes.subarray(HEADER)
  if (checksum(head) !== view.getUint32(12)) return undefined
  let parsed: Head
  try {
    parsed = parse(head) as Head
  } catch {
    return undefined
  }
  if (
    parsed === null ||
    typeof parsed !== "object" ||
    parsed.logId !== logId ||
    typeof parsed.stateVector !== "string" ||
    parsed.results === null ||
    typeof parsed.results !== "object"
  ) {
    return undefined
  }
  const read: HeadRead = {
    logId: parsed.logId,
    options: parsed.options,
    stateVector: parsed.stateVector,
    results: parsed.results,
    bodySum: view.getUint32(16)
  }
  return read
}

/**
 * The whole checkpoint from a head (`decodeHead`) and its entries section; `undefined` when the
 * section's checksum is not the one the head's header names. The entries are parsed on first use.
 */
export const attach = (head: Head, body: Uint8Array): Checkpoint | undefined => {
  if (checksum(body) !== (head as HeadRead).bodySum) return undefined
  let entries: ReadonlyArray<Entry> | undefined
  let state: unknown
  const parseBody = (): ReadonlyArray<Entry> => {
    if (entries === undefined) {
      try {
        const { entries: list, state: saved } = parse(body) as { entries?: unknown; state?: unknown }
        entries = Array.isArray(list) ? (list as ReadonlyArray<Entry>) : UNREADABLE
        state = entries === UNREADABLE ? undefined : saved
      } catch {
        entries = UNREADABLE
      }
    }
    return entries
  }
  return {
    logId: head.logId,
    options: head.options,
    stateVector: head.stateVector,
    results: head.results,
    get entries() {
      return parseBody()
    },
    get state() {
      parseBody()
      return state
    }
  }
}

/**
 * Reads checkpoint bytes for log `logId`; `undefined` for anything that is not an intact
 * checkpoint of this format and log (truncated, corrupt, another version, another log). Both
 * sections are checked now; the entries are parsed on first use.
 */
export const decode = (bytes: Uint8Array | undefined, logId: string): Checkpoint | undefined => {
  const parts = split(bytes)
  const head = parts === undefined ? undefined : decodeHead(parts.head, logId)
  return head === undefined ? undefined : attach(head, parts!.body)
}

/** Whether the checkpoint's results are those of `options`. */
export const sameOptions = (checkpoint: Head, options: ProjectionOptions): boolean =>
  sameJson(checkpoint.options, options)

/** What a loaded document says of a checkpoint. */
export interface Verdict {
  /** The checkpoint's decoded entry for a key, when the document still holds that exact item. */
  readonly reuse: (key: string) => LogEntry | undefined
  /** The document holds exactly the checkpoint's entries: no key added, changed or deleted. */
  readonly unchanged: boolean
  /**
   * The document holds every entry of the checkpoint, unchanged, and maybe more: the checkpoint's
   * state plus the entries not reused is the whole log.
   */
  readonly onlyAdded: boolean
}

/**
 * Compares a checkpoint with the loaded document. `undefined` when the checkpoint covers
 * something the document does not have (its state vector is ahead: from a lost or foreign
 * document), so it is ignored as a whole.
 */
export const verify = (checkpoint: Checkpoint, doc: Y.Doc, map: Y.Map<unknown>): Verdict | undefined => {
  if (checkpoint.entries === UNREADABLE) return undefined
  let covered: Map<number, number>
  try {
    covered = Y.decodeStateVector(fromBase64(checkpoint.stateVector))
  } catch {
    return undefined
  }
  const have = Y.decodeStateVector(Y.encodeStateVector(doc))
  for (const [client, clock] of covered) if ((have.get(client) ?? 0) < clock) return undefined
  const items = itemsOf(map)
  const kept = new Map<string, LogEntry>()
  for (const e of checkpoint.entries) {
    const [client, clock, entry] = e
    const key = keyOf(e)
    const item = items.get(key)
    if (item !== undefined && item.client === client && item.clock === clock) kept.set(key, entry)
  }
  return {
    reuse: (key) => kept.get(key),
    unchanged: kept.size === items.size && kept.size === checkpoint.entries.length,
    onlyAdded: kept.size === checkpoint.entries.length
  }
}
