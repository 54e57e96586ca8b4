// Sealed presence through real y-protocols awareness: the relayed awareness bytes hold no name or
// session, the other device opens the state, and every tampering case is a typed problem.
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness"
import * as Y from "yjs"
import * as Base64url from "../src/internal/base64url.js"
import type { LogKeys } from "../src/internal/LogKeys.js"
import { PRESENCE_FLOOR } from "../src/internal/Padding.js"
import { openPresence, type SealedPresence, sealPresence } from "../src/internal/SealedPresence.js"
import { familyKey, keysFor, LOG_ID, SECRETS } from "./sealedFixtures.js"

const nursing = {
  caregiver: "caregiver-a",
  name: SECRETS.caregivers[0],
  session: { kind: "latch", side: "left", startedAt: "2027-03-28T03:12:00.000Z", child: "child-1" }
}
const pumping = {
  caregiver: "caregiver-b",
  name: SECRETS.caregivers[1],
  session: { kind: "pump", method: "electric", startedAt: "2027-03-28T03:12:00.000Z", child: "child-1" }
}
const idle = { caregiver: "caregiver-b", name: SECRETS.caregivers[1] }

const problemOf = async (keys: LogKeys, raw: unknown) => {
  const result = await openPresence(keys, raw)
  if (Result.isSuccess(result)) throw new Error("expected a problem, the state opened")
  expect(result.failure._tag).toBe("UnreadablePresence")
  return result.failure
}

const flip = (text: string, at: number): string => {
  const bytes = Base64url.decode(text)!
  bytes[at % bytes.length]! ^= 1
  return Base64url.encode(bytes)
}

describe("sealed presence", () => {
  it("crosses real awareness opaque and opens on the other device", async () => {
    const keys = await keysFor()
    const a = new Awareness(new Y.Doc())
    const b = new Awareness(new Y.Doc())
    a.setLocalState(await sealPresence(keys, nursing))
    const update = encodeAwarenessUpdate(a, [a.clientID])
    const bytes = Buffer.from(update)
    for (const secret of [SECRETS.caregivers[0], "caregiver-a", "latch", "left", "03:12", "child-1"]) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false)
    }
    applyAwarenessUpdate(b, update, "relay")
    const result = await openPresence(keys, b.getStates().get(a.clientID))
    expect(Result.isSuccess(result) && result.success).toEqual(nursing)
    a.destroy()
    b.destroy()
  })

  it("pads states of any session, or none, to one size", async () => {
    const keys = await keysFor()
    const sizes = new Set<number>()
    for (const state of [nursing, pumping, idle, {}]) sizes.add((await sealPresence(keys, state)).ct.length)
    expect([...sizes]).toEqual([Base64url.encode(new Uint8Array(PRESENCE_FLOOR + 16)).length])
  })

  it("reports a flipped bit, another log, another family, an unknown epoch and bad shapes", async () => {
    const key = familyKey()
    const keys = await keysFor(LOG_ID, key)
    const sealed = await sealPresence(keys, nursing)
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [{ ...sealed, ct: flip(sealed.ct, 5) }, "not-authentic"],
      [{ ...sealed, ct: flip(sealed.ct, 200) }, "not-authentic"],
      [{ ...sealed, nonce: flip(sealed.nonce, 3) }, "not-authentic"],
      [await sealPresence(await keysFor("family-other-log", key), nursing), "not-authentic"],
      [await sealPresence(await keysFor(), nursing), "not-authentic"],
      [{ ...sealed, epoch: 1 }, "unknown-epoch"],
      [{ ...sealed, ct: sealed.ct.slice(0, 40) }, "too-short"],
      [{ ...sealed, nonce: sealed.nonce.slice(0, 10) }, "malformed"],
      [{ ...sealed, ct: `${sealed.ct}=` }, "malformed"],
      [{ ...sealed, v: 2 }, "newer-version"],
      [{ ...sealed, type: undefined }, "malformed"],
      [nursing, "malformed"], // a plain state from a device that does not seal
      [null, "malformed"]
    ]
    for (const [raw, reason] of cases) {
      const problem = await problemOf(keys, raw)
      expect(problem.reason).toBe(reason)
      for (const secret of [SECRETS.caregivers[0], "caregiver-a", "03:12"]) {
        expect(problem.message).not.toContain(secret)
      }
    }
  })

  it("reports authentic plaintext that is not a JSON object", async () => {
    const keys = await keysFor()
    const nonce = crypto.getRandomValues(new Uint8Array(12))
    const { additionalData } = await import("../src/internal/Envelope.js")
    const plain = new Uint8Array(PRESENCE_FLOOR)
    plain.set(new TextEncoder().encode("[1,2]"))
    const ct = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: additionalData("presence", LOG_ID, "", 0) },
      keys.presenceKey(0)!,
      plain
    )
    const sealed: SealedPresence = {
      type: "sealed",
      v: 1,
      epoch: 0,
      nonce: Base64url.encode(nonce),
      ct: Base64url.encode(new Uint8Array(ct))
    }
    expect((await problemOf(keys, sealed)).reason).toBe("malformed-plaintext")
  })
})
