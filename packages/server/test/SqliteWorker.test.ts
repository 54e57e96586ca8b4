// The storage worker's program on its own: the commit requests waiting in its port go into one
// transaction, and a request of another kind ends the group and is answered after it (so answers
// come in the order the requests were sent).
import { createRequire } from "node:module"
import { join } from "node:path"
import { Worker } from "node:worker_threads"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import { SqliteStorage } from "../src/index.js"
import { type Reply, type Request, sqliteWorker, type WorkerSetup } from "../src/internal/SqliteWorker.js"
import { tempDir, until } from "./helpers.js"

const resolve = createRequire(import.meta.url).resolve

// The worker as SqliteStorage runs it, except that every transaction it runs is reported first
// (as a message with id -1), so the test can count them.
const countingSource = `"use strict";
var __name = (target) => target;
const betterSqlite3 = ${JSON.stringify(resolve("better-sqlite3"))};
const { parentPort } = require("node:worker_threads");
const counting = (id) => {
  const module = require(id);
  if (id !== betterSqlite3) return module;
  return function CountingDatabase(...args) {
    const db = new module(...args);
    const transaction = db.transaction.bind(db);
    db.transaction = (fn) => {
      const run = transaction(fn);
      return Object.assign((...a) => {
        parentPort.postMessage({ id: -1, ok: true, value: "transaction" });
        return run(...a);
      }, run);
    };
    return db;
  };
};
(${sqliteWorker.toString()})(counting)`

const startWorker = async (file: string) => {
  // The schema, as SqliteStorage.open prepares it before it starts the worker.
  await SqliteStorage.open({ file }).close()
  const setup: WorkerSetup = {
    file,
    synchronous: "full",
    betterSqlite3: resolve("better-sqlite3"),
    yjs: resolve("yjs")
  }
  const worker = new Worker(countingSource, { eval: true, workerData: setup })
  const events: Array<"transaction" | number> = []
  const replies = new Map<number, Reply>()
  worker.on("message", (reply: Reply) => {
    if (reply.id === -1) events.push("transaction")
    else {
      events.push(reply.id)
      replies.set(reply.id, reply)
    }
  })
  return { worker, events, replies }
}

const update = (text: string): Uint8Array => {
  const doc = new Y.Doc()
  doc.getArray<string>("events").push([text])
  return Y.encodeStateAsUpdate(doc)
}

const commit = (id: number, logId: string, count: number): Request => ({
  id,
  op: "commit",
  appends: Array.from({ length: count }, (_, i) => ({ logId, update: update(`${id}-${i}`) }))
})

describe("the storage worker", () => {
  it("commits the commit requests waiting in its port in one transaction and answers each with its own sizes", async () => {
    using dir = tempDir()
    const file = join(dir.path, "relay.sqlite")
    const { worker, events, replies } = await startWorker(file)
    try {
      // Sent before the worker has started: all three wait in its port when it reads the first.
      worker.postMessage(commit(1, "log-a", 2))
      worker.postMessage(commit(2, "log-b", 1))
      worker.postMessage(commit(3, "log-a", 1))
      await until("three answers", () => replies.size === 3)
      expect(events).toEqual(["transaction", 1, 2, 3])
      expect([1, 2, 3].map((id) => replies.get(id))).toEqual([
        {
          id: 1,
          ok: true,
          value: [
            { updates: 1, bytes: expect.any(Number) },
            { updates: 2, bytes: expect.any(Number) }
          ]
        },
        { id: 2, ok: true, value: [{ updates: 1, bytes: expect.any(Number) }] },
        { id: 3, ok: true, value: [{ updates: 3, bytes: expect.any(Number) }] }
      ])
    } finally {
      await worker.terminate()
    }
    const db = new Database(file, { readonly: true })
    expect(db.prepare("SELECT count(*) AS n FROM updates").get()).toEqual({ n: 4 })
    db.close()
  })

  it("answers a request of another kind after the commits before it, and commits the ones after it in a group of their own", async () => {
    using dir = tempDir()
    const file = join(dir.path, "relay.sqlite")
    const { worker, events, replies } = await startWorker(file)
    try {
      worker.postMessage(commit(1, "log-a", 1))
      worker.postMessage({ id: 2, op: "load", logId: "log-a" } satisfies Request)
      worker.postMessage(commit(3, "log-a", 1))
      worker.postMessage(commit(4, "log-a", 1))
      await until("four answers", () => replies.size === 4)
      expect(events).toEqual(["transaction", 1, 2, "transaction", 3, 4])
      // The load saw the commit sent before it.
      expect(replies.get(2)).toMatchObject({ ok: true, value: { updates: 1 } })
      expect(replies.get(4)).toMatchObject({ ok: true, value: [{ updates: 3 }] })
    } finally {
      await worker.terminate()
    }
  })

  it("fails every request of a group whose transaction fails, and commits the next group", async () => {
    using dir = tempDir()
    const file = join(dir.path, "relay.sqlite")
    const { worker, replies } = await startWorker(file)
    try {
      worker.postMessage(commit(1, "log-a", 1))
      // Not bytes: better-sqlite3 refuses to bind it, so the whole transaction is rolled back.
      worker.postMessage({ id: 2, op: "commit", appends: [{ logId: "log-a", update: { not: "bytes" } }] })
      worker.postMessage({ id: 3, op: "check" } satisfies Request)
      worker.postMessage(commit(4, "log-a", 1))
      await until("four answers", () => replies.size === 4)
      expect(replies.get(1)).toMatchObject({ ok: false })
      expect(replies.get(2)).toMatchObject({ ok: false })
      expect(replies.get(4)).toMatchObject({ ok: true, value: [{ updates: 1 }] })
    } finally {
      await worker.terminate()
    }
    const db = new Database(file, { readonly: true })
    expect(db.prepare("SELECT count(*) AS n FROM updates").get()).toEqual({ n: 1 })
    db.close()
  })
})
