// Revocation on every process at once: two relays on one Postgres and one Redis, sharing the
// credentials in Postgres (the default). A device's credential revoked through one relay closes that
// device's socket on the other one within a moment (REVOKED, 4410), over the bus (and Postgres'
// NOTIFY, whichever comes first: hearing it twice closes nothing twice). Without the bus, see
// PostgresAccess.test.ts.
import { randomBytes } from "node:crypto"
import { CloseCode } from "@relactation/core/protocol"
import { type PostgresServer, type RedisFixture, startPostgres, startRedis } from "@relactation/testkit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PostgresStorage } from "../src/PostgresStorage.js"
import { RedisBus } from "../src/RedisBus.js"
import { createRelay, type RelayHandle } from "../src/Relay.js"
import { client, silent, until } from "./helpers.js"

const secret = randomBytes(32).toString("base64url")
let pg: PostgresServer
let redis: RedisFixture
const closers: Array<() => Promise<unknown> | unknown> = []
const relays: Array<RelayHandle> = []

beforeAll(async () => {
  pg = await startPostgres()
  redis = await startRedis()
  for (let i = 0; i < 2; i++) {
    const storage = await PostgresStorage.open({ url: pg.url })
    const bus = await RedisBus.connect({ url: redis.url })
    const relay = await createRelay({ port: 0, secret, storage, bus, log: silent })
    relays.push(relay)
    closers.push(
      () => relay.close(),
      () => bus.close(),
      () => storage.close()
    )
  }
}, 60_000)

afterAll(async () => {
  for (const close of closers) await close()
  await redis?.stop()
  await pg?.stop()
})

describe("revocation with several processes", () => {
  it("closes the device's socket on the other process, and only that device's", async () => {
    const [a, b] = relays as [RelayHandle, RelayHandle]
    const logId = "family-bus-revoke"
    const tablet = await a.credential(logId)
    const phone = await a.credential(logId)
    using onB = client(b.url, logId, tablet.token)
    using keeper = client(b.url, logId, phone.token)
    await Promise.all([onB.synced(), keeper.synced()])
    expect((await a.revoke(logId, tablet.credentialId)).closed).toBe(0)
    await until(
      "b to close the tablet's socket",
      () => onB.closes.some((c) => c.code === CloseCode.REVOKED),
      5_000
    )
    expect(keeper.closes).toEqual([])
  })
})
