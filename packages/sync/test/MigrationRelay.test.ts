// The move of a plaintext log to a sealed one (issue 12 item 6), checked at a real relay with its
// real SQLite file: two phones on a plaintext log, phone A copies it into a new sealed log (B joins
// that one from A's invite) and deletes the old log from the relay with its own credential. Every
// event is then in the sealed log on both phones, the old log's rows are gone from the database
// file, B's old socket was closed with LOG_DELETED (4404) and B says `deleted`, and no credential
// of the old log (B's own, a fresh family token, a renewal) brings it back.
import { mkdtemp, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CloseCode } from "@relactation/core/protocol"
import { createRelay } from "@relactation/server"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import WebSocket from "ws"
import {
  copyToSealedLog,
  type DeviceCredential,
  type EventLog,
  generateFamilyKey,
  joinLog,
  type OpenLogOptions
} from "../src/index.js"
import { phone, until } from "./helpers.js"

const OLD = "family-plain-old"
const NEW = "family-sealed-new"
const SECRET = "Mg7yT2qW9xLr4Kd8Zp1Vb6Nc3Hf5Js0Ae2Uo8Ri4Ty7"

// The relay's own SQLite driver (a dependency of the server package, not of this one), to read its
// file the way an operator would: read-only, beside the running relay.
type Db = {
  prepare(sql: string): { get(...params: Array<unknown>): unknown }
  close(): void
}
const Database = createRequire(new URL("../../server/package.json", import.meta.url))(
  "better-sqlite3"
) as new (
  file: string,
  options: { readonly: boolean; fileMustExist: boolean }
) => Db

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "relactation-sync-migration-"))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A WebSocket that keeps, for every socket it opened, the code it closed with (0 while open). */
const recordingCloses = (sockets: Array<{ code: number }>) =>
  class RecordingCloses extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args)
      const socket = { code: 0 }
      sockets.push(socket)
      this.on("close", (code: number) => {
        socket.code = code
      })
    }
  }

const device = (
  relay: { url: string },
  logId: string,
  credential: DeviceCredential | { token: string },
  caregiver: string,
  seed: number,
  extra: Partial<OpenLogOptions> = {}
): Promise<EventLog> =>
  phone({ url: relay.url, token: () => credential.token }, logId, caregiver, seed, extra)

const rowsOf = (file: string, logId: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return (db.prepare("SELECT count(*) AS n FROM updates WHERE log_id = ?").get(logId) as { n: number }).n
  } finally {
    db.close()
  }
}

const deletedAtRelay = (file: string, logId: string): boolean => {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db.prepare("SELECT 1 FROM deleted_logs WHERE log_id = ?").get(logId) !== undefined
  } finally {
    db.close()
  }
}

const ids = (log: EventLog) => log.events.map((event) => event.id)

describe("migration to a sealed log, at the relay", () => {
  it("every event in the new log on both phones, the old log's rows gone, B closed with 4404 and told, and no old credential brings it back", async () => {
    await using relay = await createRelay({
      port: 0,
      dataDir: join(dir, "relay"),
      secret: SECRET,
      log: () => {}
    })
    const file = join(dir, "relay", "relay.sqlite")
    const credA = await relay.credential(OLD)
    const credB = await relay.credential(OLD)
    const bSockets: Array<{ code: number }> = []
    await using a = await device(relay, OLD, credA, "parent-a", 1)
    await using b = await device(relay, OLD, credB, "parent-b", 2, {
      WebSocketPolyfill: recordingCloses(bSockets)
    })
    await Promise.all([a.whenSynced(), b.whenSynced()])

    // A few days on the plaintext log, written on both phones.
    const day = Date.parse("2027-03-01T06:00:00Z")
    const at = (hours: number) => new Date(day + hours * 3_600_000).toISOString()
    await a.append({ type: "latch", at: at(0), durationSec: 900, side: "left" })
    await b.append({ type: "supplement", at: at(1), ml: 30, milk: "formula", via: "sns" })
    await a.append({ type: "pump", at: at(3), durationSec: 600, method: "electric", totalMl: 0 })
    await b.append({ type: "weigh-in", at: at(5), grams: 3620 })
    await a.append({ type: "medication", at: at(6), name: "domperidone", dose: 10, unit: "mg" })
    await b.append({ type: "latch", at: at(26), durationSec: 1200, side: "both" })
    await b.retract(b.events.find((event) => event.type === "weigh-in")!.id, "wrong scale")
    await until("both phones have all 7 on the old log", () => a.events.length === 7 && b.events.length === 7)
    const before = ids(a)
    expect(ids(b)).toEqual(before)
    await relay.flush()
    expect(rowsOf(file, OLD)).toBeGreaterThan(0)

    // A moves: a new log, a new family key, every event copied; B joins it from A's invite.
    const key = generateFamilyKey()
    await using sealedA = await device(relay, NEW, await relay.credential(NEW), "parent-a", 3, { key })
    expect(await copyToSealedLog(a, sealedA)).toEqual({ copied: 7, already: 0, notCopied: 0, total: 7 })
    await sealedA.whenSynced()
    const { joinToken } = await sealedA.invite()
    const joined = await joinLog({ url: relay.url, logId: NEW, joinToken })
    await using sealedB = await device(relay, NEW, joined, "parent-b", 4, { key })
    await until("B has every event in the sealed log", () => sealedB.events.length === 7)
    expect(sealedB.sealed && sealedA.sealed).toBe(true)
    expect(ids(sealedA)).toEqual(before)
    expect(ids(sealedB)).toEqual(before)
    expect(sealedB.events).toEqual(a.events)
    expect(sealedB.dailyTotals).toEqual(b.dailyTotals)

    // A deletes the old log with its own credential for it.
    const bStatuses: Array<string> = []
    b.onStatus((status) => bStatuses.push(status))
    const bOpen = bSockets.at(-1)
    expect(bOpen?.code).toBe(0)
    const bOpened = bSockets.length
    await a.deleteFromRelay()
    await until("B's old log says deleted", () => b.status === "deleted")
    expect(bStatuses).toContain("deleted")
    // The socket B had open was closed with the named code, and B did not try again.
    expect(bOpen?.code).toBe(CloseCode.LOG_DELETED)
    expect(bSockets.length).toBe(bOpened)
    expect(a.status).toBe("deleted")
    await relay.flush()
    expect(rowsOf(file, OLD)).toBe(0)
    expect(deletedAtRelay(file, OLD)).toBe(true)
    // The sealed log is untouched and still syncs.
    expect(rowsOf(file, NEW)).toBeGreaterThan(0)
    await sealedB.append({ type: "latch", at: at(30), durationSec: 600, side: "right" })
    await until("A has B's new event in the sealed log", () => sealedA.events.length === 8)

    // No credential of the old log brings it back. B, still holding every old event, stays deleted.
    b.connect()
    expect(b.status).toBe("deleted")
    // A fresh phone with B's old credential, and one with a family token for the old log, both
    // holding a new event: refused with LOG_DELETED, nothing stored.
    for (const [n, token] of [credB.token, relay.token(OLD)].entries()) {
      const sockets: Array<{ code: number }> = []
      await using back = await device(relay, OLD, { token }, `parent-${n}`, 10 + n, {
        WebSocketPolyfill: recordingCloses(sockets)
      })
      await back.append({ type: "latch", at: at(40 + n), durationSec: 300, side: "left" })
      await until(`old-log phone ${n} says deleted`, () => back.status === "deleted")
      expect(sockets.map((socket) => socket.code)).toEqual([CloseCode.LOG_DELETED])
    }
    // Renewing the old credential is refused too (410 log-deleted).
    const renew = await fetch(`${relay.url.replace(/^ws/, "http")}/logs/${OLD}/renew`, {
      method: "POST",
      headers: { authorization: `Bearer ${credB.token}` }
    })
    expect(renew.status).toBe(410)
    expect(((await renew.json()) as { error?: string }).error).toBe("log-deleted")
    await relay.flush()
    expect(rowsOf(file, OLD)).toBe(0)
  })
})
