// Devices against a real relay and its SQLite file: a phone joins with a join token, names itself
// inside the log, renews its credential by itself, and is removed by another device: it then shows
// `removed` instead of retrying, while the others keep syncing.
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { mintCredential } from "@relactation/server"
import { describe, expect, it } from "vitest"
import {
  AccessRefused,
  type DeviceCredential,
  type EventLog,
  generateFamilyKey,
  joinLog,
  type OpenLogOptions
} from "../src/index.js"
import { phone, until } from "./helpers.js"
import { relayFolder } from "./relayFolder.js"

const LOG = "family-devices-sync"
const SECRET = "Zq3v8Kx1pL0aB7nM2cD9eF4gH6jK8lQ1wE3rT5yU7iO"
const temp = relayFolder("relactation-sync-devices-", SECRET)

/** A phone on its own device credential (as the app opens it after `joinLog`). */
const device = (
  relay: { url: string },
  credential: DeviceCredential | { token: string },
  caregiver: string,
  seed: number,
  extra: Partial<OpenLogOptions> = {}
): Promise<EventLog> =>
  phone({ url: relay.url, token: () => credential.token }, LOG, caregiver, seed, {
    presence: { name: `${caregiver}'s phone` },
    ...extra
  })

describe("devices", () => {
  it("a joined phone names itself in the log; another device removes it: refused, status removed, the others keep syncing", async () => {
    await using relay = await temp.relay()
    const first = await relay.credential(LOG)
    await using a = await device(relay, first, "parent-a", 1)
    await a.whenSynced()
    // A invites, B joins with the join token (once).
    const { joinToken } = await a.invite()
    const joined = await joinLog({ url: relay.url, logId: LOG, joinToken })
    expect(joined.credentialId).not.toBe(first.credentialId)
    await expect(joinLog({ url: relay.url, logId: LOG, joinToken })).rejects.toMatchObject({
      _tag: "AccessRefused",
      code: "join-used"
    })
    await using b = await device(relay, joined, "parent-b", 2)
    await using c = await device(relay, await relay.credential(LOG), "parent-c", 3)
    await Promise.all([b.whenSynced(), c.whenSynced()])
    expect(b.credentialId).toBe(joined.credentialId)

    await until("A lists all three with names", async () => {
      const listed = await a.devices()
      return (
        listed.length === 3 &&
        listed.every((entry) => entry.name !== undefined && entry.lastSeen !== undefined)
      )
    })
    const listed = await a.devices()
    expect(listed.find((entry) => entry.self)?.credentialId).toBe(first.credentialId)
    expect(listed.find((entry) => entry.credentialId === joined.credentialId)?.name).toBe("parent-b's phone")

    const statuses: Array<string> = []
    b.onStatus((status) => statuses.push(status))
    await a.removeDevice(joined.credentialId as string)
    await until("B shows removed", () => b.status === "removed")
    expect(statuses).toContain("removed")
    // It stays removed: no reconnect attempts.
    b.connect()
    expect(b.status).toBe("removed")
    await expect(b.devices()).rejects.toMatchObject({ code: "revoked" })
    // The names list no longer has B; A and C keep syncing.
    expect((await a.devices()).map((entry) => entry.credentialId).sort()).toEqual(
      [first.credentialId, c.credentialId].sort()
    )
    await a.append({ type: "latch", durationSec: 600, side: "left" })
    await until("C has A's event", () => c.events.length === 1)
    expect(b.events.length).toBe(0)
  })

  it("renews its own credential before it expires, keeping its id, and tells the app; an expired one stays expired", async () => {
    await using relay = await temp.relay()
    // A credential with an hour left, a renewal window of a day: renewed at once.
    const short = mintCredential(SECRET, LOG, { ttlSeconds: 3_600 })
    const renewed: Array<DeviceCredential> = []
    await using a = await device(relay, short, "parent-a", 4, {
      renewBeforeMs: 24 * 3_600_000,
      onCredential: (credential) => renewed.push(credential)
    })
    await until("renewed", () => renewed.length === 1)
    expect(renewed[0]?.credentialId).toBe(short.credentialId)
    expect(renewed[0]?.expiresAt).toBeGreaterThan(short.expiresAt + 24 * 3_600)
    expect(a.credential?.token).toBe(renewed[0]?.token)
    await a.whenSynced()

    // An expired credential cannot renew.
    const expired = mintCredential(SECRET, LOG, { ttlSeconds: 60, now: Date.now() - 120_000 })
    const response = await fetch(`${relay.url.replace(/^ws/, "http")}/logs/${LOG}/renew`, {
      method: "POST",
      headers: { authorization: `Bearer ${expired.token}` }
    })
    expect(response.status).toBe(401)
  })

  it("an older family token is exchanged for a credential of its own when the app can keep it", async () => {
    await using relay = await temp.relay()
    const kept: Array<DeviceCredential> = []
    await using a = await device(relay, { token: relay.token(LOG) }, "parent-a", 5, {
      onCredential: (credential) => kept.push(credential)
    })
    await until("exchanged", () => kept.length === 1)
    expect(kept[0]?.token).toMatch(/^v2\./)
    expect(a.credentialId).toBe(kept[0]?.credentialId)
  })

  it("a device deletes the log from the relay: every device ends with status deleted", async () => {
    await using relay = await temp.relay()
    await using a = await device(relay, await relay.credential(LOG), "parent-a", 6)
    await using b = await device(relay, await relay.credential(LOG), "parent-b", 7)
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await a.deleteFromRelay()
    await until("both deleted", () => a.status === "deleted" && b.status === "deleted")
    await expect(b.removeDevice("short")).rejects.toBeInstanceOf(AccessRefused)
  })
  it("in a sealed log the names (and public keys) in the document are sealed: the relay's files hold none of them", async () => {
    await using relay = await temp.relay()
    const key = generateFamilyKey()
    const names = ["Alexandra's phone", "Samuel's phone"]
    const sealed = (credential: DeviceCredential, i: number) =>
      phone({ url: relay.url, token: () => credential.token }, LOG, `parent-${i}`, 20 + i, {
        key,
        presence: { name: names[i]! }
      })
    // The same names on a plaintext log of the same relay: the scan below finds them there.
    const PLAIN = "family-devices-plain"
    const plain = (credential: DeviceCredential, i: number) =>
      phone({ url: relay.url, token: () => credential.token }, PLAIN, `parent-${i}`, 30 + i, {
        presence: { name: names[i]! }
      })
    await using a = await sealed(await relay.credential(LOG), 0)
    await using b = await sealed(await relay.credential(LOG), 1)
    await using p = await plain(await relay.credential(PLAIN), 0)
    await Promise.all([a.whenSynced(), b.whenSynced(), p.whenSynced()])
    await until(
      "A lists both names",
      async () => JSON.stringify((await a.devices()).map((d) => d.name).sort()) === JSON.stringify(names)
    )
    expect((await p.devices()).map((d) => d.name)).toEqual([names[0]])
    // What the relay stored, in every file of its data folder (database and WAL).
    const files = async () => {
      const folder = join(temp.path(), "relay")
      const all = await Promise.all((await readdir(folder)).map((f) => readFile(join(folder, f))))
      return Buffer.concat(all)
    }
    // Closing the relay stores everything it received (both records reached A through it).
    await relay.close()
    const stored = await files()
    expect(stored.includes(Buffer.from(names[0]!))).toBe(true) // the plaintext log's: the scan finds
    expect(stored.includes(Buffer.from(names[1]!))).toBe(false)
    expect(stored.includes(Buffer.from("Samuel"))).toBe(false)
  })
})
