/**
 * Builds the Yjs document a family log becomes, with the layout @relactation/sync uses: one Y.Doc
 * per log, `doc.getMap("events")`, key = event id, value = the event's wire JSON object, one
 * transaction per appended event. Two phones (one Y.Doc and client id per caregiver) write their
 * own events and exchange every update, as they do when both are online.
 */
import { encodeEvent, type Event } from "@relactation/core"
import * as Y from "yjs"

export const EVENTS_MAP = "events"

/** Both phones' documents, converged. */
export const buildDocs = (
  events: ReadonlyArray<Event>,
  caregivers: readonly [string, string]
): { a: Y.Doc; b: Y.Doc } => {
  const a = new Y.Doc()
  const b = new Y.Doc()
  const REMOTE = Symbol("remote")
  a.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) Y.applyUpdate(b, update, REMOTE)
  })
  b.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) Y.applyUpdate(a, update, REMOTE)
  })
  for (const event of events) appendTo(event.by === caregivers[1] ? b : a, event)
  return { a, b }
}

/** Appends one event the way @relactation/sync's `append` does. */
export const appendTo = (doc: Y.Doc, event: Event): void => {
  const map = doc.getMap<unknown>(EVENTS_MAP)
  const encoded = encodeEvent(event)
  doc.transact(() => map.set(event.id, encoded))
}

/** The stored form of a log: the whole document as one Yjs update (v1 encoding). */
export const storedUpdate = (
  events: ReadonlyArray<Event>,
  caregivers: readonly [string, string]
): Uint8Array => {
  const { a, b } = buildDocs(events, caregivers)
  const update = Y.encodeStateAsUpdate(a)
  a.destroy()
  b.destroy()
  return update
}

/** The raw entries of a document, as a phone reads them on open. */
export const entriesOf = (doc: Y.Doc): Array<unknown> => Array.from(doc.getMap<unknown>(EVENTS_MAP).values())
