// The link checks of Link.ts, each rule on its own (the browser test, Sealed.test.ts, walks the
// screens for one link of each kind): a relay must be `wss:`, `ws:` only for this computer or
// the very host that served the app over plain http; a damaged key is refused; a link asks before
// it replaces the stored one whenever the relay, the log, the key or the credential differ.
import { generateFamilyKey, INVITE_KEY_PREFIX } from "@relactation/sync"
import { describe, expect, it } from "vitest"
import { formatLink, type Link, linkProblem, openKey, parseFragment, replacesLink } from "../src/Link.js"

/** An invite key as `log.invite()` gives it after one removal: the family key, epoch 2^32 + 5 and its secret. */
const inviteKeyOf = (family: string): string => {
  const epoch = Buffer.alloc(8)
  epoch.writeBigUInt64BE(2n ** 32n + 5n)
  const bytes = Buffer.concat([
    Buffer.from(family, "base64url"),
    epoch,
    Buffer.from(generateFamilyKey(), "base64url")
  ])
  return INVITE_KEY_PREFIX + bytes.toString("base64url")
}

const link = (extra: Partial<Link> = {}): Link => ({
  relay: "wss://relay.example",
  log: "family-link-1234",
  token: "v2.token",
  caregiver: "caregiver-a",
  child: "child-1",
  name: "Alex",
  key: generateFamilyKey(),
  ...extra
})

const HTTPS_APP = { protocol: "https:", hostname: "app.example" }
const HOME_DEMO = { protocol: "http:", hostname: "192.168.1.20" }

describe("linkProblem", () => {
  it("accepts wss: anywhere, and ws: for this computer", () => {
    expect(linkProblem(link(), HTTPS_APP)).toBeUndefined()
    for (const host of ["localhost", "127.0.0.1", "[::1]"]) {
      expect(linkProblem(link({ relay: `ws://${host}:8787` }), HTTPS_APP)).toBeUndefined()
    }
  })

  it("accepts ws: to the host that served the app over plain http, and only that host", () => {
    expect(linkProblem(link({ relay: "ws://192.168.1.20:8787" }), HOME_DEMO)).toBeUndefined()
    expect(linkProblem(link({ relay: "ws://192.168.1.99:8787" }), HOME_DEMO)).toBe("relay-insecure")
    // The same host name, but the app came over https: a ws: relay would be weaker than the page.
    expect(
      linkProblem(link({ relay: "ws://192.168.1.20:8787" }), { protocol: "https:", hostname: "192.168.1.20" })
    ).toBe("relay-insecure")
    expect(linkProblem(link({ relay: "ws://relay.attacker.example:1234" }), HTTPS_APP)).toBe("relay-insecure")
  })

  it("refuses what is not a websocket relay, and a damaged key", () => {
    for (const relay of ["https://relay.example", "relay.example", "javascript:alert(1)", ""]) {
      expect(linkProblem(link({ relay }), HTTPS_APP)).toBe("relay-not-websocket")
    }
    const key = generateFamilyKey()
    expect(linkProblem(link({ key: key.slice(0, -1) }), HTTPS_APP)).toBe("key-damaged")
    expect(linkProblem(link({ key: `${key.slice(0, -1)}*` }), HTTPS_APP)).toBe("key-damaged")
  })
})

describe("replacesLink", () => {
  it("asks when the relay, the log, the key or the credential differ; not for the same link again", () => {
    const stored = link()
    expect(replacesLink(stored, { ...stored })).toBe(false)
    // Another display name on the same log is this phone's own business, not another family.
    expect(replacesLink(stored, { ...stored, name: "Sam" })).toBe(false)
    expect(replacesLink(stored, { ...stored, relay: "wss://relay.other.example" })).toBe(true)
    expect(replacesLink(stored, { ...stored, log: "family-other-123" })).toBe(true)
    expect(replacesLink(stored, { ...stored, key: generateFamilyKey() })).toBe(true)
    expect(replacesLink(stored, { ...stored, token: "v2.another" })).toBe(true)
    const { key: _key, ...plain } = stored
    expect(replacesLink(stored, plain)).toBe(true)
  })

  it("a parsed invite names what it carries (the key only after the #)", () => {
    const key = generateFamilyKey()
    const parsed = parseFragment(
      `#relay=wss%3A%2F%2Frelay.example&log=family-link-1234&join=j.1&caregiver=caregiver-b&key=${key}`
    )
    expect(parsed).toMatchObject({ relay: "wss://relay.example", token: "", join: "j.1", key })
    expect(parseFragment("#relay=wss%3A%2F%2Frelay.example&log=family-link-1234")).toBeUndefined()
  })

  it("an invite made after a removal: the phone opens with the invite key, its recovery words stay the family key", () => {
    const family = generateFamilyKey()
    const invite = inviteKeyOf(family)
    const parsed = parseFragment(
      `#relay=wss%3A%2F%2Frelay.example&log=family-link-1234&join=j.1&caregiver=caregiver-b&key=${invite}`
    )!
    expect(parsed).toMatchObject({ key: family, inviteKey: invite })
    expect(openKey(parsed)).toBe(invite)
    expect(linkProblem(parsed, HTTPS_APP)).toBeUndefined()
    // This phone's own invites pass it on (log.invite()'s key, when there is one, replaces it).
    expect(new URLSearchParams(formatLink("https://app.example", parsed).split("#")[1]).get("key")).toBe(
      invite
    )
    // A family key alone is what it was; a damaged invite key is refused before it is stored.
    const plain = parseFragment(
      `#relay=wss%3A%2F%2Frelay.example&log=family-link-1234&join=j.1&caregiver=c&key=${family}`
    )!
    expect(plain.inviteKey).toBeUndefined()
    expect(openKey(plain)).toBe(family)
    const damaged = parseFragment(
      `#relay=wss%3A%2F%2Frelay.example&log=family-link-1234&join=j.1&caregiver=c&key=${invite.slice(0, -3)}`
    )!
    expect(linkProblem(damaged, HTTPS_APP)).toBe("key-damaged")
  })
})
