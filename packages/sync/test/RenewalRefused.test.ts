// A renewal the relay refuses ends the log's connection for good, on its own: a phone whose
// websocket cannot get through (a network that blocks websockets, so no close code ever arrives)
// still learns from its renewal that it was removed, or that its log was deleted, and says so
// instead of retrying forever. With the socket blocked, only the renewal can tell it.
import { describe, expect, it } from "vitest"
import WebSocket from "ws"
import type { DeviceCredential, EventLog, OpenLogOptions } from "../src/index.js"
import { phone, until } from "./helpers.js"
import { relayFolder } from "./relayFolder.js"

const LOG = "family-renewal-refused"
const SECRET = "Vt5nQ8wE2rY6uI0oP4aS7dF1gH3jK9lZ5xC8vB2nM6q"
const DAY_MS = 24 * 3_600_000

const temp = relayFolder("relactation-sync-renewal-", SECRET)

/** A real websocket whose every connection is refused (nothing listens on port 1). */
class Blocked extends WebSocket {
  constructor(url: string | URL, ...rest: Array<unknown>) {
    super(String(url).replace(/^(ws:\/\/[^/:]+):\d+/, "$1:1"), ...(rest as []))
  }
}

/** A phone that renews at once (a 30-day credential, a 31-day window), over a blocked socket. */
const blockedPhone = (
  relay: { url: string },
  credential: DeviceCredential,
  extra: Partial<OpenLogOptions> = {}
): Promise<EventLog> =>
  phone({ url: relay.url, token: () => credential.token }, LOG, "parent-a", 1, {
    WebSocketPolyfill: Blocked,
    renewBeforeMs: 31 * DAY_MS,
    ...extra
  })

describe("a refused renewal", () => {
  it("renews over http while the socket is blocked (the control: the renewal reaches the relay)", async () => {
    await using relay = await temp.relay()
    const credential = await relay.credential(LOG)
    const kept: Array<DeviceCredential> = []
    await using log = await blockedPhone(relay, credential, { onCredential: (c) => kept.push(c) })
    await until("renewed", () => kept.length === 1)
    expect(kept[0]?.credentialId).toBe(credential.credentialId)
    expect(["connecting", "offline"]).toContain(log.status)
  })

  it("of a revoked credential: status removed, no more reconnects, the app is not handed a credential", async () => {
    await using relay = await temp.relay()
    const credential = await relay.credential(LOG)
    await relay.revoke(LOG, credential.credentialId)
    const kept: Array<DeviceCredential> = []
    await using log = await blockedPhone(relay, credential, { onCredential: (c) => kept.push(c) })
    await until("removed", () => log.status === "removed")
    log.connect()
    expect(log.status).toBe("removed")
    expect(kept).toEqual([])
  })

  it("of a credential whose log was deleted: status deleted", async () => {
    await using relay = await temp.relay()
    const credential = await relay.credential(LOG)
    await relay.deleteLog(LOG)
    await using log = await blockedPhone(relay, credential)
    await until("deleted", () => log.status === "deleted")
    log.connect()
    expect(log.status).toBe("deleted")
  })
})
