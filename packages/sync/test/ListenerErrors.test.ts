// The one policy for app listeners that throw: the error reaches `onError` (by default
// `console.error`), the other listeners still run, and the log keeps working.
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRelay } from "@relactation/server"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { type ListenerSource, openLog } from "../src/index.js"
import { clock, phone, prng, until } from "./helpers.js"

const options = () => ({
  logId: "family-listeners-1",
  caregiver: "parent-a",
  child: "baby-1",
  persistence: { kind: "memory" } as const,
  projections: { timeZone: "Europe/Berlin" },
  now: clock().now,
  random: prng(11)
})

type Reported = Array<readonly [unknown, ListenerSource]>

describe("listener errors", () => {
  it("a throwing subscribe listener reaches onError; the other listeners and the log go on", async () => {
    const reported: Reported = []
    await using log = await openLog({ ...options(), onError: (e, source) => reported.push([e, source]) })
    const boom = new Error("app bug")
    const seen: Array<string> = []
    log.subscribe(() => seen.push("first"))
    log.subscribe(() => {
      throw boom
    })
    log.subscribe(() => seen.push("third"))
    const event = await log.append({ type: "weigh-in", grams: 3400 })
    expect(seen).toEqual(["first", "third"])
    expect(reported).toEqual([[boom, "subscribe"]])
    // The log still works: the next append is stored and notified.
    await log.append({ type: "weigh-in", grams: 3450 })
    expect(seen).toEqual(["first", "third", "first", "third"])
    expect(log.events.map((e) => e.id)).toContain(event.id)
    expect(reported).toHaveLength(2)
  })

  it("a throwing onPeers listener reaches onError; the others still get the peers", async () => {
    const reported: Reported = []
    await using log = await openLog({ ...options(), onError: (e, source) => reported.push([e, source]) })
    const names: Array<string | undefined> = []
    log.onPeers(() => {
      throw new Error("peers bug")
    })
    log.onPeers((peers) => names.push(peers[0]?.name))
    log.setPresenceName("Alex")
    expect(names).toEqual(["Alex"])
    expect(reported.map(([e, source]) => [(e as Error).message, source])).toEqual([["peers bug", "onPeers"]])
  })

  it("by default a throwing listener goes to console.error", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {})
    try {
      await using log = await openLog(options())
      const boom = new Error("unhandled app bug")
      log.subscribe(() => {
        throw boom
      })
      await log.append({ type: "weigh-in", grams: 3400 })
      expect(spy).toHaveBeenCalledWith("@relactation/sync: a subscribe listener threw", boom)
    } finally {
      spy.mockRestore()
    }
  })

  it("an onError that throws itself still leaves both errors on the console", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {})
    try {
      const broken = new Error("onError bug")
      await using log = await openLog({
        ...options(),
        onError: () => {
          throw broken
        }
      })
      const boom = new Error("listener bug")
      log.subscribe(() => {
        throw boom
      })
      await expect(log.append({ type: "weigh-in", grams: 3400 })).resolves.toMatchObject({ grams: 3400 })
      expect(spy.mock.calls.map((call) => call[1])).toEqual([broken, boom])
    } finally {
      spy.mockRestore()
    }
  })

  it("rejects an onError that is not a function", async () => {
    await expect(openLog({ ...options(), onError: "log" as never })).rejects.toMatchObject({
      _tag: "InvalidLogOptions",
      option: "onError"
    })
  })
})

describe("listener errors with a relay", () => {
  let dir = ""
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "relactation-listeners-"))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("a throwing onStatus listener reaches onError; the others see every status up to synced", async () => {
    await using relay = await createRelay({
      port: 0,
      dataDir: dir,
      secret: "8di7rTkUZoMx5KZTfEwUcOBmg4KeRD__ziftrvkUYS4",
      log: () => {}
    })
    const reported: Reported = []
    await using log = await phone(relay, "family-listeners-2", "parent-a", 12, {
      onError: (e, source) => reported.push([e, source])
    })
    const statuses: Array<string> = []
    log.onStatus(() => {
      throw new Error("status bug")
    })
    log.onStatus((status) => statuses.push(status))
    log.disconnect()
    log.connect()
    await until("the status to reach synced", () => statuses.includes("synced"))
    expect(statuses.at(-1)).toBe("synced")
    expect(reported.length).toBe(statuses.length)
    expect(new Set(reported.map(([, source]) => source))).toEqual(new Set(["onStatus"]))
    await log.whenSynced()
  })
})
