/**
 * Scenario 2, hostile frames: a client with a valid token sends random bytes, truncated and
 * bit-flipped sync messages, oversize frames, huge length prefixes and a flood of awareness
 * messages (fast-check, seeded). The relay must stay up with bounded memory, close the attacking
 * connection with a named close code, and keep two honest phones on the same log syncing.
 *
 * A failure is any hostile connection closed with a code that is not named, and any connection
 * that sent what can never be a valid message (a huge length prefix, an oversize frame, a text
 * frame, a flood) and was not closed; both tests require none.
 */
import fc from "fast-check"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { CloseCode } from "@relactation/core"
import { DATABASE_FILE, mintToken } from "@relactation/server"
import { awarenessFrame, encodeUpdate, frame, prng, runs, sleep, until } from "@relactation/testkit"
import { size } from "./size.js"
import { type DocClient, docClient, eventMaker, rawClient, readStore } from "./support/clients.js"
import { Y } from "./support/deps.js"
import { type RelayProcess, startRelayProcess } from "./support/relayProcess.js"
import { scenario } from "./support/scenario.js"

const SECRET = "reliability-frames-secret-pT3zIMlv6hBRBROON3-JmfDX1rV_RTv3ElfyiRJ8Ouo"
const LOG = "frames-log-0001"
const MAX_MESSAGE = 256 * 1024
const knobs = size.hostileFrames
const { seed, row, onEnd, tempDir } = scenario("hostileFrames")
const dir = tempDir("rel-frames-")
const token = mintToken(SECRET, LOG)
// ws's own codes count as named too: 1009 (message too big) and 1002 (protocol error).
const named = new Set<number>([...Object.values(CloseCode), 1009, 1002])

let relay: RelayProcess
const honest: Array<DocClient> = []
const rssSamples: Array<number> = []
const outcomes = new Map<string, { sent: number; closedNamed: number; accepted: number; unnamed: number }>()

/**
 * Counts one hostile connection. An unnamed close code is a failure; so is staying open after
 * `mustClose` bytes (what can never be a valid message).
 */
const tally = (attack: string, code: number | undefined, mustClose: boolean) => {
  const result = code === undefined ? "accepted" : named.has(code) ? "closedNamed" : "unnamed"
  const counts = outcomes.get(attack) ?? { sent: 0, closedNamed: 0, accepted: 0, unnamed: 0 }
  counts.sent++
  counts[result]++
  outcomes.set(attack, counts)
  row.attempts++
  if (result === "unnamed" || (mustClose && result === "accepted")) row.failures++
}

/** Sends frames on a fresh authenticated connection; the close code, or undefined if still open. */
const attack = async (
  name: string,
  frames: ReadonlyArray<Uint8Array | string>,
  options: { waitMs?: number; mustClose?: boolean } = {}
): Promise<number | undefined> => {
  const client = rawClient(`${relay.url}/${LOG}?token=${token}`)
  await client.opened
  for (const data of frames) client.send(data)
  const code = await Promise.race([
    client.closed.then((closed) => closed.code),
    sleep(options.waitMs ?? 150).then(() => undefined)
  ])
  client.terminate()
  tally(name, code, options.mustClose ?? false)
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
  return encodeUpdate(update)
}

// End steps run latest first: this one, registered before the others, fills the notes in last.
onEnd(() => {
  const summary = [...outcomes].map(
    ([name, counts]) =>
      `${name} ${counts.sent} (closed ${counts.closedNamed}, accepted ${counts.accepted}, unnamed ${counts.unnamed})`
  )
  row.notes.unshift(
    `${summary.join(", ")}; relay RSS max ${Math.round(Math.max(0, ...rssSamples) / 2 ** 20)} MiB`
  )
})
onEnd(async () => {
  for (const client of honest) client.destroy()
  await relay?.kill()
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
      const random = prng(seed, `honest-${index}`)
      const make = eventMaker(random, `parent-${index}`)
      while (writing) {
        client.append(make())
        await sleep(50)
      }
    })
    const params = { seed, numRuns: runs(knobs.runs), endOnFailure: true }

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
          const head = type === 0 ? frame(type, 2, length) : frame(type, length)
          const code = await attack("huge length prefix", [new Uint8Array([...head, ...tail])], {
            mustClose: true
          })
          return code !== undefined && named.has(code)
        }
      ),
      params
    )
    // Oversize frames: ws refuses them above maxPayload with 1009 (message too big), no other code.
    const oversizeCodes: Array<number | undefined> = []
    for (let i = 0; i < 5; i++) {
      const bytes = new Uint8Array(MAX_MESSAGE + 1 + i * 100_000)
      const code = await attack("oversize frame", [bytes], { waitMs: 2_000, mustClose: true })
      oversizeCodes.push(code)
      if (code !== undefined && code !== 1009) row.failures++
    }
    // Text frames are not part of the protocol, whatever they hold.
    for (const text of ["hello", "\u0000\u0001", JSON.stringify({ type: "latch", v: 1 })])
      await attack("text frame", [text], { waitMs: 1_000, mustClose: true })

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
    row.eventsLost = missing.size
    clearInterval(sampler)
    const unnamed = [...outcomes.values()].reduce((sum, counts) => sum + counts.unnamed, 0)
    if (missing.size > 0) row.failures++
    const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`).then((response) => response.status)
    console.log(
      `[hostileFrames] ${JSON.stringify(Object.fromEntries(outcomes))}; honest events ${want.size}, missing ${missing.size}; healthz ${health}`
    )
    expect(unnamed).toBe(0)
    expect(oversizeCodes, "oversize frames closed with 1009").toEqual(oversizeCodes.map(() => 1009))
    expect(outcomes.get("text frame"), "text frames closed with a named code").toMatchObject({
      accepted: 0,
      unnamed: 0
    })
    expect(outcomes.get("huge length prefix")).toMatchObject({ accepted: 0, unnamed: 0 })
    expect(row.failures, "hostile connections left open or closed with an unnamed code").toBe(0)
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
    const random = prng(seed, "flood")
    const state = { user: { name: "x".repeat(1_000) } }
    let sent = 0
    let closedCode: number | undefined
    void flooder.closed.then((closed) => {
      closedCode = closed.code
    })
    for (let i = 0; i < knobs.awarenessFlood && closedCode === undefined; i++) {
      const madeUp = Array.from({ length: 20 }, () => ({
        clientId: 1 + Math.floor(random() * 2 ** 31),
        clock: 1,
        state
      }))
      flooder.send(awarenessFrame(madeUp))
      sent++
      // Let the socket drain now and then, as a real flooder's kernel would.
      if (i % 50 === 49) await sleep(5)
    }
    tally("awareness flood", closedCode, true)
    // Honest phones still sync during and after the flood.
    const make = eventMaker(prng(seed, "after-flood"), "parent-after-flood")
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
    row.notes.push(
      `awareness flood: ${sent} messages x 20 fake clients, flooder ${closedCode === undefined ? "never closed" : `closed ${closedCode}`}, relay RSS ${Math.round(baseline / 2 ** 20)} -> peak ${Math.round(peak / 2 ** 20)} MiB, honest event delivered after: ${delivered}`
    )
    if (!delivered) row.eventsLost++
    if (peak > knobs.maxRssMiB * 2 ** 20) row.failures++
    console.log(`[hostileFrames] ${row.notes.at(-1)}`)
    expect(delivered).toBe(true)
    expect(peak).toBeLessThan(knobs.maxRssMiB * 2 ** 20)
    expect(closedCode, "the flooding connection is closed").toBeDefined()
    expect(named.has(closedCode ?? 0), `close code ${closedCode} is named`).toBe(true)
    expect(row.failures, "hostile connections left open or closed with an unnamed code").toBe(0)
  })
})
