/**
 * Opening a log's local state: the checkpoint first (when the adapter keeps one, and it is
 * intact and of these projection options, the app gets projections from it at once), then the
 * whole document from persistence, then the entry index and projections: entries the document
 * confirms (same key, same Yjs item) are taken from the checkpoint, the rest decoded; the
 * checkpoint's results are used only if the document holds exactly the entries it covered, and its
 * projections' state when the document holds all of them and more: then only the entries added
 * since are folded into it.
 */
import { compareEvents, type Event, isEvent, type LogEntry } from "@relactation/core"
import type * as Y from "yjs"
import type { FirstProjections, ProjectionOptions } from "../EventLog.js"
import type { PersistenceAdapter, PersistenceSession } from "../Persistence.js"
import * as Checkpoint from "./Checkpoint.js"
import type { EntryCodec } from "./EntryCodec.js"
import * as EntryIndex from "./EntryIndex.js"
import { guarded } from "./persistenceError.js"
import * as Projections from "./Projections.js"

export interface Restored {
  readonly session: PersistenceSession
  readonly index: EntryIndex.EntryIndex
  readonly projections: Projections.Projections
  /** Whether the stored checkpoint covers exactly this state (nothing to write yet). */
  readonly current: boolean
}

// `whole` is the checkpoint with its entries once they are there (a sealed log's are decrypted
// after the document loads; `events` read before that throws, and names why).
const firstOf = (
  head: Checkpoint.Head,
  whole: () => Checkpoint.Checkpoint | undefined | "pending"
): FirstProjections => {
  let events: ReadonlyArray<Event> | undefined
  return {
    get events() {
      if (events === undefined) {
        const checkpoint = whole()
        if (checkpoint === "pending")
          throw new Error(
            "FirstProjections.events: a sealed log's checkpoint entries are decrypted after the document loads; read events once openLog has resolved"
          )
        if (checkpoint === undefined)
          throw new Error(
            "FirstProjections.events: the checkpoint's entries did not open (the checkpoint was ignored and rebuilt); read the log's events"
          )
        events = checkpoint.entries
          .map(([, , entry]) => entry)
          .filter(isEvent)
          .sort(compareEvents)
      }
      return events
    },
    ...head.results
  }
}

export const restore = async (args: {
  readonly adapter: PersistenceAdapter
  readonly logId: string
  readonly doc: Y.Doc
  readonly map: Y.Map<unknown>
  readonly options: ProjectionOptions
  readonly useCheckpoint: boolean
  /** How map entries decode (plaintext, or sealed: opened before the index is built). */
  readonly codec: EntryCodec
  /** Runs once the document is loaded, before any entry is decoded (a sealed log's key epochs). */
  readonly afterLoad?: (() => Promise<void>) | undefined
  /** Called with the checkpoint's projections, before the document is loaded. */
  readonly onFirst: ((first: FirstProjections) => void) | undefined
}): Promise<Restored> => {
  const { adapter, logId, doc, map, options, codec } = args
  const store = args.useCheckpoint ? adapter.checkpoints : undefined
  let head: Checkpoint.Head | undefined
  let entries: (() => Promise<Uint8Array | undefined>) | undefined
  let checkpoint: Checkpoint.Checkpoint | undefined
  if (store !== undefined) {
    // An unreadable checkpoint is no checkpoint.
    const stored = await store.read(logId).catch(() => undefined)
    const opened = await codec.openCheckpoint(stored)
    head = opened === undefined ? undefined : Checkpoint.decodeHead(opened.head, logId)
    if (head !== undefined) entries = opened!.entries
  }
  // A plaintext checkpoint's entries section is checked at once (its checksum); a sealed one's
  // is decrypted after the document loads, so the first projections wait only for the head.
  let attached = false
  const attach = async (): Promise<void> => {
    const body = await entries!()
    checkpoint = body === undefined ? undefined : Checkpoint.attach(head!, body)
    attached = true
  }
  if (head !== undefined && !codec.sealed) {
    await attach()
    if (checkpoint === undefined) head = undefined
  }
  const sameOptions = head !== undefined && Checkpoint.sameOptions(head, options)
  if (head !== undefined && sameOptions)
    args.onFirst?.(firstOf(head, () => (attached ? checkpoint : "pending")))

  const session = await guarded(adapter.kind, "open", () => adapter.open(logId, doc))
  try {
    await args.afterLoad?.()
    if (head !== undefined && !attached) await attach()
    const verdict = checkpoint === undefined ? undefined : Checkpoint.verify(checkpoint, doc, map)
    if (codec.sealed) {
      // Sealed entries the checkpoint does not confirm are opened now (all at once, in a window);
      // the confirmed ones are the checkpoint's decoded entries, never decrypted again.
      const missing = (): Array<[string, unknown]> =>
        [...map.entries()].filter(([key, raw]) => verdict?.reuse(key) === undefined && !codec.ready(key, raw))
      for (let todo = missing(); todo.length > 0; todo = missing()) await codec.prepare(todo)
      if (verdict !== undefined) {
        for (const [key, raw] of map.entries()) {
          const entry = verdict.reuse(key)
          if (entry !== undefined) codec.remember(key, raw, entry)
        }
      }
    }
    const index = EntryIndex.make(map.entries(), verdict?.reuse, codec.decode)
    const exact = verdict?.unchanged === true && sameOptions
    const grown = !exact && verdict?.onlyAdded === true && sameOptions && checkpoint!.state !== undefined
    const added = (): Array<LogEntry> => {
      const out: Array<LogEntry> = []
      for (const key of map.keys()) {
        if (verdict!.reuse(key) !== undefined) continue
        const entry = index.entry(key)
        if (entry !== undefined) out.push(entry)
      }
      return out
    }
    const projections = Projections.make(
      options,
      index.entries,
      index.event,
      exact
        ? { results: checkpoint!.results, state: checkpoint!.state }
        : grown
          ? { state: checkpoint!.state, added }
          : {}
    )
    return { session, index, projections, current: exact }
  } catch (error) {
    await session.close().catch(() => {})
    throw error
  }
}
