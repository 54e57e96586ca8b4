import { createHmac } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  MAX_JOIN_TTL_SECONDS,
  MAX_TOKEN_TTL_SECONDS,
  mintCredential,
  mintJoinToken,
  mintToken,
  verifyJoinToken,
  verifyToken
} from "../src/index.js"

const LOG = "family-token-01"
const NOW = 1_800_000_000_000

// Every property prints its seed; FC_SEED replays a run and FC_RUNS sets the number of runs. (The
// shared seed helper moves to the testkit package; until then, fast-check's own parameters.)
const fromEnv = (name: string): number | undefined => {
  const value = process.env[name]
  return value === undefined || value === "" ? undefined : Number(value)
}
const seed = fromEnv("FC_SEED") ?? Math.floor(Math.random() * 2 ** 31)
const numRuns = fromEnv("FC_RUNS")
console.log(`[Token.test] fast-check seed ${seed} (replay with FC_SEED=${seed})`)
const params = { seed, ...(numRuns === undefined ? {} : { numRuns }) }

describe("Token", () => {
  it("opens exactly the log it names until it expires", () => {
    const token = mintToken("secret", LOG, { ttlSeconds: 60, now: NOW })
    expect(verifyToken("secret", token, LOG, NOW)).toEqual({ ok: true, expiresAt: NOW / 1000 + 60 })
    expect(verifyToken("secret", token, "family-token-02", NOW)).toEqual({ ok: false, reason: "wrong-log" })
    expect(verifyToken("secret", token, LOG, NOW + 60_000)).toEqual({ ok: false, reason: "expired" })
    expect(verifyToken("other-secret", token, LOG, NOW)).toEqual({ ok: false, reason: "bad-signature" })
  })

  it("refuses missing and malformed tokens", () => {
    const reasons = [
      "",
      "abc",
      "v1.family-token-01.123",
      "v2.family-token-01.1900000000.xxx",
      "v1.bad.1.x"
    ].map((token) => verifyToken("secret", token, LOG, NOW))
    expect(reasons).toEqual([
      { ok: false, reason: "missing" },
      { ok: false, reason: "malformed" },
      { ok: false, reason: "malformed" },
      { ok: false, reason: "malformed" },
      { ok: false, reason: "malformed" }
    ])
  })

  it("a tampered token never verifies (any log id, expiry or signature change)", () => {
    const token = mintToken("secret", LOG, { ttlSeconds: 3600, now: NOW })
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(..."AZaz09_-.x"), (index, char) => {
        fc.pre(token[index] !== char)
        const tampered = token.slice(0, index) + char + token.slice(index + 1)
        const verdict = verifyToken("secret", tampered, LOG, NOW)
        // The last base64url character carries 2 padding bits; flipping only those decodes to the
        // same signature, which is not a forgery.
        if (verdict.ok) expect(index).toBe(token.length - 1)
      }),
      params
    )
  })

  it("one family's token never opens another family's log", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
        (mine, theirs) => {
          fc.pre(mine !== theirs)
          const token = mintToken("secret", mine, { now: NOW })
          expect(verifyToken("secret", token, theirs, NOW)).toEqual({ ok: false, reason: "wrong-log" })
        }
      ),
      params
    )
  })

  it("refuses to mint for an invalid log id or ttl", () => {
    expect(() => mintToken("secret", "short")).toThrow(/logId/)
    expect(() => mintToken("secret", LOG, { ttlSeconds: 0 })).toThrow(/ttlSeconds/)
    expect(() => mintToken("secret", LOG, { ttlSeconds: MAX_TOKEN_TTL_SECONDS + 1 })).toThrow(
      "mintToken: ttlSeconds must be at most 31622400 (366 days)"
    )
    expect(() => mintToken("", LOG)).toThrow(/secret/)
  })

  it("refuses a genuine token that expires further ahead than the longest lifetime", () => {
    const longest = mintToken("secret", LOG, { ttlSeconds: MAX_TOKEN_TTL_SECONDS, now: NOW })
    expect(verifyToken("secret", longest, LOG, NOW).ok).toBe(true)
    // Signed with the same secret, but valid until the year 5195 (as an older relay would mint it).
    const body = `v1.${LOG}.101756000000`
    const forever = `${body}.${createHmac("sha256", "secret").update(body).digest("base64url")}`
    expect(verifyToken("secret", forever, LOG, NOW)).toEqual({ ok: false, reason: "malformed" })
  })
})

describe("device credentials and join tokens", () => {
  it("a credential carries its own id, opens its log until it expires, and keeps its id when renewed", () => {
    const first = mintCredential("secret", LOG, { ttlSeconds: 60, now: NOW })
    expect(first.token).toBe(
      `v2.${LOG}.${first.credentialId}.${NOW / 1000 + 60}.${first.token.split(".")[4]}`
    )
    expect(verifyToken("secret", first.token, LOG, NOW)).toEqual({
      ok: true,
      expiresAt: NOW / 1000 + 60,
      credentialId: first.credentialId
    })
    expect(verifyToken("secret", first.token, LOG, NOW + 60_000)).toEqual({ ok: false, reason: "expired" })
    const renewed = mintCredential("secret", LOG, { credentialId: first.credentialId, now: NOW })
    expect(renewed.credentialId).toBe(first.credentialId)
    expect(mintCredential("secret", LOG, { now: NOW }).credentialId).not.toBe(first.credentialId)
    expect(() => mintCredential("secret", LOG, { credentialId: "short" })).toThrow(
      "credentialId must be 22 characters"
    )
  })

  it("a fresh credential id never starts with '-', so the CLI never reads it as a flag", () => {
    // 1 in 64 base64url draws starts with '-': 5,000 ids without the redraw would hold ~78 of them.
    const ids = Array.from({ length: 5_000 }, () => mintCredential("secret", LOG, { now: NOW }).credentialId)
    expect(ids.filter((id) => id.startsWith("-"))).toEqual([])
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("the signature covers the kind: a join token is never a credential, nor the other way round", () => {
    const join = mintJoinToken("secret", LOG, { now: NOW })
    const credential = mintCredential("secret", LOG, { now: NOW })
    expect(verifyToken("secret", join.token, LOG, NOW)).toEqual({ ok: false, reason: "malformed" })
    expect(verifyJoinToken("secret", credential.token, LOG, NOW)).toEqual({ ok: false, reason: "malformed" })
    const relabelled = `v2${join.token.slice(2)}`
    expect(verifyToken("secret", relabelled, LOG, NOW)).toEqual({ ok: false, reason: "bad-signature" })
    expect(verifyJoinToken("secret", join.token, LOG, NOW)).toEqual({
      ok: true,
      joinId: join.joinId,
      expiresAt: NOW / 1000 + 24 * 3600
    })
    expect(() => mintJoinToken("secret", LOG, { ttlSeconds: MAX_JOIN_TTL_SECONDS + 1 })).toThrow(
      "ttlSeconds must be at most 604800 (7 days)"
    )
  })

  it("a changed credential id, expiry or log fails the signature", () => {
    const { token } = mintCredential("secret", LOG, { now: NOW })
    const parts = token.split(".")
    const variants = [
      [parts[0], parts[1], "B".repeat(22), parts[3], parts[4]],
      [parts[0], parts[1], parts[2], String(Number(parts[3]) + 1), parts[4]],
      [parts[0], "family-token-02", parts[2], parts[3], parts[4]]
    ]
    for (const variant of variants)
      expect(verifyToken("secret", variant.join("."), String(variant[1]), NOW)).toEqual({
        ok: false,
        reason: "bad-signature"
      })
  })
})
