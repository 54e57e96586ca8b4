/**
 * Postgres outages under a relay on `PostgresStorage` (issue 14): phones (stock `WebsocketProvider`s
 * on the sync document layout, two per log) append all the time while the Postgres server is
 * stopped (cleanly for 10 s, or killed like a crash and restarted after a few seconds), then started
 * again on the same data folder. Three promises are checked at each outage. Durable before relayed:
 * everything a phone had received from the other phone of its log is in Postgres after the restart.
 * Nothing accepted while down: no event appended after the stop reaches the other phone before
 * Postgres is back, and `/healthz` names the store as down. Recovery: with no help, every event
 * appended ends up on both phones of its log and in Postgres, exactly once.
 */
import { createRelay, mintToken, PostgresStorage, type RelayHandle } from "@relactation/server"
import { between, type PostgresServer, sleep, startPostgres, until } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import { size } from "./size.js"
import { appendedByLog, type DocClient, docClient, EVENTS_MAP, eventMaker } from "./support/clients.js"
import { Y } from "./support/deps.js"
import { scenario } from "./support/scenario.js"

const SECRET = "reliability-pg-outage-secret-7Hq2yWm4cX9vBn3kLp8zR5tG1dF6sA0jUe"
const knobs = size.postgresOutage
const { random, row, onEnd } = scenario("postgresOutage")
const logs = Array.from({ length: knobs.logs }, (_, i) => `pgout-log-${String(i).padStart(4, "0")}`)

let postgres: PostgresServer | undefined
let storage: PostgresStorage | undefined
let relay: RelayHandle | undefined
const clients: Array<DocClient> = []
let appendedTotal = 0
let relayedChecked = 0
let relayedMissing = 0
let relayedWhileDown = 0
let unhealthySeen = 0
const downtimes: Array<string> = []

onEnd(() => {
  row.attempts = knobs.outages.length
  const closes = clients.reduce((n, client) => n + client.closes.filter((code) => code === 1013).length, 0)
  row.notes.push(
    `${knobs.outages.length} Postgres outages (${downtimes.join(", ")}) under ${clients.length} phones on ${knobs.logs} logs; ${appendedTotal} events appended; ${relayedChecked} relayed events checked in Postgres after each restart, ${relayedMissing} missing; ${relayedWhileDown} relayed while down; /healthz said store down ${unhealthySeen}/${knobs.outages.length}; ${closes} closes with 1013`
  )
})
onEnd(async () => {
  for (const client of clients) client.destroy()
  await relay?.close()
  await storage?.close()
  await postgres?.stop()
})

/** Per log id, the event ids stored in Postgres, read by a store of its own. */
const readPostgres = async (url: string): Promise<Map<string, Set<string>>> => {
  const reader = await PostgresStorage.open({ url, poolSize: 1 })
  try {
    const out = new Map<string, Set<string>>()
    for (const logId of logs) {
      const doc = new Y.Doc()
      for (const update of (await reader.load(logId)).data) Y.applyUpdate(doc, update)
      out.set(logId, new Set(doc.getMap<unknown>(EVENTS_MAP).keys()))
      doc.destroy()
    }
    return out
  } finally {
    await reader.close()
  }
}

const peersOf = (client: DocClient) =>
  clients.filter((other) => other !== client && other.logId === client.logId)

describe("postgresOutage", () => {
  it("relays nothing while Postgres is down, loses nothing across outages and crashes", async () => {
    postgres = await startPostgres()
    const url = await postgres.database("outage")
    storage = await PostgresStorage.open({ url, connectTimeoutMs: 1_000 })
    relay = await createRelay({ port: 0, storage, secret: SECRET, log: () => {} })
    const current = relay
    for (const logId of logs) {
      for (const phone of ["a", "b"]) {
        clients.push(
          docClient(current.url, logId, mintToken(SECRET, logId), `${logId}/${phone}`, {
            maxBackoffTime: 300
          })
        )
      }
    }
    await until("all phones synced", () => clients.every((client) => client.synced()), 30_000)

    let writing = true
    const writers = clients.map(async (client, index) => {
      const make = eventMaker(random, `parent-${index}`)
      while (writing) {
        client.append(make())
        appendedTotal++
        await sleep(knobs.appendEveryMs / 2 + random() * knobs.appendEveryMs)
      }
    })

    for (const outage of knobs.outages) {
      await sleep(between(random, knobs.runBeforeMs[0], knobs.runBeforeMs[1]))
      // What each phone had received from its log's other phone: relayed, so it must be stored.
      const relayed = clients.map((client) => {
        const own = new Set(client.appended)
        return { client, ids: [...client.keys()].filter((id) => !own.has(id)) }
      })
      await postgres.stopServer(outage.mode)
      const stoppedAt = clients.map((client) => client.appended.length)
      const started = Date.now()
      const healthy = async () => {
        const response = await fetch(`http://127.0.0.1:${current.port}/healthz`)
        const body = (await response.json()) as { store?: string }
        return response.status === 200 && body.store === "ok"
      }
      await sleep(outage.ms)
      if (!(await healthy())) unhealthySeen++
      // Appended after the stop: none of it may have reached the other phone.
      for (const [i, client] of clients.entries()) {
        const late = client.appended.slice(stoppedAt[i])
        for (const peer of peersOf(client)) {
          const keys = peer.keys()
          relayedWhileDown += late.filter((id) => keys.has(id)).length
        }
      }
      await postgres.startServer()
      downtimes.push(`${outage.mode} ${((Date.now() - started) / 1000).toFixed(1)} s`)
      const stored = await readPostgres(url)
      for (const { client, ids } of relayed) {
        const keys = stored.get(client.logId) ?? new Set()
        relayedChecked += ids.length
        relayedMissing += ids.filter((id) => !keys.has(id)).length
      }
      await until("the relay to report the store healthy again", healthy, 15_000)
    }

    writing = false
    await Promise.all(writers)
    const expected = appendedByLog(clients)
    const complete = () =>
      clients.every((client) => {
        const keys = client.keys()
        return [...(expected.get(client.logId) ?? [])].every((id) => keys.has(id))
      })
    await until("every phone to hold its log's events", complete, 60_000).catch(() => {})
    await current.flush()
    const stored = await readPostgres(url)
    let lost = 0
    let extra = 0
    for (const client of clients) {
      const keys = client.keys()
      for (const id of expected.get(client.logId) ?? []) if (!keys.has(id)) lost++
    }
    for (const [logId, ids] of expected) {
      const keys = stored.get(logId) ?? new Set()
      for (const id of ids) if (!keys.has(id)) lost++
      for (const key of keys) if (!ids.has(key)) extra++
    }
    row.eventsLost = lost
    row.failures = relayedMissing + relayedWhileDown + extra + (knobs.outages.length - unhealthySeen)
    expect({ lost, extra, relayedMissing, relayedWhileDown, unhealthySeen }).toEqual({
      lost: 0,
      extra: 0,
      relayedMissing: 0,
      relayedWhileDown: 0,
      unhealthySeen: knobs.outages.length
    })
  }, 180_000)
})
