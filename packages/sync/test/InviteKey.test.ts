// The invite key: a phone invited after a removal gets the family key and every later epoch secret
// in one text, so it seals with the current epoch from its first entry, even offline (on a real
// relay and its SQLite file, real Yjs documents and WebCrypto on every device); a malformed one is
// refused before anything is written; the text form round-trips and is strict.
import { access } from "node:fs/promises"
import { join } from "node:path"
import { Redacted, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import WebSocket from "ws"
import * as Y from "yjs"
import {
  type DeviceCredential,
  type EventLog,
  familyKeyOf,
  generateFamilyKey,
  INVITE_KEY_PREFIX,
  joinLog,
  type OpenLogOptions,
  openLog,
  recoveryWords,
  UnreadableEntry
} from "../src/index.js"
import { openLogWith } from "../src/EventLog.js"
import * as FilePersistence from "../src/FilePersistence.js"
import * as Base64url from "../src/internal/base64url.js"
import type * as Epochs from "../src/internal/Epochs.js"
import { freshSecret } from "../src/internal/EpochWraps.js"
import { formatKey, parseKey } from "../src/InviteKey.js"
import { familyKey } from "./sealedFixtures.js"
import { prng, runs, seedFor, until } from "./helpers.js"
import { relayFolder } from "./relayFolder.js"

const LOG = "family-invite-epochs"
const temp = relayFolder("relactation-sync-invite-")

interface Phone {
  readonly log: EventLog
  readonly doc: Y.Doc
  readonly epochs: Epochs.Epochs
  readonly id: string
  [Symbol.asyncDispose](): Promise<void>
}

const open = async (
  url: string,
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
      url,
      token: credential.token,
      key,
      WebSocketPolyfill: WebSocket,
      persistence: { kind: "memory" },
      projections: { timeZone: "Europe/Berlin" },
      random: prng(seed, caregiver),
      maxReconnectDelayMs: 300,
      onError: () => {}, // the offline phone's renewal cannot reach its relay: expected here
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

/** The epoch of the envelope under which `phone`'s document holds each entry, by map key. */
const envelopeEpochs = (phone: Phone): Map<string, number> =>
  new Map([...phone.doc.getMap<{ epoch: number }>("events").entries()].map(([k, v]) => [k, v.epoch]))

const recordsOn = (phone: Phone) => phone.doc.getMap("deviceKeys")

describe("a phone invited after a removal", () => {
  it("seals with the current epoch from its first entry, offline: the removed device cannot open it, the others read it", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    await using a = await open(relay.url, await relay.credential(LOG), key, "parent-a", 1)
    await using b = await open(relay.url, await relay.credential(LOG), key, "parent-b", 2)
    await using c = await open(relay.url, await relay.credential(LOG), key, "parent-c", 3)
    await Promise.all([a.log.whenSynced(), b.log.whenSynced(), c.log.whenSynced()])
    await until("every device published its key", () => [a, b, c].every((p) => recordsOn(p).size === 3))
    await a.log.removeDevice(c.id)
    await until("B moved to A's epoch", () => b.epochs.epoch === a.epochs.epoch && a.epochs.epoch > 0)
    const current = a.epochs.epoch

    const invite = await a.log.invite()
    expect(invite.key?.startsWith(INVITE_KEY_PREFIX)).toBe(true)
    expect(Result.getOrThrow(familyKeyOf(invite.key))).toBe(key)
    const credential = await joinLog({ url: relay.url, logId: LOG, joinToken: invite.joinToken })

    // D opens offline (nothing listens on port 9): no wrap can reach it, only the invite's key.
    const path = join(temp.path(), "d.ylog")
    let mapKey: string
    let entryId: string
    {
      await using d = await open("ws://127.0.0.1:9", credential, invite.key!, "parent-d", 4, {
        persistence: { kind: "file", path }
      })
      expect(d.log.status).not.toBe("synced")
      expect(d.epochs.epoch).toBe(current)
      const entry = await d.log.append({ type: "medication", name: "domperidone", dose: 10, unit: "mg" })
      entryId = entry.id
      const sealedWith = envelopeEpochs(d)
      expect(sealedWith.size).toBe(1)
      ;[mapKey] = [...sealedWith.keys()] as [string]
      expect(sealedWith.get(mapKey)).toBe(current)
      expect(d.doc.getMap("epochs").size).toBe(0) // no wrap for D: it has never seen the document

      // C (removed) still holds its document and keys; given D's entry directly, it cannot open it.
      Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(d.doc), "relay")
      await until("C reports D's entry as unknown-epoch", () =>
        c.log.problems.some(
          (p) => p instanceof UnreadableEntry && p.key === mapKey && p.reason === "unknown-epoch"
        )
      )
      expect(c.log.events.some((e) => e.id === entryId)).toBe(false)
      for (const p of c.log.problems) expect((p as UnreadableEntry).message).not.toContain("domperidone")
    }

    // D back online: B reads its entry; D's document has it under the same envelope.
    await using d = await open(relay.url, credential, invite.key!, "parent-d", 4, {
      persistence: { kind: "file", path }
    })
    await d.log.whenSynced()
    await until("B reads D's offline entry", () => b.log.events.some((e) => e.id === entryId))
    expect(envelopeEpochs(b).get(mapKey)).toBe(current)
    expect(b.log.problems).toEqual([])
    expect(d.log.problems).toEqual([])
  })

  it("before any removal the invite's key is the family key itself, and a plaintext log's invite has none", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    await using a = await open(relay.url, await relay.credential(LOG), key, "parent-a", 5)
    await a.log.whenSynced()
    expect((await a.log.invite()).key).toBe(key)
    await using plain = await openLog({
      logId: "family-invite-plain",
      caregiver: "parent-a",
      url: relay.url,
      token: (await relay.credential("family-invite-plain")).token,
      WebSocketPolyfill: WebSocket,
      projections: { timeZone: "UTC" },
      onError: () => {}
    })
    expect((await plain.invite()).key).toBeUndefined()
  })

  it("a malformed invite key is InvalidLogOptions naming key, and nothing is written", async () => {
    const key = familyKey()
    const good = formatKey(key, [freshSecret(2 ** 32 + 7)])
    const body = Base64url.decode(good.slice(INVITE_KEY_PREFIX.length))!
    const variant = (edit: (bytes: Uint8Array) => Uint8Array) =>
      INVITE_KEY_PREFIX + Base64url.encode(edit(Uint8Array.from(body)))
    const bad = {
      "no epoch after the family key": variant((b) => b.subarray(0, 32)),
      "an epoch cut short": variant((b) => b.subarray(0, b.length - 1)),
      "epoch 0": variant((b) => {
        b.fill(0, 32, 40)
        return b
      }),
      "an epoch above 2^53": variant((b) => {
        b[32] = 0xff
        return b
      }),
      "epochs not ascending":
        INVITE_KEY_PREFIX + Base64url.encode(Uint8Array.from([...body, ...body.subarray(32)])),
      "not base64url": `${good.slice(0, -2)}+/`,
      "another version": `e2.${good.slice(3)}`,
      "the prefix alone": INVITE_KEY_PREFIX
    }
    for (const [what, text] of Object.entries(bad)) {
      const path = join(temp.path(), `bad-${what.replaceAll(" ", "-")}.ylog`)
      const opened = openLogWith(
        {
          logId: LOG,
          caregiver: "parent-d",
          key: text,
          persistence: { kind: "file", path },
          projections: { timeZone: "UTC" }
        },
        FilePersistence.adapter
      )
      await expect(opened, what).rejects.toMatchObject({
        _tag: "InvalidLogOptions",
        option: "key",
        code: "family-key-format"
      })
      // The message never repeats the secret (the bare prefix is in the rule itself).
      if (text !== INVITE_KEY_PREFIX) {
        await expect(opened).rejects.not.toHaveProperty("message", expect.stringContaining(text.slice(3, 20)))
      }
      await expect(access(path), `${what}: nothing written`).rejects.toThrow()
      expect(Result.isFailure(familyKeyOf(text)), what).toBe(true)
    }
    // The well-formed one opens, and the recovery words are those of the family key alone.
    expect(Result.isSuccess(parseKey(good))).toBe(true)
    const words = Result.getOrThrow(recoveryWords(Result.getOrThrow(familyKeyOf(good))))
    expect(words).toHaveLength(24)
  })

  it("the text form round-trips the family key and every epoch, and fits a QR code after a few removals", () => {
    const seed = seedFor("InviteKey round trip")
    const epoch = fc
      .integer({ min: 1, max: 2 ** 20 })
      .chain((generation) =>
        fc
          .integer({ min: 0, max: 2 ** 32 - 1 })
          .map((low) => Math.min(generation * 2 ** 32 + low, Number.MAX_SAFE_INTEGER))
      )
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uniqueArray(epoch, { maxLength: 8 }),
        (bytes, numbers) => {
          const key = familyKey(Base64url.encode(bytes))
          const later = numbers.map((n) => freshSecret(n))
          const text = formatKey(key, later)
          expect(/^[A-Za-z0-9_.-]+$/.test(text)).toBe(true)
          if (later.length === 0) expect(text).toHaveLength(43)
          const back = Result.getOrThrow(parseKey(text))
          expect(Base64url.encode(Redacted.value(back.familyKey.secret))).toBe(Base64url.encode(bytes))
          const sorted = [...later].sort((x, y) => x.epoch - y.epoch)
          expect(back.later.map((s) => s.epoch)).toEqual(sorted.map((s) => s.epoch))
          expect(back.later.map((s) => Base64url.encode(Redacted.value(s.key.secret)))).toEqual(
            sorted.map((s) => Base64url.encode(Redacted.value(s.key.secret)))
          )
        }
      ),
      { seed, numRuns: runs(200) }
    )
    // Three removals: 3 + 43 + 3 × 54 characters, well inside a QR code beside the relay link.
    const three = formatKey(familyKey(), [
      freshSecret(2 ** 32 + 1),
      freshSecret(2 ** 33 + 1),
      freshSecret(3 * 2 ** 32 + 1)
    ])
    expect(three.length).toBeLessThanOrEqual(3 + 43 + 3 * 54)
  })
})
