// A relay process on Postgres SIGKILLed while phones write and the log is compacted: everything any
// client had received from it (it relays only what Postgres committed) is in Postgres; a new process
// on the same database serves it, and once the writers reconnect nothing is missing.
import { type PostgresServer, startPostgres } from "@relactation/testkit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { WebsocketProvider } from "y-websocket"
import * as Y from "yjs"
import { mintToken, PostgresStorage } from "../src/index.js"
import { client, until } from "./helpers.js"
import { serve } from "./process.js"

const LOG = "family-pgcrash-1"
const SECRET = "ivu8-I_pojZq-Yd61mQVJHQfN0R_9MDXSgGZF8lCokQ"
const token = mintToken(SECRET, LOG)

let postgres: PostgresServer
beforeAll(async () => {
  postgres = await startPostgres()
})
afterAll(async () => {
  await postgres?.stop()
})

const storedEvents = async (url: string): Promise<Set<string>> => {
  const storage = await PostgresStorage.open({ url, poolSize: 1 })
  try {
    const doc = new Y.Doc()
    for (const update of (await storage.load(LOG)).data) Y.applyUpdate(doc, update)
    return new Set(doc.getArray<string>("events").toArray())
  } finally {
    await storage.close()
  }
}

describe("crash on Postgres", () => {
  it("a SIGKILL while phones write and the log is compacted loses nothing any client received", async () => {
    const url = await postgres.database("crash")
    const flags = ["--store", url, "--compact-after", "5"]
    const first = await serve(flags, { RELAY_SECRET: SECRET })
    const writers = [client(first.url, LOG, token), client(first.url, LOG, token)]
    const observer = client(first.url, LOG, token)
    let received: Array<string> = []
    let written = 0
    let writing = true
    try {
      await Promise.all([...writers.map((w) => w.synced()), observer.synced()])
      // The writers keep writing while the relay is killed, so commits are under way at that moment.
      const writing$ = (async () => {
        while (writing) {
          writers[written % 2]?.events.push([`event-${written}`])
          written++
          await new Promise((resolve) => setTimeout(resolve, 2))
        }
      })()
      await until(
        "a compaction and some relayed events",
        () => first.stdout().includes('"event":"compact"') && observer.events.length >= 50,
        20_000
      )
      first.child.kill("SIGKILL")
      await first.exited
      writing = false
      await writing$
      // What any client got from another through the relay: the observer's whole log, and each
      // writer's events from the other writer.
      received = [
        ...observer.events.toArray(),
        ...writers.flatMap((w, k) => w.events.toArray().filter((event) => Number(event.slice(6)) % 2 !== k))
      ]
    } finally {
      writing = false
      first.child.kill("SIGKILL")
      observer[Symbol.dispose]()
      for (const w of writers) w.provider.destroy()
    }
    expect(received.length).toBeGreaterThanOrEqual(50)
    const stored = await storedEvents(url)
    expect([...new Set(received)].filter((event) => !stored.has(event))).toEqual([])

    // A new process on the same database: the writers reconnect and everything ends up stored.
    const second = await serve(flags, { RELAY_SECRET: SECRET })
    const resumed = writers.map(
      (w) =>
        new WebsocketProvider(second.url, LOG, w.doc, {
          params: { token },
          WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
          disableBc: true
        })
    )
    try {
      using reader = client(second.url, LOG, token)
      await until("the reader has every event written", () => reader.events.length === written, 20_000)
      await until(
        "Postgres has every event written",
        async () => (await storedEvents(url)).size === written,
        10_000
      )
    } finally {
      for (const provider of resumed) provider.destroy()
      second.child.kill("SIGTERM")
      await second.exited
      for (const w of writers) w.doc.destroy()
    }
  }, 90_000)
})
