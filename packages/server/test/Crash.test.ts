import { describe, expect, it } from "vitest"
import { WebsocketProvider } from "y-websocket"
import WebSocket from "ws"
import { mintToken } from "../src/index.js"
import { client, tempDir, until } from "./helpers.js"
import { serve } from "./process.js"

const LOG = "family-crash-001"
const SECRET = "ivu8-I_pojZq-Yd61mQVJHQfN0R_9MDXSgGZF8lCokQ"
const token = mintToken(SECRET, LOG)

describe("crash safety", () => {
  it("a SIGKILL while appending and compacting loses nothing that was relayed", async () => {
    using dir = tempDir()
    // Compact every few rows, so the kill lands among appends and compactions.
    const first = await serve(["--data", dir.path, "--compact-after", "5"], { RELAY_SECRET: SECRET })
    const writer = client(first.url, LOG, token)
    const observer = client(first.url, LOG, token)
    let seen: Array<string> = []
    try {
      await Promise.all([writer.synced(), observer.synced()])
      for (let i = 0; i < 400; i++) {
        writer.events.push([`event-${i}`])
        if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5))
      }
      // Kill mid-stream: each append is fsynced, so the relay is still working through the queue.
      await until(
        "a compaction and some relayed events",
        () => {
          return first.stdout().includes('"event":"compact"') && observer.events.length >= 50
        },
        10_000
      )
      first.child.kill("SIGKILL")
      await first.exited
      // The relay relays only what it has stored: everything the observer saw must survive.
      seen = observer.events.toArray()
    } finally {
      first.child.kill("SIGKILL")
      observer[Symbol.dispose]()
      writer.provider.destroy()
    }
    expect(seen.length).toBeGreaterThanOrEqual(50)

    const second = await serve(["--data", dir.path, "--compact-after", "5"], { RELAY_SECRET: SECRET })
    try {
      using reader = client(second.url, LOG, token)
      await reader.synced()
      const stored = new Set(reader.events.toArray())
      expect(seen.filter((event) => !stored.has(event))).toEqual([])
      // The writer still holds everything it wrote; once it reconnects, the relay has all of it.
      const resumed = new WebsocketProvider(second.url, LOG, writer.doc, {
        params: { token },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true
      })
      try {
        await until("the reader has every event", () => reader.events.length === writer.events.length, 10_000)
      } finally {
        resumed.destroy()
      }
      expect(new Set(reader.events.toArray())).toEqual(new Set(writer.events.toArray()))
    } finally {
      second.child.kill("SIGTERM")
      await second.exited
      writer.doc.destroy()
    }
  })
})
