// The load of a log in SqliteStorage's worker: its rows merged into one update, and the log's size
// (rows, bytes) remembered there, so that the appends after a load (a relay restarted on its file)
// are sized from the rows already stored, as the size limit and the compaction schedule need.
import { join } from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import { SqliteStorage } from "../src/index.js"
import { tempDir } from "./helpers.js"

const LOG = "family-load-size-1"

const updatesFrom = (phone: Y.Doc, count: number, prefix: string): Array<Uint8Array> =>
  Array.from({ length: count }, (_, i) => {
    const before = Y.encodeStateVector(phone)
    phone.getArray<string>("events").push([`${prefix}${i}`])
    return Y.encodeStateAsUpdate(phone, before)
  })

const onDisk = (file: string) => {
  const reader = new Database(file, { readonly: true })
  try {
    return reader
      .prepare("SELECT count(*) AS updates, sum(length(data)) AS bytes FROM updates WHERE log_id = ?")
      .get(LOG) as { updates: number; bytes: number }
  } finally {
    reader.close()
  }
}

describe("SqliteStorage load", () => {
  it("after a reopen, the appends that follow a load are sized from every row already stored", async () => {
    using dir = tempDir()
    const file = join(dir.path, "relay.sqlite")
    const phone = new Y.Doc()
    const first = SqliteStorage.open({ file })
    for (const update of updatesFrom(phone, 12, "a")) await first.append(LOG, update)
    await first.close()

    // A fresh worker: nothing cached; the load reads the 12 rows and merges them.
    const storage = SqliteStorage.open({ file })
    const loaded = await storage.load(LOG)
    expect(loaded.updates).toBe(12)
    expect(loaded.data).toHaveLength(1)
    const merged = new Y.Doc()
    Y.applyUpdate(merged, loaded.data[0] as Uint8Array)
    expect(merged.getArray<string>("events").length).toBe(12)

    const sizes = []
    for (const update of updatesFrom(phone, 3, "b")) sizes.push(await storage.append(LOG, update))
    expect(sizes.map((size) => size.updates)).toEqual([13, 14, 15])
    expect(sizes[2]).toEqual(onDisk(file))
    await storage.close()
  })
})
