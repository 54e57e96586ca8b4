// The family key: generation, strict parsing (a clear InvalidLogOptions naming `key`, never the
// input), redaction, and the documented HKDF-SHA256 derivation of each log's keys, checked against
// node:crypto so another implementation can follow the README and interoperate.
import { createHmac, hkdfSync } from "node:crypto"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { formatFamilyKey, fromBytes, generateFamilyKey, parseFamilyKey } from "../src/FamilyKey.js"
import { blindId } from "../src/internal/Envelope.js"
import { deriveLogKeys } from "../src/internal/LogKeys.js"

const parse = (input: unknown) => {
  const result = parseFamilyKey(input)
  if (Result.isFailure(result)) throw result.failure
  return result.success
}

describe("generateFamilyKey", () => {
  it("is 32 random bytes as 43 base64url characters", () => {
    const a = generateFamilyKey()
    const b = generateFamilyKey()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a).not.toBe(b)
    expect(Buffer.from(a, "base64url")).toHaveLength(32)
    expect(formatFamilyKey(parse(a))).toBe(a)
  })
})

describe("parseFamilyKey", () => {
  const good = generateFamilyKey()
  const bad: ReadonlyArray<readonly [string, unknown]> = [
    ["one character short", good.slice(0, 42)],
    ["one character long", `${good}A`],
    ["with = padding", `${good}=`],
    ["standard base64 characters", `+/${good.slice(2)}`],
    ["a space inside", `${good.slice(0, 20)} ${good.slice(21)}`],
    // 43 characters carry 258 bits: the last one's low 2 bits must be 0 (one spelling per key).
    ["non-zero bits after the last byte", good.slice(0, 42) + (good.endsWith("B") ? "C" : "B")],
    ["empty", ""],
    ["a number", 42],
    ["undefined", undefined],
    ["the bytes instead of the string", Buffer.from(good, "base64url")]
  ]
  it.each(bad)("rejects %s with InvalidLogOptions naming key, not echoing it", (_what, input) => {
    const result = parseFamilyKey(input)
    expect(Result.isFailure(result)).toBe(true)
    if (Result.isSuccess(result)) return
    expect(result.failure._tag).toBe("InvalidLogOptions")
    expect(result.failure.option).toBe("key")
    expect(result.failure.message).toMatch(/^key: must be a family key .*43 base64url characters/)
    if (typeof input === "string" && input.length > 8) {
      expect(result.failure.message).not.toContain(input.slice(0, 8))
    }
  })

  it("accepts only the canonical spelling, and fromBytes wants exactly 32 bytes", () => {
    const bytes = Buffer.from(good, "base64url")
    expect(Buffer.from(formatFamilyKey(parse(good)), "base64url").equals(bytes)).toBe(true)
    expect(Result.isFailure(fromBytes(new Uint8Array(31)))).toBe(true)
    expect(Result.isSuccess(fromBytes(new Uint8Array(32)))).toBe(true)
  })

  it("keeps the secret out of strings, JSON and inspection", async () => {
    const text = generateFamilyKey()
    const key = parse(text)
    const { inspect } = await import("node:util")
    for (const shown of [String(key.secret), JSON.stringify(key), inspect(key, { depth: 5 })]) {
      expect(shown).not.toContain(text)
      expect(shown).not.toContain(Buffer.from(text, "base64url").toString("hex").slice(0, 16))
    }
  })
})

describe("deriveLogKeys", () => {
  // The documented derivation: HKDF-SHA256(ikm = family key, salt = "relactation/sealed-log/v1",
  // info = purpose \0 logId [\0 epoch]), blinded id = base64url(HMAC-SHA256(idKey, id)[0..16]).
  const reference = (secret: Buffer, logId: string, id: string): string => {
    const idKey = Buffer.from(hkdfSync("sha256", secret, "relactation/sealed-log/v1", `ids\0${logId}`, 32))
    return createHmac("sha256", idKey).update(id).digest().subarray(0, 16).toString("base64url")
  }
  const id = "019b8b79-6378-7e3d-b5ae-1257aa74d8ac"

  it("blinds ids as the README documents, per log", async () => {
    const text = generateFamilyKey()
    const secret = Buffer.from(text, "base64url")
    const a = await deriveLogKeys("family-aaaa1111", parse(text))
    const b = await deriveLogKeys("family-bbbb2222", parse(text))
    const blindedA = await blindId(a, id)
    expect(blindedA).toBe(reference(secret, "family-aaaa1111", id))
    expect(blindedA).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(await blindId(a, id)).toBe(blindedA) // deterministic: the same event, the same map key
    expect(await blindId(b, id)).not.toBe(blindedA) // another log, another key
    expect(await blindId(a, `${id.slice(0, -1)}d`)).not.toBe(blindedA)
  })

  it("derives non-extractable keys, one per purpose and epoch", async () => {
    const keys = await deriveLogKeys("family-aaaa1111", parse(generateFamilyKey()), [
      { epoch: 1, key: parse(generateFamilyKey()) }
    ])
    expect(keys.epoch).toBe(1)
    const all = [keys.entryKey(0), keys.entryKey(1), keys.presenceKey(0), keys.presenceKey(1), keys.idKey]
    for (const k of all) expect(k?.extractable).toBe(false)
    expect(keys.entryKey(2)).toBeUndefined()
    expect(new Set(all).size).toBe(5)
    await expect(
      deriveLogKeys("family-aaaa1111", parse(generateFamilyKey()), [
        { epoch: 0, key: parse(generateFamilyKey()) }
      ])
    ).rejects.toThrow(/distinct/)
  })
})
