/**
 * Every entry of a log's `events` map, decoded once and kept by key: the valid events (also in
 * core's one order, `compareEvents`: `(at, id)` with exact instants, for apps to read) and the
 * problems (unknown and invalid entries).
 * The index only learns what the map tells it; it never writes the map.
 */
import {
  compareEvents,
  decodeEntry,
  type Event,
  type InvalidEntry,
  isEvent,
  type LogEntry,
  lowerBound,
  type UnknownEntry
} from "@relactation/core"
import { UnreadableEntry } from "../Unreadable.js"

/**
 * An entry kept in the log but skipped by projections: unknown and invalid entries (counted in
 * the projections' `skipped`), and sealed values that did not open (not counted: nothing of them
 * is known).
 */
export type Problem = UnknownEntry | InvalidEntry | UnreadableEntry

/** One decoded map entry. */
export type IndexEntry = LogEntry | UnreadableEntry

const keyMismatch = (raw: unknown, event: Event): InvalidEntry => ({
  _tag: "InvalidEntry",
  id: event.id,
  type: event.type,
  problems: [{ path: ["id"], message: "must equal the entry's key in the events map", code: "invalid" }],
  reason: `${event.type}.id: must equal the entry's key in the events map`,
  raw
})

/** Decodes one map entry; a valid event stored under another key is invalid. */
export const decodeAt = (key: string, raw: unknown): LogEntry => {
  const entry = decodeEntry(raw)
  return isEvent(entry) && entry.id !== key ? keyMismatch(raw, entry) : entry
}

/**
 * The decoded entries of one map.
 */
export interface EntryIndex {
  /** Whether the map had an entry under `key` when the index last saw it. */
  readonly has: (key: string) => boolean
  /** The valid event with this `id`, if any (in a plaintext log the id is also its key). */
  readonly event: (id: string) => Event | undefined
  /** The decoded entry under `key`, if any (not a sealed value that did not open). */
  readonly entry: (key: string) => LogEntry | undefined
  /** Every decoded entry, in the map's order (what projections fold; unopened values left out). */
  readonly entries: () => IterableIterator<LogEntry>
  /** The ids of the valid events. */
  readonly eventKeys: () => IterableIterator<string>
  /** Decodes and keeps one new entry of the map; returns it. */
  readonly add: (key: string, raw: unknown) => IndexEntry
  /** Forgets everything and decodes `source` (the whole map) again. */
  readonly reset: (source: Iterable<readonly [string, unknown]>) => void
  /** The valid events in `(at, id)` order: the same array until something is added. */
  readonly events: ReadonlyArray<Event>
  /** The problems, in the map's order: the same array until something is added. */
  readonly problems: ReadonlyArray<Problem>
}

/**
 * An index of `source` (the map's entries). `known` may give an entry already decoded (from a
 * checkpoint that the document confirmed), which is then not decoded again.
 */
export const make = (
  source: Iterable<readonly [string, unknown]>,
  known?: (key: string) => LogEntry | undefined,
  decode: (key: string, raw: unknown) => IndexEntry = decodeAt
): EntryIndex => {
  const entries = new Map<string, LogEntry>()
  const unopened = new Map<string, UnreadableEntry>()
  const events = new Map<string, Event>()
  const problems = new Map<string, Problem>()
  // Valid events in order, kept by binary insertion once first read (new events mostly land at
  // the end); `sorted` and `problemList` are the snapshots apps read, replaced only on change.
  let order: Array<Event> | undefined
  let sorted: ReadonlyArray<Event> | undefined
  let problemList: ReadonlyArray<Problem> | undefined

  let reuse = known
  const keep = (key: string, raw: unknown): IndexEntry => {
    const entry = reuse?.(key) ?? decode(key, raw)
    if (entry instanceof UnreadableEntry) unopened.set(key, entry)
    else entries.set(key, entry)
    if (!(entry instanceof UnreadableEntry) && isEvent(entry)) events.set(entry.id, entry)
    else problems.set(key, entry)
    return entry
  }
  const reset = (all: Iterable<readonly [string, unknown]>): void => {
    entries.clear()
    unopened.clear()
    events.clear()
    problems.clear()
    for (const [key, raw] of all) keep(key, raw)
    order = undefined
    sorted = undefined
    problemList = undefined
  }
  reset(source)
  // Only for the first decoding: later resets follow a change of the map.
  reuse = undefined

  return {
    has: (key) => entries.has(key) || unopened.has(key),
    event: (id) => events.get(id),
    entry: (key) => entries.get(key),
    entries: () => entries.values(),
    eventKeys: () => events.keys(),
    add: (key, raw) => {
      const entry = keep(key, raw)
      if (!(entry instanceof UnreadableEntry) && isEvent(entry)) {
        if (order !== undefined) order.splice(lowerBound(order, entry, compareEvents), 0, entry)
        sorted = undefined
      } else {
        problemList = undefined
      }
      return entry
    },
    reset,
    get events() {
      order ??= [...events.values()].sort(compareEvents)
      sorted ??= order.slice()
      return sorted
    },
    get problems() {
      problemList ??= [...problems.values()]
      return problemList
    }
  }
}
