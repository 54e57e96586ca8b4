// A commit stuck on the disk does not stop the relay. Another connection holds SQLite's write lock
// (as a backup would, or a disk that takes its time to flush): the relay's commit waits for it (up to
// the 5 s busy timeout) in the store's worker thread, and meanwhile the relay answers websocket
// pings and /healthz; it relays the waiting update only once it is committed. On the event loop (the
// store before its worker) the wait blocked everything, and the commit failed before the ping was
// answered.
import { join } from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { createRelay, DATABASE_FILE } from "../src/index.js"
import { client, opened, rawClient, silent, tempDir, until } from "./helpers.js"

const LOG = "family-slow-disk"
const SECRET = "slowDiskTestSecret0123456789abcdefghijklmnopq"

const storageErrors = (metrics: string): number =>
  Number(/relactation_relay_errors_total\{kind="storage"\} (\d+)/.exec(metrics)?.[1] ?? 0)
const messagesIn = (metrics: string): number =>
  Number(/relactation_relay_messages_in_total (\d+)/.exec(metrics)?.[1] ?? 0)

describe("a slow disk", () => {
  it("answers a ping and /healthz while a commit waits, and relays the update only once committed", async () => {
    using dir = tempDir()
    await using relay = await createRelay({ port: 0, dataDir: dir.path, secret: SECRET, log: silent })
    using alice = client(relay.url, LOG, relay.token(LOG))
    using bob = client(relay.url, LOG, relay.token(LOG))
    using pinger = rawClient(`${relay.url}/${LOG}?token=${relay.token(LOG)}`)
    await Promise.all([alice.synced(), bob.synced(), opened(pinger.socket)])
    await relay.flush()

    const file = join(dir.path, DATABASE_FILE)
    const blocker = new Database(file)
    const reader = new Database(file, { readonly: true })
    const storedRows = () => (reader.prepare("SELECT count(*) AS n FROM updates").get() as { n: number }).n
    const rowsBefore = storedRows()
    blocker.exec("BEGIN IMMEDIATE")
    try {
      const received = messagesIn(relay.metrics())
      alice.events.push(["written while the disk is stuck"])
      await until("the relay to receive the update", () => messagesIn(relay.metrics()) > received)

      const pong = new Promise<void>((resolve) => pinger.socket.once("pong", () => resolve()))
      pinger.socket.ping()
      await pong
      const health = await fetch(`http://${relay.host}:${relay.port}/healthz`)
      expect(health.status).toBe(200)
      // All of that while the commit was still waiting: nothing failed, stored or relayed yet.
      expect(storageErrors(relay.metrics())).toBe(0)
      expect(storedRows()).toBe(rowsBefore)
      expect(bob.events.length).toBe(0)
    } finally {
      blocker.exec("COMMIT")
      blocker.close()
    }
    await until("bob to receive the update once it is committed", () => bob.events.length === 1)
    expect(storedRows()).toBe(rowsBefore + 1)
    reader.close()
    expect(storageErrors(relay.metrics())).toBe(0)
  })
})
