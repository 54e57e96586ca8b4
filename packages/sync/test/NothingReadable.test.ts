// Nothing readable at the relay: a scripted week of a family's sealed logging on two phones (with
// names in presence and running sessions) through a real relay with a real SQLite file, then every
// file in the relay's data folder (database, WAL, SHM) and every websocket frame the phones sent
// and received (sync and awareness) is scanned for the caregivers' and child's names, medication
// names, the decimal ml values (as text and as Yjs's binary floats) and the event ids: zero hits.
// The same scan of the same week logged in plaintext finds them, so the scan can find. A third
// device joins with the invite's key, a fresh one with the recovery words: both read everything.
import { readdir, readFile } from "node:fs/promises"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRelay } from "@relactation/server"
import { Result } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { type EventLog, generateFamilyKey, keyFromRecoveryWords, recoveryWords } from "../src/node.js"
import { phone, until } from "./helpers.js"

const LOG = "family-week-1"
const NAMES = { a: "Alexandra", b: "Samuel", child: "Mila Rose" }
const MEDS = ["domperidone", "fenugreek"]
const ML = [37.5, 42.5, 12.5]

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "relactation-sync-week-"))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A WebSocket that keeps a copy of every frame it sends and receives. */
const recording = (frames: Array<Buffer>) =>
  class Recording extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args)
      this.on("message", (data: Buffer) => frames.push(Buffer.from(data)))
    }
    override send(data: unknown, ...rest: Array<unknown>): void {
      frames.push(Buffer.from(data as Uint8Array))
      ;(super.send as (...a: Array<unknown>) => void)(data, ...rest)
    }
  }

const float = (n: number, bytes: 4 | 8) => {
  const b = Buffer.alloc(bytes)
  if (bytes === 4) b.writeFloatBE(n)
  else b.writeDoubleBE(n)
  return b
}

const needles = (ids: ReadonlyArray<string>): Array<readonly [string, Buffer]> => [
  ...[NAMES.a, NAMES.b, NAMES.child, ...MEDS, ...ML.map(String), ...ids].map(
    (s) => [s, Buffer.from(s, "utf8")] as const
  ),
  ...ML.flatMap((n) => [[`float32 ${n}`, float(n, 4)] as const, [`float64 ${n}`, float(n, 8)] as const])
]

const filesUnder = async (folder: string): Promise<Array<string>> => {
  const out: Array<string> = []
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) out.push(...(await filesUnder(path)))
    else out.push(path)
  }
  return out
}

const scan = async (haystacks: ReadonlyArray<readonly [string, Buffer]>, ids: ReadonlyArray<string>) => {
  const hits: Array<string> = []
  for (const [where, bytes] of haystacks) {
    for (const [what, needle] of needles(ids)) if (bytes.includes(needle)) hits.push(`${what} in ${where}`)
  }
  return hits
}

/** A week of a family: profiles, latches, pumps, supplements, medications, weigh-ins, a retraction. */
const week = async (a: EventLog, b: EventLog): Promise<void> => {
  await a.append({ type: "child", name: NAMES.child, birthDate: "2027-02-14", sex: "female" })
  await a.append({ type: "caregiver", name: NAMES.a })
  await b.append({ type: "caregiver", name: NAMES.b })
  const start = Date.parse("2027-03-22T06:00:00.000Z")
  for (let day = 0; day < 7; day++) {
    const at = (h: number) => new Date(start + day * 86_400_000 + h * 3_600_000).toISOString()
    for (let i = 0; i < 8; i++) {
      const latch = await (i % 2 ? a : b).append({
        type: "latch",
        at: at(i * 3),
        durationSec: 900,
        side: "left"
      })
      if (i % 3 === 0) {
        await b.append({
          type: "supplement",
          at: at(i * 3),
          ml: ML[i % 3]!,
          milk: "formula",
          via: "sns",
          latch: latch.id
        })
      }
    }
    await a.append({ type: "pump", at: at(2), durationSec: 1200, method: "electric", totalMl: 42.5 })
    await b.append({ type: "supplement", at: at(5), ml: 12.5, milk: "expressed", via: "syringe" })
    await a.append({ type: "medication", at: at(7), name: MEDS[day % 2]!, dose: 10, unit: "mg" })
    await b.append({ type: "weigh-in", at: at(9), grams: 3650 + day * 25, place: "home" })
  }
  const wrong = await a.append({ type: "supplement", ml: 37.5, milk: "donor", via: "cup" })
  await a.retract(wrong.id, "wrong amount")
  // Presence: names and a running session, renewed.
  a.startSession({ kind: "pump", method: "electric" })
  b.startSession({ kind: "latch", side: "right" })
  await until("A sees B's session", () => a.peers.some((p) => !p.self && p.session?.kind === "latch"))
  await until("B sees A's session", () => b.peers.some((p) => !p.self && p.name === NAMES.a))
}

const runWeek = async (key: string | undefined) => {
  const frames: Array<Buffer> = []
  const dataDir = join(dir, key === undefined ? "plain" : "sealed")
  const relay = await createRelay({
    port: 0,
    dataDir,
    secret: "8di7rTkUZoMx5KZTfEwUcOBmg4KeRD__ziftrvkUYS4",
    log: () => {}
  })
  const WS = recording(frames)
  const extra = { WebSocketPolyfill: WS, ...(key === undefined ? {} : { key }) }
  const a = await phone(relay, LOG, "caregiver-a", 11, { ...extra, presence: { name: NAMES.a } })
  const b = await phone(relay, LOG, "caregiver-b", 12, { ...extra, presence: { name: NAMES.b } })
  let ids: Array<string> = []
  let joined: { invite: EventLog; recovered: EventLog } | undefined
  try {
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await week(a, b)
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await until(
      "both phones hold the week",
      () => a.events.length === b.events.length && a.events.length > 100
    )
    ids = a.events.map((e) => e.id)
    if (key !== undefined) {
      // A third phone joins with the key from the invite link; a fresh phone with the recovery words.
      const words = Result.getOrThrow(recoveryWords(key)).join(" ")
      const invite = await phone(relay, LOG, "caregiver-c", 13, { ...extra, key })
      const recovered = await phone(relay, LOG, "caregiver-a", 14, {
        ...extra,
        key: Result.getOrThrow(keyFromRecoveryWords(words))
      })
      joined = { invite, recovered }
      await Promise.all([invite.whenSynced(), recovered.whenSynced()])
      for (const device of [invite, recovered]) {
        expect(device.events).toEqual(a.events)
        expect(device.dailyTotals).toEqual(a.dailyTotals)
        expect(device.problems).toEqual([])
      }
    }
    expect(a.dailyTotals).toEqual(b.dailyTotals)
  } finally {
    await joined?.invite.close()
    await joined?.recovered.close()
    await a.close()
    await b.close()
  }
  // While the relay still has the log open (WAL not yet checkpointed), and after it closed.
  const files = async () =>
    Promise.all(
      (await filesUnder(dataDir)).map(async (f) => [f.slice(dataDir.length), await readFile(f)] as const)
    )
  const open = await files()
  await relay.close()
  const closed = await files()
  const stored = [...open, ...closed]
  return {
    hits: await scan([...stored, ...frames.map((f, i) => [`frame ${i}`, f] as const)], ids),
    files: stored.map(([f]) => f),
    frames: frames.length,
    events: ids.length
  }
}

describe("nothing readable at the relay", () => {
  it("after a sealed week: zero hits in the relay's files and every frame; the same plaintext week: hits", async () => {
    const sealed = await runWeek(generateFamilyKey())
    expect(sealed.events).toBeGreaterThan(100)
    expect(sealed.files.some((f) => f.endsWith(".sqlite"))).toBe(true)
    expect(sealed.frames).toBeGreaterThan(50)
    expect(sealed.hits).toEqual([])

    const plain = await runWeek(undefined)
    for (const what of [NAMES.a, NAMES.b, NAMES.child, MEDS[0]!, "float32 37.5"]) {
      expect(plain.hits.some((h) => h.startsWith(`${what} in `))).toBe(true)
    }
    expect(plain.hits.some((h) => h.includes("relay.sqlite") || h.includes("-wal"))).toBe(true)
    expect(plain.hits.some((h) => h.includes("frame"))).toBe(true)
  }, 180_000)
})
