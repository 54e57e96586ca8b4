// The kit against a real relay: raw upgrade requests and phones.
import { randomBytes } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createRelay, type RelayHandle } from "../../server/src/index.js"
import { phone, rawUpgrade, runSeed, until } from "../src/index.js"

const LOG = "family-testkit-0001"
let relay: RelayHandle
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "testkit-"))
  relay = await createRelay({
    port: 0,
    dataDir: dir,
    secret: randomBytes(32).toString("base64url"),
    log: () => {}
  })
})
afterAll(async () => {
  await relay.close()
  await rm(dir, { recursive: true, force: true })
})

describe("rawUpgrade", () => {
  it("sends the path exactly as given and reports the relay's answer", async () => {
    expect(await rawUpgrade(relay.url, `/${LOG}?token=${relay.token(LOG)}`)).toEqual({
      status: 101,
      body: ""
    })
    expect((await rawUpgrade(relay.url, `/family-x/../${LOG}?token=${relay.token(LOG)}`)).status).toBe(404)
    const refused = await rawUpgrade(relay.url, `/${LOG}`)
    expect(refused.status).toBe(401)
  })
})

describe("phone", () => {
  it("opens two phones of one log on the relay; an append on one reaches the other", async () => {
    const seed = runSeed()
    await using a = await phone(relay, LOG, "parent-a", seed)
    await using b = await phone(relay, LOG, "parent-b", seed, { projections: { timeZone: "Asia/Tokyo" } })
    await Promise.all([a.whenSynced(), b.whenSynced()])
    const event = await a.append({ type: "latch", durationSec: 300, side: "left" })
    await until("b to see a's latch", () => b.events.some((e) => e.id === event.id))
    expect(event.by).toBe("parent-a")
    expect(event.child).toBe("baby-1")
  })
})
