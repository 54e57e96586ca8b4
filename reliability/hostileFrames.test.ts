/**
 * Scenario 2, hostile frames: a client with a valid token sends random bytes, truncated and
 * bit-flipped sync messages, oversize frames, huge length prefixes and a flood of awareness
 * messages (fast-check, seeded). The relay must stay up with bounded memory, close the attacking
 * connection with a named close code, and keep two honest phones on the same log syncing.
 */
import fc from "fast-check"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { CloseCode } from "@relactation/core"
import { DATABASE_FILE, mintToken } from "@relactation/server"
import { size } from "./size.js"
import {
  type DocClient,
  docClient,
  eventMaker,
  rawClient,
  readStore,
  updateMessage
} from "./support/clients.js"
import { encoding, Y } from "./support/deps.js"
import { fcSeedFor, prng } from "./support/random.js"
import { type RelayProcess, startRelayProcess } from "./support/relayProcess.js"
import { record } from "./support/results.js"
import { sleep, until } from "./support/until.js"

const SECRET = "reliability-frames-secret-pT3zIMlv6hBRBROON3-JmfDX1rV_RTv3ElfyiRJ8Ouo"
const LOG = "frames-log-0001"
const MAX_MESSAGE = 256 * 1024
const knobs = size.hostileFrames
const seed = fcSeedFor("hostileFrames")
const started = Date.now()
const dir = mkdtempSync(join(tmpdir(), "rel-frames-"))
const token = mintToken(SECRET, LOG)
// ws's own codes count as named too: 1009 (message too big) and 1002 (protocol error).
const named = new Set<number>([...Object.values(CloseCode), 1009, 1002])

let relay: RelayProcess
const honest: Array<DocClient> = []
const rssSamples: Array<number> = []
const outcomes = new Map<string, { sent: number; closedNamed: number; accepted: number; unnamed: number }>()
let eventsLost = 0
let failures = 0
const notes: Array<string> = []

const tally = (attack: string, result: "closedNamed" | "accepted" | "unnamed") => {
  const row = outcomes.get(attack) ?? { sent: 0, closedNamed: 0, accepted: 0, unnamed: 0 }
  row.sent++
  row[result]++
  outcomes.set(attack, row)
}

/** Sends frames on a fresh authenticated connection; how the relay reacted. */
const attack = async (
  name: string,
  frames: ReadonlyArray<Uint8Array>,
  waitMs = 150
): Promise<number | undefined> => {
  const client = rawClient(`${relay.url}/${LOG}?token=${token}`)
  await client.opened
  for (const frame of frames) client.send(frame)
  const code = await Promise.race([
    client.closed.then((closed) => closed.code),
    sleep(waitMs).then(() => undefined)
  ])
  client.terminate()
  tally(name, code === undefined ? "accepted" : named.has(code) ? "closedNamed" : "unnamed")
  return code
}

const validUpdate = (random: () => number, events: number): Uint8Array => {
  const doc = new Y.Doc()
  const make = eventMaker(random, "mallory")
  const map = doc.getMap<unknown>("events")
  for (let i = 0; i < events; i++) {
    const event = make()
    map.set(event.id, event)
  }
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return updateMessage(update)
}

afterAll(async () => {
  for (const client of honest) client.destroy()
  await relay?.kill()
  rmSync(dir, { recursive: true, force: true })
  const summary = [...outcomes].map(
    ([name, row]) =>
      `${name} ${row.sent} (closed ${row.closedNamed}, accepted ${row.accepted}, unnamed ${row.unnamed})`
  )
  record({
    scenario: "hostileFrames",
    attempts: [...outcomes.values()].reduce((sum, row) => sum + row.sent, 0),
    failures,
    eventsLost,
    notes: `${summary.join(", ")}; relay RSS max ${Math.round(Math.max(0, ...rssSamples) / 2 ** 20)} MiB${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
    seed,
    durationMs: Date.now() - started
  })
})

describe("hostile frames", () => {
  it("closes hostile connections with a named code while honest phones keep syncing", async () => {
    relay = await startRelayProcess({
      dataDir: dir,
      secret: SECRET,
      limits: { maxMessageBytes: MAX_MESSAGE, connectionsPerIpPerMinute: 1_000_000 }
    })
    const sampler = setInterval(() => {
      const rss = relay.rss()
      if (rss !== undefined) rssSamples.push(rss)
    }, 250)
    for (const name of ["a", "b"]) honest.push(docClient(relay.url, LOG, token, name))
    await until("honest phones synced", () => honest.every((client) => client.synced()), 20_000)
    let writing = true
    const writers = honest.map(async (client, index) => {
      const random = prng(seed + index)
      const make = eventMaker(random, `parent-${index}`)
      while (writing) {
        client.append(make())
        await sleep(50)
      }
    })
    const params = { seed, numRuns: knobs.runs, endOnFailure: true }

    // Random bytes: anything that is not a valid message closes the connection with a named code.
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4_096 }), async (bytes) => {
        const code = await attack("random bytes", [bytes])
        return code === undefined || named.has(code)
      }),
      params
    )
    // Truncated valid sync updates.
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        async (events, cut, salt) => {
          const message = validUpdate(prng(salt), events)
          const at = Math.min(message.length - 1, Math.max(1, Math.floor(cut * message.length)))
          const code = await attack("truncated update", [message.subarray(0, at)])
          return code === undefined || named.has(code)
        }
      ),
      params
    )
    // Bit-flipped valid sync updates: either still a valid update, or a named close.
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        fc.integer(),
        async (events, position, bit, salt) => {
          const message = validUpdate(prng(salt), events).slice()
          const index = position % message.length
          message[index] = (message[index] as number) ^ (1 << bit)
          const code = await attack("bit-flipped update", [message])
          return code === undefined || named.has(code)
        }
      ),
      params
    )
    // Huge length prefixes on every message type.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 3),
        fc.integer({ min: 2 ** 20, max: 2 ** 52 }),
        fc.uint8Array({ maxLength: 64 }),
        async (type, length, tail) => {
          const encoder = encoding.createEncoder()
          encoding.writeVarUint(encoder, type)
          if (type === 0) encoding.writeVarUint(encoder, 2)
          encoding.writeVarUint(encoder, length)
          encoding.writeUint8Array(encoder, tail)
          const code = await attack("huge length prefix", [encoding.toUint8Array(encoder)])
          return code !== undefined && named.has(code)
        }
      ),
      params
    )
    // Oversize frames: ws refuses them above maxPayload with 1009.
    for (let i = 0; i < 5; i++) {
      const code = await attack("oversize frame", [new Uint8Array(MAX_MESSAGE + 1 + i * 100_000)], 2_000)
      if (code !== 1009) failures++
    }
    // Text frames are not part of the protocol.
    await attack("text frame", [new TextEncoder().encode("x")], 150).then(async () => {
      const client = rawClient(`${relay.url}/${LOG}?token=${token}`)
      await client.opened
      client.send("hello")
      const closed = await Promise.race([client.closed, sleep(1_000).then(() => undefined)])
      client.terminate()
      tally(
        "text frame",
        closed === undefined ? "accepted" : named.has(closed.code) ? "closedNamed" : "unnamed"
      )
    })

    writing = false
    await Promise.all(writers)
    const want = new Set(honest.flatMap((client) => client.appended))
    await until(
      "honest phones converge",
      () => honest.every((client) => [...want].every((id) => client.keys().has(id))),
      30_000,
      100
    ).catch(() => {})
    const missing = new Set<string>()
    for (const client of honest) for (const id of want) if (!client.keys().has(id)) missing.add(id)
    const stored = readStore(join(dir, DATABASE_FILE))
    const storedKeys = new Set(stored.get(LOG)?.keys ?? [])
    for (const id of want) if (!storedKeys.has(id)) missing.add(id)
    eventsLost = missing.size
    clearInterval(sampler)
    const unnamed = [...outcomes.values()].reduce((sum, row) => sum + row.unnamed, 0)
    failures += unnamed + (missing.size > 0 ? 1 : 0)
    const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`).then((response) => response.status)
    console.log(
      `[hostileFrames] ${JSON.stringify(Object.fromEntries(outcomes))}; honest events ${want.size}, missing ${missing.size}; healthz ${health}`
    )
    expect(unnamed).toBe(0)
    expect(missing.size).toBe(0)
    expect(health).toBe(200)
    expect(Math.max(...rssSamples)).toBeLessThan(knobs.maxRssMiB * 2 ** 20)
    expect(relay.output()).not.toContain(token.split(".")[3] as string)
  })

  it("survives a flood of awareness messages: bounded memory, honest phones unharmed, flooder closed", async () => {
    const samples: Array<number> = []
    const baseline = relay.rss() ?? 0
    const sampler = setInterval(() => {
      const rss = relay.rss()
      if (rss !== undefined) samples.push(rss)
    }, 100)
    const flooder = rawClient(`${relay.url}/${LOG}?token=${token}`)
    await flooder.opened
    const random = prng(seed)
    const state = JSON.stringify({ user: { name: "x".repeat(1_000) } })
    let sent = 0
    let closedCode: number | undefined
    void flooder.closed.then((closed) => {
      closedCode = closed.code
    })
    for (let i = 0; i < knobs.awarenessFlood && closedCode === undefined; i++) {
      const inner = encoding.createEncoder()
      const clients = 20
      encoding.writeVarUint(inner, clients)
      for (let c = 0; c < clients; c++) {
        encoding.writeVarUint(inner, 1 + Math.floor(random() * 2 ** 31))
        encoding.writeVarUint(inner, 1)
        encoding.writeVarString(inner, state)
      }
      const outer = encoding.createEncoder()
      encoding.writeVarUint(outer, 1)
      encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner))
      flooder.send(encoding.toUint8Array(outer))
      sent++
      // Let the socket drain now and then, as a real flooder's kernel would.
      if (i % 50 === 49) await sleep(5)
    }
    tally(
      "awareness flood",
      closedCode === undefined ? "accepted" : named.has(closedCode) ? "closedNamed" : "unnamed"
    )
    // Honest phones still sync during and after the flood.
    const make = eventMaker(prng(seed + 99), "parent-after-flood")
    const event = make()
    honest[0]?.append(event)
    const delivered = await until(
      "an honest event crosses after the flood",
      () => honest[1]?.keys().has(event.id) === true,
      30_000
    )
      .then(() => true)
      .catch(() => false)
    flooder.terminate()
    clearInterval(sampler)
    const peak = Math.max(baseline, ...samples)
    notes.push(
      `awareness flood: ${sent} messages x 20 fake clients, flooder ${closedCode === undefined ? "never closed" : `closed ${closedCode}`}, relay RSS ${Math.round(baseline / 2 ** 20)} -> peak ${Math.round(peak / 2 ** 20)} MiB, honest event delivered after: ${delivered}`
    )
    if (!delivered) eventsLost++
    if (closedCode === undefined || !named.has(closedCode) || peak > knobs.maxRssMiB * 2 ** 20) failures++
    console.log(`[hostileFrames] ${notes.at(-1)}`)
    expect(delivered).toBe(true)
    expect(peak).toBeLessThan(knobs.maxRssMiB * 2 ** 20)
    expect(closedCode, "the flooding connection is closed with a named code").toBeDefined()
  })
})
