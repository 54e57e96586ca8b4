import { join } from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import { SqliteStorage } from "../src/index.js"
import { tempDir } from "./helpers.js"

const LOG = "family-store-01"

const docFrom = (updates: ReadonlyArray<Uint8Array>): Y.Doc => {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc
}

// Appends `count` updates from two writers, the way two phones would.
const appendEvents = async (storage: SqliteStorage, count: number, prefix = "e"): Promise<Array<string>> => {
  const phones = [new Y.Doc(), new Y.Doc()]
  const written: Array<string> = []
  for (let i = 0; i < count; i++) {
    const phone = phones[i % 2] as Y.Doc
    const before = Y.encodeStateVector(phone)
    phone.getArray<string>("events").push([`${prefix}${i}`])
    await storage.append(LOG, Y.encodeStateAsUpdate(phone, before))
    written.push(`${prefix}${i}`)
  }
  return written
}

describe("SqliteStorage", () => {
  it("switches the database to WAL", () => {
    using dir = tempDir()
    const file = join(dir.path, "relay.sqlite")
    const storage = SqliteStorage.open({ file })
    const db = new Database(file, { readonly: true })
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal")
    db.close()
    void storage.close()
  })

  it("load hands over the rows merged into one update (merged in the storage worker), with the rows' count", async () => {
    using dir = tempDir()
    const storage = SqliteStorage.open({ file: join(dir.path, "relay.sqlite") })
    const written = await appendEvents(storage, 30)
    const loaded = await storage.load(LOG)
    expect(loaded.updates).toBe(30)
    expect(loaded.data).toHaveLength(1)
    expect(docFrom(loaded.data).getArray<string>("events").toArray().sort()).toEqual(written.sort())
    await storage.close()
  })

  it("compaction keeps every update and leaves one row", async () => {
    using dir = tempDir()
    const storage = SqliteStorage.open({ file: join(dir.path, "relay.sqlite") })
    const written = await appendEvents(storage, 50)
    expect((await storage.load(LOG)).updates).toBe(50)
    const size = await storage.compact(LOG)
    expect(size.updates).toBe(1)
    const loaded = await storage.load(LOG)
    expect(loaded.updates).toBe(1)
    expect(docFrom(loaded.data).getArray<string>("events").toArray().sort()).toEqual(written.sort())
    await storage.close()
  })

  it("rows appended after compaction survive the next compaction and a reopen", async () => {
    using dir = tempDir()
    const file = join(dir.path, "relay.sqlite")
    let storage = SqliteStorage.open({ file })
    const first = await appendEvents(storage, 10, "a")
    await storage.compact(LOG)
    const second = await appendEvents(storage, 10, "b")
    await storage.compact(LOG)
    await storage.close()
    storage = SqliteStorage.open({ file })
    const events = docFrom((await storage.load(LOG)).data)
      .getArray<string>("events")
      .toArray()
    expect(events.sort()).toEqual([...first, ...second].sort())
    await storage.close()
  })

  it("a compaction that fails midway rolls back and loses nothing", async () => {
    using dir = tempDir()
    const file = join(dir.path, "relay.sqlite")
    const storage = SqliteStorage.open({ file })
    const written = await appendEvents(storage, 20)
    // Make the delete step fail after the merged row was inserted, inside the same transaction.
    const saboteur = new Database(file)
    saboteur.exec(
      `CREATE TRIGGER fail_delete BEFORE DELETE ON updates BEGIN SELECT RAISE(ABORT, 'boom'); END`
    )
    await expect(storage.compact(LOG)).rejects.toThrow()
    saboteur.exec("DROP TRIGGER fail_delete")
    saboteur.close()
    const loaded = await storage.load(LOG)
    expect(loaded.updates).toBe(20)
    expect(docFrom(loaded.data).getArray<string>("events").toArray().sort()).toEqual(written.sort())
    await storage.close()
  })

  it("keeps logs apart and reports health", async () => {
    using dir = tempDir()
    const storage = SqliteStorage.open({ file: join(dir.path, "relay.sqlite") })
    await appendEvents(storage, 3)
    expect((await storage.load("family-other-1")).updates).toBe(0)
    expect(await storage.check()).toBe(true)
    await storage.close()
    expect(await storage.check()).toBe(false)
    await expect(storage.load(LOG)).rejects.toThrow(/closed/)
  })

  it("appends requested together are committed together, each durable and sized when it resolves", async () => {
    using dir = tempDir()
    const file = join(dir.path, "relay.sqlite")
    const storage = SqliteStorage.open({ file })
    await appendEvents(storage, 2, "a")
    const phone = new Y.Doc()
    const updates = Array.from({ length: 5 }, (_, i) => {
      const before = Y.encodeStateVector(phone)
      phone.getArray<string>("events").push([`b${i}`])
      return Y.encodeStateAsUpdate(phone, before)
    })
    const sizes = await Promise.all([
      ...updates.map((update) => storage.append(LOG, update)),
      storage.append("family-other-1", updates[0] as Uint8Array)
    ])
    expect(sizes.map((size) => size.updates)).toEqual([3, 4, 5, 6, 7, 1])
    // Every resolved append is on disk, as another connection sees it.
    const reader = new Database(file, { readonly: true })
    const row = reader
      .prepare("SELECT count(*) AS n, sum(length(data)) AS bytes FROM updates WHERE log_id = ?")
      .get(LOG) as { n: number; bytes: number }
    reader.close()
    expect(row.n).toBe(7)
    expect(sizes[4]?.bytes).toBe(row.bytes)
    await storage.close()
  })
})
