// Per-device access with two relay processes on one real Postgres and no Redis: the credentials
// live in the shared database (PostgresStorage.credentials, the relay's default), so what one relay
// records the other sees, a join token is redeemed once in the whole deployment, and a revocation or
// deletion made through one relay reaches the other through LISTEN/NOTIFY, which closes the
// device's open socket there and refuses it at the upgrade, also after a restart.
import { randomBytes } from "node:crypto"
import { CloseCode } from "@relactation/core/protocol"
import { startPostgres } from "@relactation/testkit"
import { describe, expect, it } from "vitest"
import { PostgresStorage } from "../src/PostgresStorage.js"
import type { RelayHandle } from "../src/Relay.js"
import {
  accessRequest as http,
  client,
  closeCodeOf,
  postgresForFile,
  startPostgresRelay,
  until
} from "./helpers.js"

const secret = randomBytes(32).toString("base64url")
const LOG = "family-pg-access"

const postgres = postgresForFile("access")

const relayOn = (url: string) => startPostgresRelay(url, { secret })

/** Two relays on a fresh database, closed at the end. */
const twoRelays = async () => {
  const url = await postgres.database()
  const a = await relayOn(url)
  const b = await relayOn(url)
  return {
    url,
    a,
    b,
    [Symbol.asyncDispose]: async () => {
      await a.close()
      await b.close()
    }
  }
}

const url = (relay: RelayHandle, token: string) => `${relay.url}/${LOG}?token=${token}`

describe("credentials on Postgres, two relay processes, no bus", () => {
  it("a device removed through relay A is closed on relay B (4410) and refused there, also after B restarts", async () => {
    await using relays = await twoRelays()
    const { a } = relays
    let { b } = relays
    const phone = await a.credential(LOG)
    const tablet = await a.credential(LOG)
    using onB = client(b.url, LOG, tablet.token)
    using keeper = client(b.url, LOG, phone.token)
    await Promise.all([onB.synced(), keeper.synced()])

    const started = Date.now()
    // The phone removes the tablet through relay A, as the app does; A has no socket of it.
    expect(
      await http(a, `/logs/${LOG}/revoke`, {
        token: phone.token,
        body: { credentialId: tablet.credentialId }
      })
    ).toEqual({ status: 200, body: { revoked: tablet.credentialId, closed: 0 } })
    await until("relay B to close the tablet as revoked", () =>
      onB.closes.some((close) => close.code === CloseCode.REVOKED)
    )
    // The issue asks for "within a second"; printed, not asserted (no timed asserts in tests).
    console.log(`revocation on A closed the socket on B after ${Date.now() - started} ms`)
    onB.provider.disconnect()
    expect(keeper.closes).toEqual([])
    expect(await closeCodeOf(url(b, tablet.token))).toBe(CloseCode.REVOKED)

    // B restarts: the revocation is in the shared store, not in B's memory.
    await b.close()
    b = await relayOn(relays.url)
    try {
      expect(await closeCodeOf(url(b, tablet.token))).toBe(CloseCode.REVOKED)
      expect(await closeCodeOf(url(b, phone.token))).toBe(-1)
    } finally {
      await b.close()
    }
  })

  it("a join token redeemed on A cannot be redeemed on B, and of two racing redemptions one wins", async () => {
    await using relays = await twoRelays()
    const { a, b } = relays
    const phone = await a.credential(LOG)
    const invited = await http(a, `/logs/${LOG}/invite`, { token: phone.token })
    expect(invited.status).toBe(201)
    const joinToken = invited.body.joinToken as string
    expect((await http(a, `/logs/${LOG}/join`, { token: joinToken })).status).toBe(201)
    expect(await http(b, `/logs/${LOG}/join`, { token: joinToken })).toEqual({
      status: 409,
      body: { error: "join-used", message: "join token already used" }
    })
    const { joinToken: second } = await b.joinToken(LOG)
    const raced = await Promise.all(
      [a, b, a, b].map((relay) => http(relay, `/logs/${LOG}/join`, { token: second }))
    )
    expect(raced.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409])
    // The phone and both joined devices are known to both relays.
    const ids = async (relay: RelayHandle) => (await relay.devices(LOG)).map((device) => device.credentialId)
    expect(await ids(a)).toEqual(await ids(b))
    expect(await ids(b)).toHaveLength(3)
  })

  it("renews on B a credential issued on A (same id), lists it there, and not once A revoked it", async () => {
    await using relays = await twoRelays()
    const { a, b } = relays
    const phone = await a.credential(LOG)
    const renewed = await http(b, `/logs/${LOG}/renew`, { token: phone.token })
    expect(renewed.status).toBe(200)
    expect(renewed.body.credentialId).toBe(phone.credentialId)
    const listed = await fetch(`${b.url.replace(/^ws/, "http")}/logs/${LOG}/devices`, {
      headers: { authorization: `Bearer ${renewed.body.credential as string}` }
    })
    const body = (await listed.json()) as { self: string; devices: Array<{ credentialId: string }> }
    expect(body.self).toBe(phone.credentialId)
    expect(body.devices.map((device) => device.credentialId)).toEqual([phone.credentialId])
    await a.revoke(LOG, phone.credentialId)
    expect(await http(b, `/logs/${LOG}/renew`, { token: renewed.body.credential as string })).toEqual({
      status: 403,
      body: { error: "revoked", message: "credential revoked" }
    })
  })

  it("a log deleted through A: B closes its sockets (4404), refuses it, and the log is gone from Postgres", async () => {
    await using relays = await twoRelays()
    const { a, b } = relays
    const phone = await a.credential(LOG)
    using onB = client(b.url, LOG, phone.token)
    await onB.synced()
    onB.events.push(["to be deleted"])
    await b.flush()
    expect(await http(a, `/logs/${LOG}`, { method: "DELETE", token: phone.token })).toEqual({
      status: 200,
      body: { deleted: LOG }
    })
    await until("relay B to close the phone as deleted", () =>
      onB.closes.some((close) => close.code === CloseCode.LOG_DELETED)
    )
    onB.provider.disconnect()
    expect(await closeCodeOf(url(b, phone.token))).toBe(CloseCode.LOG_DELETED)
    const reader = await PostgresStorage.open({ url: relays.url, poolSize: 1 })
    try {
      // B removed what it still held too (it heard the deletion): nothing of the log is left.
      await until("the log's rows gone", async () => (await reader.load(LOG)).updates === 0)
      expect(await reader.load(LOG)).toEqual({ data: [], seq: 0, updates: 0, bytes: 0 })
      expect(await reader.credentials.list(LOG)).toEqual([])
    } finally {
      await reader.close()
    }
  })

  it("while Postgres is down, the credential check tells a new connection 1013 (try again later), not 500; admitted when it is back", async () => {
    await using server = await startPostgres()
    await using relay = await startPostgresRelay(await server.database("outage"), { secret })
    const phone = await relay.credential(LOG)
    await server.stopServer("fast")
    expect(await closeCodeOf(url(relay, phone.token))).toBe(CloseCode.STORE_UNAVAILABLE)
    await server.startServer()
    await until("admitted again", async () => (await closeCodeOf(url(relay, phone.token))) === -1)
  })
})
