import { CloseCode } from "@relactation/core/protocol"
import { describe, expect, it } from "vitest"
import { defaultLimits, mintToken, TOKEN_SUBPROTOCOL } from "../src/index.js"
import { admitCapacity, admitUpgrade, offeredProtocols, type Verdict } from "../src/internal/Admission.js"

const SECRET = "admission-secret-0123456789-abcdefghijklmnop"
const LOG = "family-admit-01"
const NOW = 1_800_000_000_000
const token = mintToken(SECRET, LOG, { now: NOW })

const decide = (
  url: string,
  options: { protocols?: string; shuttingDown?: boolean; rate?: boolean } = {}
) => {
  let asked = 0
  const verdict = admitUpgrade(
    { url, protocols: options.protocols },
    {
      secret: SECRET,
      now: NOW,
      shuttingDown: options.shuttingDown ?? false,
      withinRate: () => {
        asked++
        return options.rate ?? true
      }
    }
  )
  return { verdict, asked }
}

const refusalOf = (verdict: Verdict) => (verdict.ok ? undefined : verdict.refusal)

describe("admitUpgrade", () => {
  it("admits a genuine token for the path's log, from the query or the subprotocol header", () => {
    expect(decide(`/${LOG}?token=${token}`).verdict).toEqual({
      ok: true,
      logId: LOG,
      expiresAt: NOW / 1000 + 30 * 86_400,
      protocol: undefined
    })
    const viaHeader = decide(`/${LOG}`, { protocols: `${TOKEN_SUBPROTOCOL}, ${token}` }).verdict
    // The relay answers with its own subprotocol, never with the token.
    expect(viaHeader).toMatchObject({ ok: true, logId: LOG, protocol: TOKEN_SUBPROTOCOL })
  })

  it.each([
    ["no token", `/${LOG}`, 401, "missing"],
    ["a malformed token", `/${LOG}?token=nope`, 401, "malformed"],
    ["another secret", `/${LOG}?token=${mintToken("x".repeat(44), LOG, { now: NOW })}`, 401, "bad-signature"],
    [
      "an expired token",
      `/${LOG}?token=${mintToken(SECRET, LOG, { now: NOW - 40 * 86_400_000 })}`,
      401,
      "expired"
    ],
    ["another log's token", `/family-admit-02?token=${token}`, 403, "wrong-log"],
    ["a short log id", `/short?token=${token}`, 400, "bad-log-id"],
    ["a nested path", `/a/${LOG}?token=${token}`, 404, "bad-path"],
    ["dot segments", `/x/../${LOG}?token=${token}`, 404, "bad-path"],
    ["a trailing slash", `/${LOG}/?token=${token}`, 404, "bad-path"]
  ])("refuses %s with HTTP %i (%s)", (_name, url, status, reason) => {
    expect(refusalOf(decide(url).verdict)).toMatchObject({ status, reason })
  })

  it("a wrong token in the header is not rescued by a right one in the query", () => {
    const verdict = decide(`/${LOG}?token=${token}`, {
      protocols: `${TOKEN_SUBPROTOCOL}, v1.${LOG}.1.x`
    }).verdict
    expect(refusalOf(verdict)).toMatchObject({ status: 401, reason: "malformed" })
  })

  it("asks the rate limiter only for a valid path, and refuses with 429 before checking the token", () => {
    expect(decide(`/a/${LOG}`).asked).toBe(0)
    expect(decide(`/short`).asked).toBe(0)
    const limited = decide(`/${LOG}?token=${token}`, { rate: false })
    expect(limited.asked).toBe(1)
    expect(refusalOf(limited.verdict)).toMatchObject({ status: 429, reason: "rate-limited" })
    // A wrong token still spends the address's allowance, so guessing is rate limited too.
    expect(decide(`/${LOG}?token=nope`).asked).toBe(1)
  })

  it("refuses everything with 503 while shutting down", () => {
    const { verdict, asked } = decide(`/${LOG}?token=${token}`, { shuttingDown: true })
    expect(refusalOf(verdict)).toMatchObject({ status: 503, reason: "shutting-down" })
    expect(asked).toBe(0)
  })
})

describe("offeredProtocols", () => {
  it("finds the token among the offered subprotocols and picks the one to answer with", () => {
    expect(offeredProtocols(undefined)).toEqual({ token: undefined, protocol: undefined })
    expect(offeredProtocols(`${TOKEN_SUBPROTOCOL},${token}`)).toEqual({ token, protocol: TOKEN_SUBPROTOCOL })
    expect(offeredProtocols("chat, superchat")).toEqual({ token: undefined, protocol: "chat" })
  })
})

describe("admitCapacity", () => {
  const limits = { ...defaultLimits, maxConnections: 3, maxConnectionsPerLog: 2 }
  it("closes with TOO_MANY_CONNECTIONS at the relay's and at the log's limit, counting upgrades in flight", () => {
    expect(admitCapacity({ connections: 2, connectionsOnLog: 1, limits })).toBeUndefined()
    expect(admitCapacity({ connections: 3, connectionsOnLog: 0, limits })).toEqual({
      close: CloseCode.TOO_MANY_CONNECTIONS,
      reason: "too-many-connections",
      message: "relay is full"
    })
    expect(admitCapacity({ connections: 2, connectionsOnLog: 2, limits })).toMatchObject({
      close: CloseCode.TOO_MANY_CONNECTIONS,
      reason: "log-too-many-connections"
    })
  })
})
