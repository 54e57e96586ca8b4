// openLog({ key }): a sealed log end to end. Appends write blinded keys and sealed envelopes,
// reads open them, duplicates stay no-ops, a bad or wrong key is refused before anything is
// written, tampered entries are problems (kept, never counted), the checkpoint keeps the opened
// entries sealed at rest, and presence crosses the relay sealed.
import { readFile, writeFile } from "node:fs/promises"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { encodeEvent } from "@relactation/core"
import { describe, expect, it, vi } from "vitest"
import WebSocket from "ws"
import { WebsocketProvider } from "y-websocket"
import * as Y from "yjs"
import {
  type EventLog,
  generateFamilyKey,
  type OpenLogOptions,
  openLog,
  type PersistenceAdapter,
  UnreadableEntry
} from "../src/node.js"
import { openLogWith } from "../src/EventLog.js"
import * as Epochs from "../src/internal/Epochs.js"
import { phone, until } from "./helpers.js"
import { relayFolder } from "./relayFolder.js"
import { familyKey } from "./sealedFixtures.js"

const LOG = "family-sealed-1"
const temp = relayFolder("relactation-sync-sealed-")

/** A memory adapter that hands the test the log's Yjs document. */
const capture = () => {
  const docs: Array<Y.Doc> = []
  const adapter: PersistenceAdapter = {
    kind: "capture",
    open: async (_logId, doc) => {
      docs.push(doc)
      return { origin: undefined, flush: async () => {}, close: async () => {} }
    }
  }
  return { docs, persistence: { kind: "custom", adapter } as const }
}

const base = (extra: Partial<OpenLogOptions> = {}): OpenLogOptions => ({
  logId: LOG,
  caregiver: "parent-a",
  child: "baby-1",
  projections: { timeZone: "Europe/Berlin" },
  persistence: { kind: "memory" },
  ...extra
})

describe("openLog({ key })", () => {
  it("appends under blinded keys as sealed envelopes, reads them back, duplicates are no-ops", async () => {
    const key = generateFamilyKey()
    const { docs, persistence } = capture()
    await using log = await openLog(base({ key, persistence }))
    expect(log.sealed).toBe(true)
    const latch = await log.append({ type: "latch", durationSec: 900, side: "left" })
    await log.append({ type: "supplement", ml: 37.5, milk: "formula", via: "sns", latch: latch.id })
    expect(log.events.map((e) => e.type).sort()).toEqual(["latch", "supplement"])
    expect(await log.append(latch)).toEqual(latch) // the same event again: nothing new
    const map = docs[0]!.getMap<Record<string, unknown>>("events")
    expect(map.size).toBe(2)
    for (const [k, value] of map.entries()) {
      expect(k).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(k).not.toBe(latch.id)
      expect(value.type).toBe("sealed")
      expect(value.ct).toBeInstanceOf(Uint8Array)
      expect(JSON.stringify(value)).not.toContain("latch")
    }
    expect(log.dailyTotals.days.at(-1)?.supplementMl).toBe(37.5)
    // The export is the opened events in their wire format, not the envelopes.
    expect(JSON.parse(log.exportJson())).toEqual(
      [...log.events].sort((x, y) => (x.id < y.id ? -1 : 1)).map((e) => encodeEvent(e))
    )
    const other = { ...latch, durationSec: 901 }
    await expect(log.append(other)).rejects.toMatchObject({ _tag: "InvalidEvent" })
    expect(map.size).toBe(2)
  })

  it("a malformed key is InvalidLogOptions naming key, and nothing is written", async () => {
    const path = join(temp.path(), "log.ylog")
    for (const bad of ["", "short", `${generateFamilyKey()}=`, 42 as unknown as string]) {
      await expect(openLog(base({ key: bad, persistence: { kind: "file", path } }))).rejects.toMatchObject({
        _tag: "InvalidLogOptions",
        option: "key",
        code: "family-key-format"
      })
    }
    expect(existsSync(path)).toBe(false)
  })

  it("a well-formed key of another family is refused on a device that holds the log, the file unchanged", async () => {
    const path = join(temp.path(), "log.ylog")
    const key = generateFamilyKey()
    {
      await using log = await openLog(base({ key, persistence: { kind: "file", path }, checkpoint: false }))
      await log.append({ type: "weigh-in", grams: 3650 })
    }
    const before = await readFile(path)
    await expect(
      openLog(base({ key: generateFamilyKey(), persistence: { kind: "file", path }, checkpoint: false }))
    ).rejects.toMatchObject({ _tag: "InvalidLogOptions", option: "key", code: "family-key-wrong" })
    expect(await readFile(path)).toEqual(before)
    await using again = await openLog(base({ key, persistence: { kind: "file", path }, checkpoint: false }))
    expect(again.events).toHaveLength(1)
  })

  it("tampered, moved, replayed, unknown-epoch, too short and plain entries are problems, kept and never counted", async () => {
    const key = generateFamilyKey()
    const a = capture()
    await using log = await openLog(base({ key, persistence: a.persistence }))
    const weigh = await log.append({ type: "weigh-in", grams: 3650 })
    const sup = await log.append({ type: "supplement", ml: 30, milk: "formula", via: "bottle" })
    // Another log of the same family, for a replayed entry.
    const b = capture()
    await using otherLog = await openLog(base({ logId: "family-sealed-2", key, persistence: b.persistence }))
    await otherLog.append({ type: "supplement", ml: 90, milk: "formula", via: "bottle" })
    const [foreignKey, foreignValue] = [...b.docs[0]!.getMap<unknown>("events").entries()][0]!

    const map = a.docs[0]!.getMap<Record<string, unknown>>("events")
    const [weighKey, weighValue] = [...map.entries()].find(([, v]) => v !== undefined)!
    const flipped = Uint8Array.from(weighValue.ct as Uint8Array)
    flipped[5]! ^= 1
    const bad: Record<string, unknown> = {
      AAAAAAAAAAAAAAAAAAAAAA: { ...weighValue, ct: flipped }, // a changed bit
      BBBBBBBBBBBBBBBBBBBBBB: weighValue, // moved to another key
      [foreignKey]: foreignValue, // replayed from another log
      CCCCCCCCCCCCCCCCCCCCCC: { ...weighValue, epoch: 7 }, // an epoch nobody has
      DDDDDDDDDDDDDDDDDDDDDD: { ...weighValue, ct: (weighValue.ct as Uint8Array).slice(0, 40) },
      EEEEEEEEEEEEEEEEEEEEEE: { id: "01900000-0000-7000-8000-000000000001", type: "weigh-in", v: 1 }
    }
    const remote = new Y.Doc()
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(a.docs[0]!))
    remote.transact(() => {
      for (const [k, v] of Object.entries(bad)) remote.getMap("events").set(k, v)
    })
    Y.applyUpdate(a.docs[0]!, Y.encodeStateAsUpdate(remote), "relay")
    await until("problems reported", () => log.problems.length === 6)
    const reasons = Object.fromEntries(
      log.problems.map((p) => [(p as UnreadableEntry).key, (p as UnreadableEntry).reason])
    )
    expect(reasons).toEqual({
      AAAAAAAAAAAAAAAAAAAAAA: "not-authentic",
      BBBBBBBBBBBBBBBBBBBBBB: "not-authentic",
      [foreignKey]: "not-authentic",
      CCCCCCCCCCCCCCCCCCCCCC: "unknown-epoch",
      DDDDDDDDDDDDDDDDDDDDDD: "too-short",
      EEEEEEEEEEEEEEEEEEEEEE: "not-sealed"
    })
    for (const p of log.problems) {
      expect(p).toBeInstanceOf(UnreadableEntry)
      expect((p as UnreadableEntry).message).not.toContain("3650")
    }
    expect(log.events.map((e) => e.id).sort()).toEqual([weigh.id, sup.id].sort())
    expect(log.dailyTotals.skipped).toEqual({ unknown: 0, invalid: 0 })
    expect(log.weightTrend.points).toHaveLength(1)
    expect(map.size).toBe(8) // kept untouched
    expect(map.get("AAAAAAAAAAAAAAAAAAAAAA")).toEqual(bad.AAAAAAAAAAAAAAAAAAAAAA)
    void weighKey
    // The rest of the log keeps working.
    await log.append({ type: "weigh-in", grams: 3700 })
    expect(log.weightTrend.points).toHaveLength(2)
  })

  it("an old plaintext-only reader keeps sealed entries untouched as UnknownEntry", async () => {
    const key = generateFamilyKey()
    const a = capture()
    await using sealed = await openLog(base({ key, persistence: a.persistence }))
    await sealed.append({ type: "weigh-in", grams: 3650 })
    const b = capture()
    await using plain = await openLog(base({ persistence: b.persistence }))
    Y.applyUpdate(b.docs[0]!, Y.encodeStateAsUpdate(a.docs[0]!), "relay")
    await until("the sealed entry arrives", () => plain.problems.length === 1)
    expect(plain.events).toEqual([])
    expect(plain.problems[0]).toMatchObject({ _tag: "UnknownEntry", type: "sealed", id: undefined })
    await plain.append({ type: "weigh-in", grams: 3000 })
    const stored = [...b.docs[0]!.getMap("events").values()].find(
      (v) => (v as { type: string }).type === "sealed"
    )
    expect(stored).toEqual([...a.docs[0]!.getMap("events").values()][0])
    // Back on the sealed side, the plaintext one is a problem and the sealed one still opens.
    Y.applyUpdate(a.docs[0]!, Y.encodeStateAsUpdate(b.docs[0]!), "relay")
    await until("the plain entry arrives", () => sealed.problems.length === 1)
    expect(sealed.problems[0]).toMatchObject({ _tag: "UnreadableEntry", reason: "not-sealed" })
    expect(sealed.events.map((e) => e.type)).toEqual(["weigh-in"])
  })

  it("a sealed cold open takes the opened entries from the checkpoint, which is sealed at rest", async () => {
    const path = join(temp.path(), "log.ylog")
    const key = generateFamilyKey()
    const opts = base({ key, persistence: { kind: "file", path } })
    const appended = []
    {
      await using log = await openLog(opts)
      for (let i = 0; i < 40; i++) {
        appended.push(await log.append({ type: "medication", name: "domperidone", dose: 10, unit: "mg" }))
      }
    }
    const checkpoint = await readFile(`${path}.checkpoint`)
    expect(checkpoint.includes(Buffer.from("domperidone"))).toBe(false)
    expect(checkpoint.includes(Buffer.from(appended[0]!.id))).toBe(false)
    const decrypt = vi.spyOn(globalThis.crypto.subtle, "decrypt")
    try {
      await using log = await openLog(opts)
      expect(log.events).toHaveLength(40)
      expect(decrypt.mock.calls.length).toBe(2) // the checkpoint (head, then entries), not the 40 entries
    } finally {
      decrypt.mockRestore()
    }
    // A damaged checkpoint is ignored: every entry is opened, nothing is lost.
    checkpoint[checkpoint.length - 3]! ^= 1
    await writeFile(`${path}.checkpoint`, checkpoint)
    await using log = await openLog({ ...opts, checkpoint: false })
    expect(log.events.map((e) => e.id).sort()).toEqual(appended.map((e) => e.id).sort())
  })
})

describe("key epochs (the hook the device-removal work uses)", () => {
  it("a new epoch seals new entries; a device without it reports unknown-epoch until it gets it", async () => {
    const key = generateFamilyKey()
    const later = { epoch: 1, key: familyKey() }
    let epochsA: Epochs.Epochs | undefined
    let epochsB: Epochs.Epochs | undefined
    const a = capture()
    const b = capture()
    await using logA = await openLogWith(base({ key, persistence: a.persistence }), undefined, {
      epochs: (e) => {
        epochsA = e
      }
    })
    await using logB = await openLogWith(base({ key, persistence: b.persistence }), undefined, {
      epochs: (e) => {
        epochsB = e
      }
    })
    expect(Epochs.currentEpoch(epochsA!)).toBe(0)
    expect(await epochsA!.add([later])).toBe(1)
    const weigh = await logA.append({ type: "weigh-in", grams: 3650 })
    const [, value] = [...a.docs[0]!.getMap<{ epoch: number }>("events").entries()][0]!
    expect(value.epoch).toBe(1)
    Y.applyUpdate(b.docs[0]!, Y.encodeStateAsUpdate(a.docs[0]!), "relay")
    await until("B reports it", () => logB.problems.length === 1)
    expect(logB.problems[0]).toMatchObject({ reason: "unknown-epoch", epoch: 1 })
    await epochsB!.add([later])
    await until("B opens it", () => logB.events.length === 1)
    expect(logB.events[0]).toEqual(weigh)
    expect(logB.problems).toEqual([])
  })
})

describe("a sealed log through a real relay", () => {
  const ids = (log: EventLog) => log.events.map((e) => e.id).sort()

  it("two phones converge online and after both were offline; presence is sealed on the wire", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    await using a = await phone(relay, LOG, "parent-a", 1, { key, presence: { name: "Alexandra" } })
    await using b = await phone(relay, LOG, "parent-b", 2, { key, presence: { name: "Samuel" } })
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await a.append({ type: "latch", durationSec: 900, side: "left" })
    await until("B sees A's latch", () => b.events.length === 1)
    await until("A sees Samuel", () => a.peers.some((p) => !p.self && p.name === "Samuel"))
    a.startSession({ kind: "pump", method: "electric" })
    await until("B sees A's session", () => b.peers.some((p) => !p.self && p.session?.kind === "pump"))

    // What the relay relays: a raw client (no key) sees only sealed states.
    const doc = new Y.Doc()
    const raw = new WebsocketProvider(relay.url, LOG, doc, {
      params: { token: relay.token(LOG) },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true
    })
    try {
      await until(
        "raw client synced, seeing both states",
        () => raw.synced && doc.getMap("events").size === 1 && raw.awareness.getStates().size >= 3
      )
      for (const [id, state] of raw.awareness.getStates()) {
        if (id === raw.awareness.clientID) continue
        expect(state).toMatchObject({ type: "sealed", v: 1 })
        const text = JSON.stringify(state)
        for (const secret of ["Alexandra", "Samuel", "parent-a", "pump", "electric"])
          expect(text).not.toContain(secret)
      }
      expect(doc.getMap("events").size).toBe(1)
    } finally {
      raw.destroy()
      doc.destroy()
    }

    a.disconnect()
    b.disconnect()
    await a.append({ type: "pump", durationSec: 600, method: "electric", totalMl: 42.5 })
    await b.append({ type: "supplement", ml: 37.5, milk: "formula", via: "sns" })
    await b.append({ type: "weigh-in", grams: 3650 })
    a.connect()
    b.connect()
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await until("both hold all four", () => a.events.length === 4 && b.events.length === 4)
    expect(ids(a)).toEqual(ids(b))
    expect(a.dailyTotals).toEqual(b.dailyTotals)
    expect(a.problems).toEqual([])
  })
})
