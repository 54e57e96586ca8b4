// Postgres stopped for 10 s while two phones (openLog, as an app runs it) write through a relay on
// PostgresStorage: while it is down the relay relays nothing and accepts nothing (it closes the log
// with STORE_UNAVAILABLE, 1013, and refuses new connections the same way), /healthz names the store;
// once Postgres is back the relay recovers on its own, the phones send again what they hold, and
// every event written is stored and on both phones.
import { CloseCode } from "@relactation/core/protocol"
import { type PostgresServer, phone, seedFor, sleep, startPostgres, until } from "@relactation/testkit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Y from "yjs"
import { createRelay, PostgresStorage } from "../src/index.js"
import { client } from "./helpers.js"

const LOG = "family-outage-01"
const SECRET = "KqpDkJkwkr32R8Dbi8a2K2jHFRaVUk14ZGoPzCtyKzU"
const OUTAGE_MS = 10_000

type EventLog = Awaited<ReturnType<typeof phone>>

let postgres: PostgresServer
beforeAll(async () => {
  postgres = await startPostgres()
})
afterAll(async () => {
  await postgres?.stop()
})

/** Event ids stored for the log, read back from Postgres by a store of its own. */
const storedIds = async (url: string): Promise<Set<string>> => {
  const reader = await PostgresStorage.open({ url, poolSize: 1 })
  try {
    const doc = new Y.Doc()
    for (const update of (await reader.load(LOG)).data) Y.applyUpdate(doc, update)
    return new Set(doc.getMap("events").keys())
  } finally {
    await reader.close()
  }
}

describe("Postgres outage", () => {
  it("10 s down with phones writing: nothing relayed or accepted while down, everything stored after, 0 lost", async () => {
    const seed = seedFor("postgres outage")
    const url = await postgres.database("outage")
    const storage = await PostgresStorage.open({ url, connectTimeoutMs: 1_000 })
    const lines: Array<Record<string, unknown>> = []
    await using relay = await createRelay({
      port: 0,
      storage,
      secret: SECRET,
      log: (line) => lines.push(line)
    })
    const health = async () => {
      const response = await fetch(`http://127.0.0.1:${relay.port}/healthz`)
      return { status: response.status, body: (await response.json()) as { store: string } }
    }
    const phones: Array<EventLog> = [
      await phone(relay, LOG, "parent-a", seed),
      await phone(relay, LOG, "parent-b", seed)
    ]
    // A stock y-websocket client on the same log reads the close codes.
    using watcher = client(relay.url, LOG, relay.token(LOG))
    try {
      await Promise.all([...phones.map((p) => p.whenSynced()), watcher.synced()])
      // When each phone first saw each event written by the other.
      const seenAt = phones.map(() => new Map<string, number>())
      for (const [i, p] of phones.entries()) {
        p.subscribe((change) => {
          if (change.origin !== "remote") return
          for (const event of change.added)
            if (!seenAt[i]?.has(event.id)) seenAt[i]?.set(event.id, Date.now())
        })
      }
      const written = phones.map(() => new Set<string>())
      const writeOne = async (i: number, ml: number) => {
        const event = await (phones[i] as EventLog).append({
          type: "pump",
          durationSec: 600,
          method: "electric",
          totalMl: ml
        })
        written[i]?.add(event.id)
        return event.id
      }

      for (let n = 0; n < 5; n++) await Promise.all([writeOne(0, n), writeOne(1, n)])
      await until(
        "both phones to see the first events",
        () => phones.every((p) => p.events.length === 10),
        10_000
      )

      await postgres.stopServer()
      const writtenWhileDown = phones.map(() => new Set<string>())
      const downUntil = Date.now() + OUTAGE_MS
      let n = 0
      while (Date.now() < downUntil) {
        for (const i of [0, 1]) writtenWhileDown[i]?.add(await writeOne(i, 100 + n))
        n++
        // The scenario's rhythm: a phone logs something every second or so during the outage.
        await sleep(1_000)
      }
      const store = await health()
      expect(store).toEqual({
        status: 503,
        body: expect.objectContaining({ status: "unavailable", store: "down" })
      })
      expect(watcher.closes.map((close) => close.code)).toContain(CloseCode.STORE_UNAVAILABLE)
      expect(lines.some((line) => line.event === "storage-failed")).toBe(true)
      const restartedAt = Date.now()
      await postgres.startServer()

      // Recovered on its own: the phones reconnect, send what they hold, and get the other's.
      await until(
        "both phones to hold every event",
        () => phones.every((p) => p.events.length === written[0]!.size + written[1]!.size),
        20_000
      )
      expect((await health()).body.store).toBe("ok")
      // Nothing written while Postgres was down reached the other phone before it was back.
      for (const [i, other] of [
        [0, 1],
        [1, 0]
      ] as const) {
        const early = [...(writtenWhileDown[i] ?? [])].filter(
          (id) => (seenAt[other]?.get(id) ?? Infinity) < restartedAt
        )
        expect(early).toEqual([])
      }
      const everything = new Set([...written[0]!, ...written[1]!])
      expect(writtenWhileDown[0]!.size + writtenWhileDown[1]!.size).toBeGreaterThanOrEqual(16)
      const stored = await storedIds(url)
      const lost = [...everything].filter((id) => !stored.has(id))
      expect(lost).toEqual([])
      expect(stored.size).toBe(everything.size)
    } finally {
      await Promise.all(phones.map((p) => p.close()))
      await relay.close()
      await storage.close()
    }
  }, 60_000)
})
