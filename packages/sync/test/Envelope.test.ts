// Sealed entries: round trip of every event type, deterministic blinded keys, padding buckets, and
// every way an envelope can fail to open (each a typed problem with its reason, never a throw).
import { decodeEntry, encodeEvent, type Event, isEvent } from "@relactation/core"
import { Result } from "effect"
import fc from "fast-check"
import { runs as runsOf, seedFor } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import { anyEvent, byType } from "../../core/test/eventArbitrary.js"
import { additionalData, blindId, open, openAll, type SealedEntry, seal } from "../src/internal/Envelope.js"
import type { LogKeys } from "../src/internal/LogKeys.js"
import { pack } from "../src/internal/Packed.js"
import { bucket, ENTRY_FLOOR, pad, padme } from "../src/internal/Padding.js"
import type { UnreadableEntry } from "../src/Unreadable.js"
import { familyEvents, familyKey, keysFor, LOG_ID, SECRETS } from "./sealedFixtures.js"

const seed = seedFor("Envelope")
const runs = runsOf(100)

const sealEvent = (keys: LogKeys, event: Event) => seal(keys, encodeEvent(event) as { id: string })

const opened = async (keys: LogKeys, key: string, value: unknown) => {
  const result = await open(keys, key, value)
  if (Result.isFailure(result)) throw new Error(`expected to open, got ${result.failure.reason}`)
  return result.success
}

const problemOf = async (keys: LogKeys, key: string, value: unknown): Promise<UnreadableEntry> => {
  const result = await open(keys, key, value)
  if (Result.isSuccess(result)) throw new Error("expected a problem, the entry opened")
  expect(result.failure._tag).toBe("UnreadableEntry")
  expect(result.failure.key).toBe(key)
  expect(result.failure.raw).toBe(value)
  return result.failure
}

/** A ciphertext made with the right key and additional data, over any plaintext (a buggy writer). */
const sealRaw = async (
  keys: LogKeys,
  key: string,
  plaintext: Uint8Array,
  epoch = 0
): Promise<SealedEntry> => {
  const nonce = crypto.getRandomValues(new Uint8Array(12))
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: additionalData("entry", keys.logId, key, epoch) },
    keys.entryKey(epoch)!,
    plaintext as Uint8Array<ArrayBuffer>
  )
  return { type: "sealed", v: 1, epoch, nonce, ct: new Uint8Array(ct) }
}

describe("seal and open", () => {
  it("round-trips every event type exactly (wire JSON, key order included)", async () => {
    const keys = await keysFor()
    for (const [type, arbitrary] of Object.entries(byType)) {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (event) => {
          const { key, value } = await sealEvent(keys, event)
          const raw = await opened(keys, key, value)
          expect(JSON.stringify(raw)).toBe(JSON.stringify(encodeEvent(event)))
          const entry = decodeEntry(raw)
          expect(isEvent(entry) && entry.type).toBe(type)
        }),
        { seed, numRuns: Math.max(10, Math.ceil(runs / 4)) }
      )
    }
  })

  it("puts the same event under the same key every time, another log's under another", async () => {
    const key = familyKey()
    const a = await keysFor(LOG_ID, key)
    const b = await keysFor("family-other-log", key)
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const first = await sealEvent(a, event)
        const again = await sealEvent(a, event)
        expect(again.key).toBe(first.key)
        expect(first.key).toBe(await blindId(a, event.id))
        expect(Buffer.from(again.value.nonce).equals(Buffer.from(first.value.nonce))).toBe(false)
        expect((await sealEvent(b, event)).key).not.toBe(first.key)
        expect(first.key).not.toContain(event.id.slice(0, 8))
      }),
      { seed, numRuns: runs }
    )
  })

  it("stores nonce and ciphertext as bytes, with nothing of the event in clear", async () => {
    const keys = await keysFor()
    const [event] = familyEvents()
    const { key, value } = await sealEvent(keys, event!)
    expect(Object.keys(value)).toEqual(["type", "v", "epoch", "nonce", "ct"])
    expect(value.nonce).toBeInstanceOf(Uint8Array)
    expect(value.ct).toBeInstanceOf(Uint8Array)
    expect(value.nonce).toHaveLength(12)
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it("opens a batch in order, good and bad entries side by side", async () => {
    const keys = await keysFor()
    const sealed = await Promise.all(familyEvents().map((e) => sealEvent(keys, e)))
    const moved = { ...sealed[0]!.value }
    const entries: Array<readonly [string, unknown]> = sealed.map((s) => [s.key, s.value])
    entries.splice(3, 0, [sealed[1]!.key, moved])
    const results = await openAll(keys, entries)
    expect(results).toHaveLength(entries.length)
    results.forEach((result, i) => {
      if (i === 3) expect(Result.isFailure(result) && result.failure.reason).toBe("not-authentic")
      else expect(Result.isSuccess(result) && result.success.id).toBe(familyEvents()[i > 3 ? i - 1 : i]!.id)
    })
  })
})

describe("openAll", () => {
  it("gives what open gives, in order, whatever the window", async () => {
    const keys = await keysFor()
    const sealed = await Promise.all(familyEvents().map((e) => sealEvent(keys, e)))
    const entries: Array<readonly [string, unknown]> = sealed.map((s, i) =>
      i % 4 === 2 ? [s.key, { ...s.value, epoch: 7 }] : [s.key, s.value]
    )
    const one = await Promise.all(entries.map(([k, v]) => open(keys, k, v)))
    const show = (rs: ReadonlyArray<Result.Result<Record<string, unknown>, UnreadableEntry>>) =>
      rs.map((r) => (Result.isSuccess(r) ? r.success.id : r.failure.reason))
    expect(show(one)).toContain("unknown-epoch")
    for (const window of [1, 3, 64, 1000])
      expect(show(await openAll(keys, entries, window))).toEqual(show(one))
    expect(await openAll(keys, [])).toEqual([])
  })
})

describe("padding", () => {
  it("PADMÉ leaves at most 12% and keeps only the top bits", () => {
    const broken: Array<number> = []
    for (let n = 2; n < 70_000; n++) {
      const p = padme(n)
      if (p < n || p > n * 1.12 || padme(p) !== p) broken.push(n)
    }
    expect(broken).toEqual([])
    expect([100, 129, 200, 300, 1000].map(padme)).toEqual([104, 144, 208, 304, 1024])
  })

  it("seals every event type of a family into one size: the length gives no type away", async () => {
    const keys = await keysFor()
    const events = familyEvents()
    expect(new Set(events.map((e) => e.type)).size).toBe(8)
    const sizes = new Set<number>()
    for (const event of events) sizes.add((await sealEvent(keys, event)).value.ct.length)
    expect([...sizes]).toEqual([ENTRY_FLOOR + 16])
  })

  it("pads any event to a bucket: the floor, or a PADMÉ length above it", async () => {
    const keys = await keysFor()
    const sizes = new Set<number>()
    const raw = new Set<number>()
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const { value } = await sealEvent(keys, event)
        const plain = value.ct.length - 16
        const packed = pack(encodeEvent(event)).length
        expect(plain).toBe(bucket(packed, ENTRY_FLOOR))
        expect(plain === ENTRY_FLOOR || (plain > ENTRY_FLOOR && padme(plain) === plain)).toBe(true)
        sizes.add(plain)
        raw.add(packed)
      }),
      { seed, numRuns: runs }
    )
    // Random ids up to 64 characters and names up to 32 fall into the few PADMÉ lengths of their
    // range, never more sizes than the unpadded lengths had (a fixed count here depended on the seed).
    const largest = Math.max(...sizes)
    let buckets = 1
    for (let n = ENTRY_FLOOR + 1; n <= largest; n++) if (padme(n) === n) buckets++
    expect(sizes.size).toBeLessThanOrEqual(buckets)
    expect(sizes.size).toBeLessThanOrEqual(raw.size)
    if (raw.size > 20) expect(sizes.size).toBeLessThan(raw.size / 2)
    expect(pad(new Uint8Array(5), ENTRY_FLOOR)).toHaveLength(ENTRY_FLOOR)
  })
})

describe("what does not open", () => {
  const setup = async () => {
    const key = familyKey()
    const keys = await keysFor(LOG_ID, key)
    const events = familyEvents()
    const a = await sealEvent(keys, events[3]!)
    const b = await sealEvent(keys, events[4]!)
    return { key, keys, events, a, b }
  }

  it("a flipped bit anywhere in the nonce or ciphertext", async () => {
    const { keys, a } = await setup()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("nonce" as const, "ct" as const),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (field, at, bit) => {
          const bytes = Uint8Array.from(a.value[field])
          bytes[at % bytes.length]! ^= 1 << bit
          const problem = await problemOf(keys, a.key, { ...a.value, [field]: bytes })
          expect(problem.reason).toBe("not-authentic")
          expect(problem.epoch).toBe(0)
        }
      ),
      { seed, numRuns: runs }
    )
  })

  it("an entry moved to another key, replayed from another log, or sealed with another family key", async () => {
    const { key, keys, events, a, b } = await setup()
    expect((await problemOf(keys, b.key, a.value)).reason).toBe("not-authentic")
    const otherLog = await keysFor("family-other-log", key)
    const replayed = await sealEvent(otherLog, events[3]!)
    expect((await problemOf(keys, replayed.key, replayed.value)).reason).toBe("not-authentic")
    expect((await problemOf(keys, a.key, replayed.value)).reason).toBe("not-authentic")
    const stranger = await sealEvent(await keysFor(LOG_ID), events[3]!)
    expect((await problemOf(keys, stranger.key, stranger.value)).reason).toBe("not-authentic")
    // The additional data alone binds the log id, even where the keys were the same.
    const sameKeysOtherLog: LogKeys = { ...keys, logId: "family-other-log" }
    expect((await problemOf(sameKeysOtherLog, a.key, a.value)).reason).toBe("not-authentic")
  })

  it("an epoch this device has no key for, or an epoch number changed by the relay", async () => {
    const { key, keys, a } = await setup()
    const unknown = await problemOf(keys, a.key, { ...a.value, epoch: 3 })
    expect(unknown.reason).toBe("unknown-epoch")
    expect(unknown.epoch).toBe(3)
    const rotated = await keysFor(LOG_ID, key, [{ epoch: 1, key: familyKey() }])
    expect((await opened(rotated, a.key, a.value)).id).toBe(familyEvents()[3]!.id) // old epochs still open
    expect((await problemOf(rotated, a.key, { ...a.value, epoch: 1 })).reason).toBe("not-authentic")
    // The additional data alone binds the epoch, even where two epochs had the same key.
    const oneKey: LogKeys = { ...keys, entryKey: () => keys.entryKey(0) }
    expect((await problemOf(oneKey, a.key, { ...a.value, epoch: 1 })).reason).toBe("not-authentic")
    const newer = await sealEvent(rotated, familyEvents()[5]!)
    expect(newer.value.epoch).toBe(1)
    expect((await problemOf(keys, newer.key, newer.value)).reason).toBe("unknown-epoch") // a removed device
  })

  it("a ciphertext too short, and envelopes of the wrong shape", async () => {
    const { keys, a } = await setup()
    const short = await problemOf(keys, a.key, { ...a.value, ct: a.value.ct.subarray(0, 100) })
    expect(short.reason).toBe("too-short")
    expect(short.message).toBe("sealed entry: ct: must be at least 144 bytes")
    const shapes: ReadonlyArray<readonly [unknown, string, RegExp]> = [
      [{ ...a.value, nonce: a.value.nonce.subarray(0, 11) }, "malformed", /^nonce: must be 12 bytes/],
      [{ ...a.value, nonce: undefined }, "malformed", /^nonce:/],
      [{ ...a.value, ct: Buffer.from(a.value.ct).toString("base64") }, "malformed", /^ct: must be bytes/],
      [{ ...a.value, epoch: -1 }, "malformed", /^epoch:/],
      [{ ...a.value, epoch: "0" }, "malformed", /^epoch:/],
      [{ ...a.value, v: "1" }, "malformed", /^v:/],
      [{ ...a.value, v: 2 }, "newer-version", /^v: this library opens envelope version 1/],
      [{ ...a.value, type: "latch" }, "malformed", /^type:/],
      [null, "malformed", /^type:/],
      [[1, 2, 3], "malformed", /^type:/]
    ]
    for (const [value, reason, detail] of shapes) {
      const problem = await problemOf(keys, a.key, value)
      expect(problem.reason).toBe(reason)
      expect(problem.detail).toMatch(detail)
    }
  })

  it("authentic plaintext that is not a packed entry, or whose id does not blind to its key", async () => {
    const { keys, events, a, b } = await setup()
    const garbage = await sealRaw(keys, a.key, new Uint8Array(ENTRY_FLOOR).fill(7))
    expect((await problemOf(keys, a.key, garbage)).reason).toBe("malformed-plaintext")
    const truncated = await sealRaw(keys, a.key, pack(encodeEvent(events[3]!)).subarray(0, 30))
    expect((await problemOf(keys, a.key, truncated.ct.length < 144 ? garbage : truncated)).reason).toBe(
      "malformed-plaintext"
    )
    // A writer with the family key puts event A's content under event B's key.
    const swapped = await sealRaw(keys, b.key, pad(pack(encodeEvent(events[3]!)), ENTRY_FLOOR))
    const mismatch = await problemOf(keys, b.key, swapped)
    expect(mismatch.reason).toBe("id-mismatch")
    expect(mismatch.detail).toBe("id: must blind to the entry's key in the events map")
    const noId = await sealRaw(keys, a.key, pad(pack({ type: "latch", v: 1 }), ENTRY_FLOOR))
    expect((await problemOf(keys, a.key, noId)).reason).toBe("id-mismatch")
  })

  it("never puts plaintext or key material in a problem", async () => {
    const { keys, events, a, b } = await setup()
    const problems = [
      await problemOf(keys, b.key, a.value),
      await problemOf(keys, a.key, { ...a.value, epoch: 9 }),
      await problemOf(
        keys,
        b.key,
        await sealRaw(keys, b.key, pad(pack(encodeEvent(events[8]!)), ENTRY_FLOOR))
      )
    ]
    for (const problem of problems) {
      const text = `${problem.message} ${problem.detail} ${String(problem)}`
      for (const secret of [events[3]!.id, events[8]!.id, ...SECRETS.medications, "caregiver-a", "child-1"]) {
        expect(text).not.toContain(secret)
      }
    }
  })
})
