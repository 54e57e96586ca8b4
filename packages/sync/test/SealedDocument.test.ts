// Sealed entries in a real Yjs document: after encoding the document's update (what the relay
// stores and relays), none of the family's event ids, names, medication names or ml values can
// be found in its bytes, while the same scan of the plaintext document finds every one. The
// entries survive Yjs's binary encoding and open on another device's document.
import { encodeEvent, type Event } from "@relactation/core"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import * as Y from "yjs"
import { openAll, seal } from "../src/internal/Envelope.js"
import type { LogKeys } from "../src/internal/LogKeys.js"
import { familyEvents, keysFor, SECRETS } from "./sealedFixtures.js"

const float64 = (n: number) => {
  const b = Buffer.alloc(8)
  b.writeDoubleBE(n)
  return b
}
const float32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeFloatBE(n)
  return b
}

/** Everything of the family's events that must not be readable, as bytes to look for. */
const needles = (events: ReadonlyArray<Event>): Array<readonly [string, Buffer]> => {
  const text = [
    ...events.map((e) => e.id),
    ...SECRETS.caregivers,
    SECRETS.child,
    ...SECRETS.medications,
    ...SECRETS.ml,
    SECRETS.reason,
    "caregiver-a",
    "child-1",
    "2027-03-28T"
  ].map((s) => [s, Buffer.from(s, "utf8")] as const)
  const binary = [
    // Yjs stores numbers in binary: the ml values as float32/float64, the ids' 16 bytes.
    ...SECRETS.ml.flatMap((s) => [
      [`float64 ${s}`, float64(Number(s))] as const,
      [`float32 ${s}`, float32(Number(s))] as const
    ]),
    ...events.map((e) => [`bytes of ${e.id}`, Buffer.from(e.id.replaceAll("-", ""), "hex")] as const)
  ]
  return [...text, ...binary]
}

const found = (bytes: Uint8Array, events: ReadonlyArray<Event>): Array<string> => {
  const haystack = Buffer.from(bytes)
  return needles(events)
    .filter(([, needle]) => haystack.includes(needle))
    .map(([what]) => what)
}

const sealedDoc = async (keys: LogKeys, events: ReadonlyArray<Event>): Promise<Y.Doc> => {
  const doc = new Y.Doc()
  const map = doc.getMap<unknown>("events")
  for (const event of events) {
    const { key, value } = await seal(keys, encodeEvent(event) as { id: string })
    doc.transact(() => map.set(key, value))
  }
  return doc
}

describe("a sealed Yjs document", () => {
  it("holds nothing readable, where the plaintext one holds it all", async () => {
    const events = familyEvents()
    const plain = new Y.Doc()
    for (const event of events) plain.transact(() => plain.getMap("events").set(event.id, encodeEvent(event)))
    const plainHits = found(Y.encodeStateAsUpdate(plain), events)
    // The control: the scan finds what a plaintext log exposes (Yjs writes 37.5 as a float32).
    expect(plainHits).toEqual(
      expect.arrayContaining([
        ...events.map((e) => e.id),
        ...SECRETS.caregivers,
        SECRETS.child,
        ...SECRETS.medications,
        ...SECRETS.ml.map((s) => `float32 ${s}`)
      ])
    )

    const doc = await sealedDoc(await keysFor(), events)
    expect(found(Y.encodeStateAsUpdate(doc), events)).toEqual([])
    expect(found(Y.encodeStateAsUpdateV2(doc), events)).toEqual([])
  })

  it("keeps nonce and ciphertext binary through Yjs, and another device opens every entry", async () => {
    const keys = await keysFor()
    const events = familyEvents()
    const doc = await sealedDoc(keys, events)
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    const entries = [...other.getMap<unknown>("events").entries()]
    expect(entries).toHaveLength(events.length)
    for (const [, value] of entries) {
      expect((value as { ct: unknown }).ct).toBeInstanceOf(Uint8Array)
      expect((value as { nonce: unknown }).nonce).toBeInstanceOf(Uint8Array)
    }
    const results = await openAll(keys, entries)
    const opened = results.map((r) => (Result.isSuccess(r) ? JSON.stringify(r.success) : r.failure.reason))
    expect(opened.sort()).toEqual(events.map((e) => JSON.stringify(encodeEvent(e))).sort())
  })

  it("sealing the same events again adds no key (appending twice stays a no-op)", async () => {
    const keys = await keysFor()
    const events = familyEvents()
    const doc = await sealedDoc(keys, events)
    const map = doc.getMap<unknown>("events")
    for (const event of events) {
      const { key } = await seal(keys, encodeEvent(event) as { id: string })
      expect(map.has(key)).toBe(true)
    }
    expect(map.size).toBe(events.length)
  })
})
