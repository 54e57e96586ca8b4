/**
 * How changes of the `events` map reach the entry index and the projections, in the order they
 * happened. A plaintext entry (and an entry this device sealed itself) is decoded at once, inside
 * the Yjs observer, as before sealing existed. A sealed entry from elsewhere must be opened first
 * (asynchronously), so such changes wait in one queue, in order, and everything after them waits
 * too: the index never sees a later change before an earlier one. `idle()` resolves when the queue
 * is empty (an append and `whenSynced` wait for it, so what they promise is in `events`).
 */
import { type Event, isEvent } from "@relactation/core"
import type * as Y from "yjs"
import type { EntryCodec } from "./EntryCodec.js"
import type { EntryIndex } from "./EntryIndex.js"
import type { Projections } from "./Projections.js"
import { UnreadableEntry } from "../Unreadable.js"

/** What one applied change did. */
export interface Applied {
  readonly added: ReadonlyArray<Event>
  /** Another writer changed or deleted an entry: the index and projections were rebuilt. */
  readonly rebuilt: boolean
  /** How many map keys the change touched. */
  readonly keys: number
  readonly tx: Y.Transaction | undefined
}

export interface Intake {
  /** The map observer. */
  readonly observe: (event: Y.YMapEvent<unknown>, tx: Y.Transaction) => void
  /** Decodes the whole map again (new key epochs arrived), in the queue's order. */
  readonly refresh: () => void
  /** Resolves once every change seen so far is in the index. */
  readonly idle: () => Promise<void>
  readonly destroy: () => void
}

export const make = (options: {
  readonly map: Y.Map<unknown>
  readonly index: EntryIndex
  readonly projections: Projections
  readonly codec: EntryCodec
  readonly applied: (change: Applied) => void
  readonly report: (error: unknown) => void
}): Intake => {
  const { map, index, projections, codec } = options
  let queue: Promise<void> = Promise.resolve()
  let pending = 0
  let destroyed = false

  const addAll = (adds: ReadonlyArray<readonly [string, unknown]>): Array<Event> => {
    const added: Array<Event> = []
    for (const [key, raw] of adds) {
      if (index.has(key)) continue // already decoded by a rebuild that ran first
      const entry = index.add(key, raw)
      if (entry instanceof UnreadableEntry) continue
      projections.apply(entry)
      if (isEvent(entry)) added.push(entry)
    }
    return added
  }

  const rebuild = (): Array<Event> => {
    // This library never changes or deletes an entry; a foreign writer did. The rare case is
    // handled by starting over, which keeps every device's projections equal.
    const known = new Set(index.eventKeys())
    index.reset(map.entries())
    projections.rebuild(index.entries)
    const added: Array<Event> = []
    for (const id of index.eventKeys()) if (!known.has(id)) added.push(index.event(id)!)
    return added
  }

  const prepareAll = async (entries: () => ReadonlyArray<readonly [string, unknown]>): Promise<void> => {
    for (let todo = entries().filter(([k, r]) => !codec.ready(k, r)); todo.length > 0; ) {
      await codec.prepare(todo)
      todo = entries().filter(([k, r]) => !codec.ready(k, r))
    }
  }

  const later = (run: () => Promise<void>): void => {
    pending++
    queue = queue
      .then(async () => {
        if (!destroyed) await run()
      })
      .catch(options.report)
      .finally(() => {
        pending--
      })
  }

  const emit = (
    added: ReadonlyArray<Event>,
    rebuilt: boolean,
    keys: number,
    tx: Y.Transaction | undefined
  ) => {
    if (added.length > 0 || rebuilt) options.applied({ added, rebuilt, keys, tx })
  }

  const observe = (event: Y.YMapEvent<unknown>, tx: Y.Transaction): void => {
    let foreign = false
    const adds: Array<readonly [string, unknown]> = []
    for (const [key, change] of event.changes.keys) {
      if (change.action !== "add" || index.has(key)) {
        foreign = true
        break
      }
      adds.push([key, map.get(key)])
    }
    const keys = event.changes.keys.size
    if (foreign) {
      if (pending === 0 && !codec.sealed) {
        emit(rebuild(), true, keys, tx)
        return
      }
      later(async () => {
        await prepareAll(() => [...map.entries()])
        emit(rebuild(), true, keys, tx)
      })
      return
    }
    if (pending === 0 && adds.every(([key, raw]) => codec.ready(key, raw))) {
      emit(addAll(adds), false, keys, tx)
      return
    }
    later(async () => {
      await prepareAll(() => adds)
      emit(addAll(adds), false, keys, tx)
    })
  }

  return {
    observe,
    refresh: () => {
      codec.forgetUnknownEpochs()
      later(async () => {
        await prepareAll(() => [...map.entries()])
        emit(rebuild(), true, 1, undefined)
      })
    },
    idle: async () => {
      while (pending > 0) await queue
    },
    destroy: () => {
      destroyed = true
    }
  }
}
