/**
 * Scenario 1, crash during writes: 20 phones on 10 logs append all the time while the relay process
 * is SIGKILLed at random moments and right after compactions (the relay is told to compact every
 * few rows, so compactions run all the time), then restarted on the same data folder and port.
 *
 * Two promises are checked. Durability: at every kill, whatever a phone had already received from
 * the relay (it relays only after storing) is in the SQLite file the dead process left. Convergence:
 * at the end every event any phone appended is on both phones of its log and in the store, exactly
 * once, and nothing else is.
 */
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { decodeEntry, isEvent } from "@relactation/core"
import { DATABASE_FILE, mintToken } from "@relactation/server"
import { between, prng, sleep, until } from "@relactation/testkit"
import { size } from "./size.js"
import {
  appendedByLog,
  holdItsLog,
  type DocClient,
  docClient,
  eventMaker,
  readStore
} from "./support/clients.js"
import { type RelayProcess, startRelayProcess } from "./support/relayProcess.js"
import { scenario } from "./support/scenario.js"

const SECRET = "reliability-crash-secret-pT3zIMlv6hBRBROON3-JmfDX1rV_RTv3ElfyiRJ8Ouo"
const MARKER = "MARKER-crash-domperidone-5517"
const knobs = size.crash
const { seed, random, row, onEnd, tempDir } = scenario("crash")
const dir = tempDir("rel-crash-")
const dbFile = join(dir, DATABASE_FILE)
const logs = Array.from({ length: knobs.logs }, (_, i) => `crash-log-${String(i).padStart(4, "0")}`)

let relay: RelayProcess | undefined
const outputs: Array<string> = []
const clients: Array<DocClient> = []
let kills = 0
let compactionKills = 0
let compactions = 0
let ackChecked = 0
let ackLost = 0
let appendedTotal = 0

// End steps run latest first: this one, registered before the others, fills the row in last.
onEnd(() => {
  row.attempts = kills
  row.notes.push(
    `${kills} SIGKILLs (${compactionKills} right after a compaction) of a relay with ${clients.length} phones on ${knobs.logs} logs; ${appendedTotal} events appended, ${compactions} compactions; ${ackChecked} relayed events checked in the store at each kill, ${ackLost} missing`
  )
})
onEnd(async () => {
  for (const client of clients) client.destroy()
  if (relay !== undefined) {
    outputs.push(relay.output())
    await relay.kill()
  }
})

const start = async (port?: number): Promise<RelayProcess> => {
  const next = await startRelayProcess({
    dataDir: dir,
    secret: SECRET,
    ...(port === undefined ? {} : { port }),
    limits: { compactAfterUpdates: knobs.compactAfterUpdates, unloadAfterMs: 1_000 }
  })
  next.onLine((line) => {
    if (line.event === "compact") compactions++
  })
  return next
}

// What each phone had received from the other phone of its log: the relay sent it, so it must
// have been stored before.
const relayedSoFar = (): Map<string, Set<string>> => {
  const byLog = new Map<string, Set<string>>()
  for (const client of clients) {
    const own = new Set(client.appended)
    const received = byLog.get(client.logId) ?? new Set<string>()
    for (const key of client.keys()) if (!own.has(key)) received.add(key)
    byLog.set(client.logId, received)
  }
  return byLog
}

const killAndCheck = async (current: RelayProcess): Promise<void> => {
  const relayed = relayedSoFar()
  await current.kill()
  kills++
  outputs.push(current.output())
  const stored = readStore(dbFile)
  for (const [logId, ids] of relayed) {
    const keys = new Set(stored.get(logId)?.keys ?? [])
    for (const id of ids) {
      ackChecked++
      if (!keys.has(id)) ackLost++
    }
  }
}

describe("crash", () => {
  it("loses nothing when the relay is SIGKILLed during writes and compactions", async () => {
    relay = await start()
    const port = relay.port
    for (const logId of logs) {
      for (const phone of ["a", "b"].slice(0, knobs.clientsPerLog)) {
        clients.push(
          docClient(relay.url, logId, mintToken(SECRET, logId), `${logId}/${phone}`, { maxBackoffTime: 300 })
        )
      }
    }
    await until("all phones synced", () => clients.every((client) => client.synced()), 30_000)

    // Every phone appends on its own jittered rhythm, online or not (offline-first).
    let writing = true
    const writers = clients.map(async (client, index) => {
      const phoneRandom = prng(seed, `phone-${index}`)
      const make = eventMaker(phoneRandom, `parent-${index}`)
      while (writing) {
        client.append(make(undefined, MARKER))
        appendedTotal++
        await sleep(knobs.appendEveryMs / 2 + phoneRandom() * knobs.appendEveryMs)
      }
    })

    for (let i = 0; i < knobs.randomKills; i++) {
      await sleep(between(random, knobs.killAfterMs[0], knobs.killAfterMs[1]))
      await killAndCheck(relay)
      relay = await start(port)
    }
    for (let i = 0; i < knobs.compactionKills; i++) {
      const current: RelayProcess = relay
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          stop()
          resolve()
        }, 20_000)
        const stop = current.onLine((line) => {
          if (line.event !== "compact") return
          stop()
          clearTimeout(timer)
          resolve()
        })
      })
      compactionKills++
      await killAndCheck(current)
      relay = await start(port)
    }

    writing = false
    await Promise.all(writers)
    // Every phone of a log holds every event appended on that log.
    const expected = appendedByLog(clients)
    const converged = () => holdItsLog(clients, expected)
    await until("every phone holds every event of its log", converged, 60_000, 100).catch(() => {})
    // The store, read from the file a SIGKILLed relay left behind.
    await killAndCheck(relay)
    relay = undefined
    const stored = readStore(dbFile)
    const lost = new Set<string>()
    let duplicatesOrStrangers = 0
    for (const [logId, want] of expected) {
      const inStore = stored.get(logId)
      const storeKeys = new Set(inStore?.keys ?? [])
      for (const id of want) if (!storeKeys.has(id)) lost.add(id)
      for (const key of storeKeys) if (!want.has(key)) duplicatesOrStrangers++
      for (const [key, value] of inStore?.values ?? []) {
        const entry = decodeEntry(value)
        if (!isEvent(entry) || entry.id !== key) duplicatesOrStrangers++
      }
      for (const client of clients.filter((c) => c.logId === logId)) {
        const keys = client.keys()
        for (const id of want) if (!keys.has(id)) lost.add(id)
      }
    }
    row.eventsLost = lost.size
    row.failures = ackLost + duplicatesOrStrangers + (lost.size > 0 ? 1 : 0)
    const allOutput = outputs.join("\n")
    console.log(
      `[crash] ${kills} kills (${compactionKills} after a compaction), ${compactions} compactions, ${appendedTotal} events appended; relayed-before-kill checked ${ackChecked}, missing ${ackLost}; lost at the end ${lost.size}`
    )
    expect(ackLost, "events relayed before a kill but missing from the store").toBe(0)
    expect(lost.size, "events lost").toBe(0)
    expect(duplicatesOrStrangers, "entries in the store that no phone appended, or under another key").toBe(0)
    expect(kills).toBeGreaterThanOrEqual(5)
    expect(compactions).toBeGreaterThan(0)
    // The relay's logs carry ids and counts only: no event content, no token.
    expect(allOutput).not.toContain(MARKER)
    expect(allOutput).not.toContain(mintToken(SECRET, logs[0] as string).split(".")[3] as string)
    expect(row.failures, "attempts that broke a promise").toBe(0)
  })
})
