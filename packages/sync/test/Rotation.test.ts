// A new key epoch when a device is removed, on a real relay and its SQLite file, with real Yjs
// documents and WebCrypto on every device: the removed device cannot open what is written after
// (even given the document directly), the others move on (also one that was offline during the
// rotation, two that rotated at once, one that joined or was restored after it), and tampered
// wraps are problems, never a crash.
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Result } from "effect"
import { describe, expect, it, vi } from "vitest"
import WebSocket from "ws"
import * as Y from "yjs"
import {
  type DeviceCredential,
  type EventLog,
  generateFamilyKey,
  joinLog,
  keyFromRecoveryWords,
  type OpenLogOptions,
  recoveryWords,
  UnreadableEntry
} from "../src/index.js"
import { openLogWith } from "../src/EventLog.js"
import * as FilePersistence from "../src/FilePersistence.js"
import * as EntryCodec from "../src/internal/EntryCodec.js"
import * as Epochs from "../src/internal/Epochs.js"
import { seal } from "../src/internal/Envelope.js"
import * as DeviceKeys from "../src/internal/DeviceKeys.js"
import { EPOCHS_MAP, freshSecret, generationOf, parseWrapKey } from "../src/internal/EpochWraps.js"
import { familyKey } from "./sealedFixtures.js"
import { prng, runs, seedFor, until } from "./helpers.js"
import { relayFolder } from "./relayFolder.js"

const LOG = "family-rotation-1"
const temp = relayFolder("relactation-sync-rotation-")

/** A phone on its own credential, with its document and key epochs at hand for the test. */
interface Phone {
  readonly log: EventLog
  readonly doc: Y.Doc
  readonly epochs: Epochs.Epochs
  readonly id: string
  [Symbol.asyncDispose](): Promise<void>
}

const open = async (
  relay: { url: string },
  credential: DeviceCredential | { token: string; credentialId: string },
  key: string,
  caregiver: string,
  seed: number,
  extra: Partial<OpenLogOptions> = {}
): Promise<Phone> => {
  let doc: Y.Doc | undefined
  let epochs: Epochs.Epochs | undefined
  const log = await openLogWith(
    {
      logId: LOG,
      caregiver,
      child: "baby-1",
      url: relay.url,
      token: credential.token,
      key,
      WebSocketPolyfill: WebSocket,
      persistence: { kind: "memory" },
      projections: { timeZone: "Europe/Berlin" },
      random: prng(seed, caregiver),
      maxReconnectDelayMs: 300,
      presence: { name: `${caregiver}'s phone` },
      ...extra
    },
    FilePersistence.adapter,
    {
      epochs: (e, d) => {
        epochs = e
        doc = d
      }
    }
  )
  return {
    log,
    doc: doc!,
    epochs: epochs!,
    id: credential.credentialId as string,
    [Symbol.asyncDispose]: () => log.close()
  }
}

/** The envelope epoch of the entry `id` has in `phone`'s document (found by opening order). */
const epochOfNewest = (phone: Phone): number =>
  Math.max(...[...phone.doc.getMap<{ epoch: number }>("events").values()].map((v) => v.epoch))

const recordsOn = (phone: Phone) => phone.doc.getMap("deviceKeys")

const ids = (log: EventLog) => log.events.map((e) => e.id).sort()

describe("a new key epoch when a device is removed", () => {
  it("A removes C: A and B seal with a new epoch; C, given the document directly, cannot open it", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    await using a = await open(relay, await relay.credential(LOG), key, "parent-a", 1)
    await using b = await open(relay, await relay.credential(LOG), key, "parent-b", 2)
    await using c = await open(relay, await relay.credential(LOG), key, "parent-c", 3)
    await Promise.all([a.log.whenSynced(), b.log.whenSynced(), c.log.whenSynced()])
    const before = await a.log.append({ type: "weigh-in", grams: 3650 })
    await until("every device published its key and has the entry", () =>
      [a, b, c].every((p) => recordsOn(p).size === 3 && p.log.events.length === 1)
    )
    const cRecord = recordsOn(a).get(c.id)

    await a.log.removeDevice(c.id)
    await until("C shows removed", () => c.log.status === "removed")
    expect(a.epochs.epoch).toBeGreaterThan(0)
    expect(generationOf(a.epochs.epoch)).toBe(1)
    await until("B moved to A's epoch", () => b.epochs.epoch === a.epochs.epoch)
    // Nothing for C: its record is gone and no wrap names it.
    const wrapped = [...a.doc.getMap(EPOCHS_MAP).keys()].map((k) => parseWrapKey(k)?.credentialId).sort()
    expect(wrapped).toEqual([a.id, b.id].sort())
    expect(recordsOn(a).has(c.id)).toBe(false)

    const after = await a.log.append({ type: "supplement", ml: 37.5, milk: "formula", via: "sns" })
    expect(epochOfNewest(a)).toBe(a.epochs.epoch)
    await until("B reads A's new entry", () => b.log.events.some((e) => e.id === after.id))
    const fromB = await b.log.append({ type: "latch", durationSec: 600, side: "left" })
    await until("A reads B's new entry", () => a.log.events.some((e) => e.id === fromB.id))

    // C still holds its document and keys; the relay refuses it, so it gets the updates directly.
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(a.doc), "relay")
    await until(
      "C reports both new entries",
      () =>
        c.log.problems.filter((p) => p instanceof UnreadableEntry && p.reason === "unknown-epoch").length ===
        2
    )
    expect(c.log.events.map((e) => e.id)).toEqual([before.id])
    expect(c.epochs.known).toEqual([0])
    expect(c.log.problems.every((p) => (p as UnreadableEntry).epoch === a.epochs.epoch)).toBe(true)
    expect(ids(b.log)).toEqual(ids(a.log))

    // C puts its record back (a relay in league with it could deliver that): the relay lists C as
    // removed, so B (which did not remove it) wraps no later epoch for it, neither as a grant nor
    // at the next removal.
    c.doc.getMap("deviceKeys").set(c.id, cRecord)
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(c.doc), "relay")
    expect(recordsOn(b).has(c.id)).toBe(true)
    await b.log.removeDevice(a.id)
    expect(generationOf(b.epochs.epoch)).toBe(2)
    const readers = [...b.doc.getMap(EPOCHS_MAP).keys()]
      .map((k) => parseWrapKey(k))
      .filter((k) => k?.credentialId === c.id)
    expect(readers).toEqual([])
  })

  it("B is offline during the rotation: online again, it unwraps the new epoch and reads what A wrote", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    await using a = await open(relay, await relay.credential(LOG), key, "parent-a", 4)
    await using b = await open(relay, await relay.credential(LOG), key, "parent-b", 5)
    await using c = await open(relay, await relay.credential(LOG), key, "parent-c", 6)
    await Promise.all([a.log.whenSynced(), b.log.whenSynced(), c.log.whenSynced()])
    await until("keys published", () => [a, b, c].every((p) => recordsOn(p).size === 3))
    b.log.disconnect()
    await a.log.removeDevice(c.id)
    const after = await a.log.append({ type: "medication", name: "domperidone", dose: 10, unit: "mg" })
    expect(b.epochs.epoch).toBe(0)
    b.log.connect()
    await b.log.whenSynced()
    await until("B reads it", () => b.log.events.some((e) => e.id === after.id))
    expect(b.epochs.epoch).toBe(a.epochs.epoch)
    expect(b.log.problems).toEqual([])
  })

  it("the device key is kept with file persistence: B reopens offline and reads the new epoch at once", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    const path = join(temp.path(), "b.ylog")
    const credB = await relay.credential(LOG)
    await using a = await open(relay, await relay.credential(LOG), key, "parent-a", 7)
    {
      await using b = await open(relay, credB, key, "parent-b", 8, { persistence: { kind: "file", path } })
      await until("keys published", () => recordsOn(a).size === 2 && recordsOn(b).size === 2)
      const c = await relay.credential(LOG)
      await a.log.removeDevice(c.credentialId)
      await a.log.append({ type: "weigh-in", grams: 3700 })
      await until("B has it", () => b.log.events.length === 1)
    }
    // The private key is on disk only sealed (its PKCS#8 header never appears in clear).
    const stored = await readFile(`${path}.device`)
    expect(stored.subarray(0, 4).toString()).toBe("RLDK")
    expect(stored.includes(Buffer.from([0x30, 0x81, 0x87, 0x02, 0x01, 0x00]))).toBe(false)
    await using b = await open(relay, credB, key, "parent-b", 8, {
      persistence: { kind: "file", path },
      url: "ws://127.0.0.1:9"
    })
    expect(b.log.events.map((e) => e.type)).toEqual(["weigh-in"])
    expect(b.epochs.epoch).toBe(a.epochs.epoch)
  })

  it("two devices rotate at once: both epochs stay readable, and they settle on one no removed device holds", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    await using a = await open(relay, await relay.credential(LOG), key, "parent-a", 9)
    await using b = await open(relay, await relay.credential(LOG), key, "parent-b", 10)
    await using c = await open(relay, await relay.credential(LOG), key, "parent-c", 11)
    await using d = await open(relay, await relay.credential(LOG), key, "parent-d", 12)
    await Promise.all([a, b, c, d].map((p) => p.log.whenSynced()))
    await until("keys published", () => [a, b, c, d].every((p) => recordsOn(p).size === 4))
    // Both offline from the document (the relay's HTTP side still answers): each removes someone.
    // A removes first, so its epoch is still wrapped for D (not removed yet); its epoch is made the
    // higher one, so the rule must rotate again once they meet.
    a.log.disconnect()
    b.log.disconnect()
    const draws = [0xffffffff, 0]
    const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto)
    const spy = vi
      .spyOn(globalThis.crypto, "getRandomValues")
      .mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
        if (array instanceof Uint32Array && array.length === 1 && draws.length > 0) {
          array[0] = draws.shift()!
          return array
        }
        return real(array as unknown as Uint8Array<ArrayBuffer>) as unknown as T
      })
    try {
      await a.log.removeDevice(c.id)
      await b.log.removeDevice(d.id)
    } finally {
      spy.mockRestore()
    }
    const first = a.epochs.epoch
    expect(first).toBeGreaterThan(b.epochs.epoch)
    expect([...a.doc.getMap(EPOCHS_MAP).keys()].filter((k) => k.endsWith(`/${d.id}`))).toHaveLength(1)
    expect(generationOf(a.epochs.epoch)).toBe(1)
    expect(generationOf(b.epochs.epoch)).toBe(1)
    expect(a.epochs.epoch).not.toBe(b.epochs.epoch)
    const fromA = await a.log.append({ type: "latch", durationSec: 300, side: "right" })
    const fromB = await b.log.append({ type: "supplement", ml: 42.5, milk: "donor", via: "cup" })
    a.log.connect()
    b.log.connect()
    await Promise.all([a.log.whenSynced(), b.log.whenSynced()])
    await until("both read both", () =>
      [a, b].every(
        (p) => p.log.events.some((e) => e.id === fromA.id) && p.log.events.some((e) => e.id === fromB.id)
      )
    )
    // They settle on one epoch, and no removed device has a wrap of it.
    await until("one sealing epoch, wrapped for A and B only", () => {
      if (a.epochs.epoch !== b.epochs.epoch) return false
      const readers = [...a.doc.getMap(EPOCHS_MAP).keys()]
        .map((k) => parseWrapKey(k))
        .filter((k) => k?.epoch === a.epochs.epoch)
        .map((k) => k!.credentialId)
        .sort()
      return JSON.stringify(readers) === JSON.stringify([a.id, b.id].sort())
    })
    expect(generationOf(a.epochs.epoch)).toBe(2) // A's epoch (readable by D) was replaced
    const next = await a.log.append({ type: "weigh-in", grams: 3800 })
    await until("B reads A's next entry", () => b.log.events.some((e) => e.id === next.id))
    expect(epochOfNewest(a)).toBe(a.epochs.epoch)
    expect(a.log.problems).toEqual([])
    expect(b.log.problems).toEqual([])
  })

  it("a device joined after the rotation, and one restored from the recovery words, read old and new entries", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    await using a = await open(relay, await relay.credential(LOG), key, "parent-a", 13)
    await using c = await open(relay, await relay.credential(LOG), key, "parent-c", 14)
    await Promise.all([a.log.whenSynced(), c.log.whenSynced()])
    const old = await a.log.append({ type: "weigh-in", grams: 3650 })
    await until("keys published", () => recordsOn(a).size === 2)
    await a.log.removeDevice(c.id)
    const fresh = await a.log.append({ type: "latch", durationSec: 900, side: "both" })

    // Joining: an invite from A, the family key beside it (as the link carries it).
    const { joinToken } = await a.log.invite()
    const joined = await joinLog({ url: relay.url, logId: LOG, joinToken })
    await using j = await open(relay, joined, key, "parent-j", 15)
    await until(
      "J reads old and new",
      () => JSON.stringify(ids(j.log)) === JSON.stringify([old.id, fresh.id].sort())
    )
    expect(j.epochs.epoch).toBe(a.epochs.epoch)

    // Recovery: a fresh phone with the link's credential and the key typed as words.
    const words = Result.getOrThrow(recoveryWords(key)).join(" ")
    const restoredKey = Result.getOrThrow(keyFromRecoveryWords(words))
    await using r = await open(relay, await relay.credential(LOG), restoredKey, "parent-r", 16)
    await until(
      "R reads old and new",
      () => JSON.stringify(ids(r.log)) === JSON.stringify([old.id, fresh.id].sort())
    )
    // Both write in the new epoch, and A reads them.
    const fromJ = await j.log.append({ type: "supplement", ml: 12.5, milk: "expressed", via: "syringe" })
    expect(epochOfNewest(j)).toBe(a.epochs.epoch)
    await until("A reads J's entry", () => a.log.events.some((e) => e.id === fromJ.id))
  })

  it("tampered wraps (a changed bit, another device's wrap moved here) are problems, not a crash; the genuine one opens", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    await using a = await open(relay, await relay.credential(LOG), key, "parent-a", 17)
    await using b = await open(relay, await relay.credential(LOG), key, "parent-b", 18)
    await Promise.all([a.log.whenSynced(), b.log.whenSynced()])
    await until("keys published", () => recordsOn(a).size === 2 && recordsOn(b).size === 2)
    b.log.disconnect() // from here on B gets only what the test hands it
    const c = await relay.credential(LOG)
    await a.log.removeDevice(c.credentialId)
    const after = await a.log.append({ type: "weigh-in", grams: 3900 })
    const epoch = a.epochs.epoch
    const wraps = a.doc.getMap<Record<string, unknown>>(EPOCHS_MAP)
    const forB = wraps.get(`${epoch}/${b.id}`)!
    const forA = wraps.get(`${epoch}/${a.id}`)!

    // What a hostile relay could send: A's document with B's wrap changed.
    const relayDoc = new Y.Doc()
    Y.applyUpdate(relayDoc, Y.encodeStateAsUpdate(a.doc))
    const hand = (value: unknown) => {
      relayDoc.getMap(EPOCHS_MAP).set(`${epoch}/${b.id}`, value)
      Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(relayDoc), "relay")
    }
    const problem = () =>
      b.log.problems.find((p) => p instanceof UnreadableEntry && p.key === `epochs/${epoch}/${b.id}`) as
        | UnreadableEntry
        | undefined
    const flipped = Uint8Array.from(forB.ct as Uint8Array)
    flipped[3]! ^= 1
    hand({ ...forB, ct: flipped })
    await until("a changed bit is a problem", () => problem()?.detail.startsWith("ct:") === true)
    expect(problem()).toMatchObject({ reason: "not-authentic", epoch })
    expect(b.epochs.epoch).toBe(0)
    await until("the entry is unknown-epoch meanwhile", () =>
      b.log.problems.some((p) => p instanceof UnreadableEntry && p.reason === "unknown-epoch")
    )
    hand(forA)
    await until("A's wrap under B's key is a problem", () => problem()?.detail.startsWith("for:") === true)
    expect(problem()?.reason).toBe("not-authentic")
    hand({ ...forB, epoch: epoch + 1 })
    await until("a relabelled epoch is malformed", () => problem()?.reason === "malformed")
    expect(b.epochs.epoch).toBe(0)
    for (const p of b.log.problems) expect((p as UnreadableEntry).message).not.toContain("3900")

    hand(forB)
    await until("the genuine wrap opens, and the entry with it", () =>
      b.log.events.some((e) => e.id === after.id)
    )
    expect(b.log.problems).toEqual([])
    relayDoc.destroy()
  })
  it("a device record that does not open (a changed bit, moved to another credential id) is a problem and gets no wrap", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    await using a = await open(relay, await relay.credential(LOG), key, "parent-a", 19)
    await a.log.whenSynced()
    await a.log.removeDevice((await relay.credential(LOG)).credentialId) // epoch 1: A has something to grant
    // Two new devices the relay knows, with records as a joining phone writes them.
    const [x, y] = [await relay.credential(LOG), await relay.credential(LOG)]
    const recordKey = await DeviceKeys.recordKey(LOG, familyKey(key))
    const pub = (await DeviceKeys.load(LOG, undefined, recordKey)).publicRaw
    const genuine = await DeviceKeys.sealRecord(LOG, recordKey, x.credentialId, pub)
    const flipped = Uint8Array.from(genuine.ct as Uint8Array)
    flipped[0]! ^= 1
    const relayDoc = new Y.Doc()
    Y.applyUpdate(relayDoc, Y.encodeStateAsUpdate(a.doc))
    relayDoc.transact(() => {
      relayDoc.getMap("deviceKeys").set(x.credentialId, { ...genuine, ct: flipped })
      relayDoc.getMap("deviceKeys").set(y.credentialId, genuine) // X's record under Y's id
    })
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(relayDoc), "relay")
    const reasons = () =>
      Object.fromEntries(
        a.log.problems
          .filter((p): p is UnreadableEntry => p instanceof UnreadableEntry)
          .map((p) => [p.key, p.reason])
      )
    await until("both are problems", () => Object.keys(reasons()).length === 2)
    expect(reasons()).toEqual({
      [`deviceKeys/${x.credentialId}`]: "not-authentic",
      [`deviceKeys/${y.credentialId}`]: "not-authentic"
    })
    const wrappedFor = (id: string) => a.doc.getMap(EPOCHS_MAP).has(`${a.epochs.epoch}/${id}`)
    expect(wrappedFor(x.credentialId) || wrappedFor(y.credentialId)).toBe(false)
    // The genuine record arrives: the problem goes, and A wraps the current epoch for X.
    relayDoc.getMap("deviceKeys").set(x.credentialId, genuine)
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(relayDoc), "relay")
    await until("A wraps for X", () => wrappedFor(x.credentialId))
    expect(Object.keys(reasons())).toEqual([`deviceKeys/${y.credentialId}`])
    expect(wrappedFor(y.credentialId)).toBe(false)
    relayDoc.destroy()
  })
  it("random removals, appends and disconnects: the remaining phones converge on one epoch no removed phone holds", async () => {
    const seed = seedFor("random rotations")
    for (let run = 0; run < runs(2); run++) {
      const random = prng(seed, run)
      const int = (n: number) => Math.floor(random() * n)
      await using relay = await temp.relay(`relay-${run}`)
      const key = generateFamilyKey()
      const phones: Array<Phone> = []
      for (let i = 0; i < 5; i++)
        phones.push(await open(relay, await relay.credential(LOG), key, `parent-${i}`, 100 * run + i))
      try {
        await Promise.all(phones.map((p) => p.log.whenSynced()))
        await until("keys published", () => phones.every((p) => recordsOn(p).size === 5))
        const removed = new Map<Phone, ReadonlyArray<number>>() // what each removed phone knew
        const online = new Set(phones)
        // What each phone appended: a removed phone's entries reach the others only if it was online
        // before its removal, so only the remaining phones' entries must be everywhere.
        const appended: Array<readonly [Phone, string]> = []
        const remaining = () => phones.filter((p) => !removed.has(p))
        const trace: Array<string> = []
        for (let step = 0; step < 12; step++) {
          const left = remaining()
          const actor = left[int(left.length)]!
          const action = int(10)
          if (action < 5) {
            appended.push([actor, (await actor.log.append({ type: "weigh-in", grams: 3000 + int(900) })).id])
          } else if (action < 8) {
            if (online.has(actor)) {
              actor.log.disconnect()
              online.delete(actor)
            } else {
              actor.log.connect()
              online.add(actor)
            }
          } else if (left.length > 2) {
            const others = left.filter((p) => p !== actor)
            const victim = others[int(others.length)]!
            trace.push(
              `${actor.id.slice(0, 4)} removes ${victim.id.slice(0, 4)} (online ${online.has(actor)})`
            )
            await actor.log.removeDevice(victim.id)
            removed.set(victim, victim.epochs.known)
          }
        }
        const left = remaining()
        for (const p of left) p.log.connect()
        await Promise.all(left.map((p) => p.log.whenSynced()))
        const must = appended.filter(([p]) => !removed.has(p)).map(([, id]) => id)
        const state = (): string =>
          JSON.stringify({
            log: trace,
            must: must.length,
            left: left.map((p) => ({
              id: p.id.slice(0, 4),
              epoch: p.epochs.epoch,
              known: p.epochs.known,
              events: p.log.events.length,
              status: p.log.status,
              problems: p.log.problems.map((q) => (q as UnreadableEntry).reason ?? q._tag),
              readers: [...p.doc.getMap(EPOCHS_MAP).keys()].map(
                (k) => `${k.split("/")[0]}/${k.split("/")[1]!.slice(0, 4)}`
              )
            }))
          })
        // What the phones hold, to see why when they do not converge.
        const converged = until(
          `run ${run}: the remaining phones hold the same entries (all of theirs) and seal with one epoch no removed phone holds`,
          () => {
            const epoch = left[0]!.epochs.epoch
            const same = JSON.stringify(ids(left[0]!.log))
            if (!left.every((p) => p.epochs.epoch === epoch && JSON.stringify(ids(p.log)) === same))
              return false
            if (!must.every((id) => left[0]!.log.events.some((e) => e.id === id))) return false
            const readers = new Set(
              [...left[0]!.doc.getMap(EPOCHS_MAP).keys()]
                .map((k) => parseWrapKey(k))
                .filter((k) => k?.epoch === epoch)
                .map((k) => k!.credentialId)
            )
            return [...removed.keys()].every((r) => !readers.has(r.id))
          },
          12_000 // several rotations and re-rotations on a loaded machine
        )
        await converged.catch((error: unknown) => {
          console.error(`run ${run} (seed ${seed}):`, state())
          throw error
        })
        for (const p of left) expect(p.log.problems).toEqual([])
        // A removed phone learned no epoch after its removal.
        for (const [r, knew] of removed) expect(r.epochs.known).toEqual(knew)
        if (removed.size > 0) expect(generationOf(left[0]!.epochs.epoch)).toBeGreaterThan(0)
      } finally {
        for (const p of phones) await p.log.close()
      }
    }
  })

  it("an entry whose open began before its epoch arrived (in the same batch) is opened again, not kept as unknown-epoch", async () => {
    // Found by the random test above: a batch of opens is remembered only when all of it is done,
    // so an entry found without a key early in the batch was cached as unknown-epoch after the
    // epoch had been added and the unknown-epoch entries forgotten (the log's refresh).
    const key = familyKey()
    const later = freshSecret(2 ** 32 + 7)
    const writer = await Epochs.make(LOG, key, [later])
    const reader = await Epochs.make(LOG, key)
    const codec = EntryCodec.sealed(reader)
    const events = Array.from({ length: 600 }, (_, i) => ({
      id: `01900000-0000-7000-8000-${String(i).padStart(12, "0")}`,
      type: "weigh-in",
      v: 1,
      at: "2027-03-28T01:30:00.000Z",
      recordedAt: "2027-03-28T01:31:00.000Z",
      by: "a",
      child: "c",
      grams: 3000 + i
    }))
    const first = await seal(writer, events[0]!) // in the later epoch
    const rest = await Promise.all(events.slice(1).map((e) => seal(reader, e))) // epoch 0
    const batch = [first, ...rest].map(({ key: k, value }) => [k, value] as const)
    let opened = false
    const preparing = codec.prepare(batch).then(() => {
      opened = true
    })
    await reader.add([later])
    expect(opened).toBe(false) // the precondition: the epoch arrived while the batch was being opened
    codec.forgetUnknownEpochs()
    await preparing
    // Not cached as unknown-epoch: the next prepare opens it with the epoch's key.
    expect(codec.ready(first.key, first.value)).toBe(false)
    await codec.prepare([[first.key, first.value]])
    expect(codec.decode(first.key, first.value)).toMatchObject({ type: "weigh-in", grams: 3000 })
  })
})
