/**
 * Scenario 4, access: every way in without the right token is refused at the HTTP upgrade, before
 * any document byte; a flood of wrong tokens from one address hits the rate limit while a family on
 * another address keeps working; the relay logs the refusal and its reason, nothing else.
 */
import { describe, expect, it } from "vitest"
import { createRelay, mintToken, type RelayHandle } from "@relactation/server"
import { rawUpgrade, sleep, until } from "@relactation/testkit"
import { size } from "./size.js"
import { attemptUpgrade, docClient, eventMaker } from "./support/clients.js"
import { WebSocket } from "./support/deps.js"
import { scenario } from "./support/scenario.js"

const SECRET = "reliability-access-secret-pT3zIMlv6hBRBROON3-JmfDX1rV_RTv3ElfyiRJ8Ouo"
const LOG = "family-access-0001"
const OTHER = "family-access-0002"
const MARKER = "MARKER-access-fenugreek-7731"

const { random, row, onEnd, tempDir } = scenario("access")
const dir = tempDir("rel-access-")
const lines: Array<Record<string, unknown>> = []
let relay: RelayHandle

// One upgrade through a chosen client address (the relay trusts X-Forwarded-For here, as behind a proxy).
const upgradeFrom = (ip: string, path: string) =>
  new Promise<{ status: number; documentBytes: number }>((resolve) => {
    const socket = new WebSocket(`${relay.url}${path}`, { headers: { "X-Forwarded-For": ip } })
    let documentBytes = 0
    socket.on("error", () => {})
    socket.on("message", (data: Buffer) => {
      documentBytes += data.byteLength
    })
    socket.on("open", () =>
      setTimeout(() => {
        socket.terminate()
        resolve({ status: 101, documentBytes })
      }, 100)
    )
    socket.on("unexpected-response", (_request, response) => {
      response.resume()
      response.on("end", () => resolve({ status: response.statusCode ?? 0, documentBytes }))
    })
  })

describe("access", () => {
  it("refuses every bad token and bad log id before any document byte, logging only the reason", async () => {
    relay = await createRelay({
      port: 0,
      dataDir: dir,
      secret: SECRET,
      trustProxy: true,
      limits: { connectionsPerIpPerMinute: 120 },
      log: (line) => lines.push(line)
    })
    onEnd(() => relay.close())
    // A family writes something private first, so a leaked document byte would be visible.
    const family = docClient(relay.url, LOG, relay.token(LOG), "family")
    await until("family synced", () => family.synced(), 10_000)
    const make = eventMaker(random, "parent-a")
    family.append(make(undefined, MARKER))
    family.append(make())
    await relay.flush()

    const good = relay.token(LOG)
    const [version, tokenLog, expiry, signature] = good.split(".") as [string, string, string, string]
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1)
    const cases: Array<{ name: string; path: string; status: number; reason: string }> = [
      { name: "no token", path: `/${LOG}`, status: 401, reason: "missing" },
      { name: "empty token", path: `/${LOG}?token=`, status: 401, reason: "missing" },
      {
        name: "expired",
        path: `/${LOG}?token=${mintToken(SECRET, LOG, { ttlSeconds: 60, now: Date.now() - 3_600_000 })}`,
        status: 401,
        reason: "expired"
      },
      {
        name: "tampered signature",
        path: `/${LOG}?token=${version}.${tokenLog}.${expiry}.${flip(signature, 5)}`,
        status: 401,
        reason: "bad-signature"
      },
      {
        name: "tampered expiry",
        path: `/${LOG}?token=${version}.${tokenLog}.${Number(expiry) + 86_400}.${signature}`,
        status: 401,
        reason: "bad-signature"
      },
      {
        name: "tampered log id",
        path: `/${OTHER}?token=${version}.${OTHER}.${expiry}.${signature}`,
        status: 401,
        reason: "bad-signature"
      },
      {
        name: "another secret",
        path: `/${LOG}?token=${mintToken("some-other-secret-entirely-000", LOG)}`,
        status: 401,
        reason: "bad-signature"
      },
      { name: "garbage token", path: `/${LOG}?token=hello`, status: 401, reason: "malformed" },
      {
        name: "oversize token",
        path: `/${LOG}?token=${"x".repeat(5_000)}`,
        status: 401,
        reason: "malformed"
      },
      {
        name: "token for another log",
        path: `/${LOG}?token=${relay.token(OTHER)}`,
        status: 403,
        reason: "wrong-log"
      },
      { name: "log id ..", path: `/..?token=${good}`, status: 400, reason: "bad-log-id" },
      { name: "log id with ..", path: `/family..access?token=${good}`, status: 400, reason: "bad-log-id" },
      { name: "log id %2e%2e", path: `/%2e%2e?token=${good}`, status: 400, reason: "bad-log-id" },
      { name: "log id with /", path: `/family/access-0001?token=${good}`, status: 404, reason: "bad-path" },
      {
        name: "log id with %2F",
        path: `/family%2Faccess-0001?token=${good}`,
        status: 400,
        reason: "bad-log-id"
      },
      {
        name: "unicode log id",
        path: `/famìly-access-0001?token=${good}`,
        status: 400,
        reason: "bad-log-id"
      },
      {
        name: "fullwidth log id",
        path: `/ｆａｍｉｌｙ-access-0001?token=${good}`,
        status: 400,
        reason: "bad-log-id"
      },
      {
        name: "1000-character log id",
        path: `/${"a".repeat(1_000)}?token=${good}`,
        status: 400,
        reason: "bad-log-id"
      },
      { name: "empty log id", path: `/?token=${good}`, status: 400, reason: "bad-log-id" }
    ]
    const table: Array<string> = []
    for (const testCase of cases) {
      row.attempts++
      const before = lines.length
      const outcome = await attemptUpgrade(`${relay.url}${testCase.path}`)
      const logged = lines.slice(before)
      const ok =
        !outcome.opened &&
        outcome.websocketMessages === 0 &&
        outcome.status === testCase.status &&
        !outcome.body.includes(MARKER) &&
        logged.length === 1 &&
        logged[0]?.event === "refuse" &&
        logged[0]?.reason === testCase.reason
      if (!ok) row.failures++
      table.push(
        `${ok ? "ok  " : "FAIL"} ${testCase.name}: HTTP ${outcome.status}, logged ${JSON.stringify(logged)}`
      )
    }
    console.log(`[access] refusals:\n  ${table.join("\n  ")}`)
    expect(table.filter((line) => line.startsWith("FAIL"))).toEqual([])

    // Raw paths with dot segments (WebSocket clients resolve them before sending; an attacker
    // does not) never reach a log, whatever log the token names.
    for (const path of [`/family-x/../${LOG}`, `/${OTHER}/../${LOG}`, `/${LOG}/..`, `/%2e%2e/${LOG}`]) {
      row.attempts++
      const { status } = await rawUpgrade(relay.url, `${path}?token=${good}`)
      if (status !== 404) row.failures++
      expect(status, path).toBe(404)
    }
    row.notes.push("raw /x/../<log>, /<other>/../<log>, /<log>/.., /%2e%2e/<log> with a good token: HTTP 404")

    // Nothing but refusals (and the family's own connect/load lines) was logged, and no token or
    // event content ever.
    const text = JSON.stringify(lines)
    expect(text).not.toContain(MARKER)
    expect(text).not.toContain(signature)
    for (const line of lines) {
      const keys = Object.keys(line).sort()
      if (line.event === "refuse") expect(keys).toEqual(["event", "level", "reason", "status"])
    }
    family.destroy()
  })

  it("holds the per-address rate limit under a hundred wrong tokens a second, without hurting others", async () => {
    const attacker = "203.0.113.7"
    const wrong = mintToken("attacker-guessed-secret-000000", LOG)
    const counts = new Map<number, number>()
    const begin = Date.now()
    const pending: Array<Promise<void>> = []
    for (let i = 0; i < size.access.wrongTokens; i++) {
      row.attempts++
      pending.push(
        upgradeFrom(attacker, `/${LOG}?token=${wrong}`).then((outcome) => {
          counts.set(outcome.status, (counts.get(outcome.status) ?? 0) + 1)
          if (outcome.documentBytes > 0) row.failures++
        })
      )
      // About a hundred a second.
      if (i % 10 === 9) await sleep(100)
    }
    // Meanwhile a family behind another address connects and syncs.
    const honest = await upgradeFrom("198.51.100.2", `/${LOG}?token=${relay.token(LOG)}`)
    await Promise.all(pending)
    const seconds = (Date.now() - begin) / 1000
    const allowed = 120 + Math.ceil((seconds * 120) / 60) + 1
    const unauthorized = counts.get(401) ?? 0
    const limited = counts.get(429) ?? 0
    console.log(
      `[access] ${size.access.wrongTokens} wrong tokens in ${seconds.toFixed(1)} s from one address: ${unauthorized} x 401, ${limited} x 429; honest client from another address: HTTP ${honest.status}`
    )
    row.notes.push(
      `${size.access.wrongTokens} wrong tokens at ~100/s: ${unauthorized} answered 401, ${limited} rate-limited 429`
    )
    if (unauthorized > allowed || unauthorized + limited !== size.access.wrongTokens || honest.status !== 101)
      row.failures++
    expect(unauthorized).toBeLessThanOrEqual(allowed)
    expect(unauthorized + limited).toBe(size.access.wrongTokens)
    expect(honest.status).toBe(101)
    expect(relay.metrics()).toMatch(
      /relactation_relay_refused_connections_total\{reason="rate-limited"\} \d+/
    )
    const text = JSON.stringify(lines)
    expect(text).not.toContain(wrong.split(".")[3] ?? "unreachable")
    expect(row.failures, "attempts that broke a promise").toBe(0)
  })
})
