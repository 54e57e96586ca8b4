import { CloseCode } from "@relactation/core/protocol"
import { describe, expect, it } from "vitest"
import { createRelay, type RelayHooks } from "../src/index.js"
import { client, opened, rawClient, refusal, silent, tempDir, until, updateMessage } from "./helpers.js"

const LOG = "family-hooks-01"
const SECRET = "hooks-secret-0123456789-abcdefghijklmnopqrstu"

type Calls = Array<[keyof RelayHooks, unknown]>

/** Hooks that record every call, in order. */
const recording = (calls: Calls, overrides: Partial<RelayHooks> = {}): RelayHooks => {
  const hooks: Record<string, (event: unknown) => unknown> = {}
  for (const name of [
    "onAuthenticate",
    "onConnect",
    "onDisconnect",
    "onRefuse",
    "onLoad",
    "onUnload",
    "onStore",
    "onCompact",
    "onError"
  ] as const) {
    hooks[name] = (event) => {
      calls.push([name, event])
      const override = overrides[name] as ((event: unknown) => unknown) | undefined
      return override === undefined ? name === "onAuthenticate" || undefined : override(event)
    }
  }
  return hooks as RelayHooks
}

const of = (calls: Calls, name: keyof RelayHooks) => calls.filter(([hook]) => hook === name).map(([, e]) => e)

describe("RelayHooks", () => {
  it("onAuthenticate sees log id, address and expiry; false refuses with 403, a throw too", async () => {
    using dir = tempDir()
    const calls: Calls = []
    let answer: () => boolean = () => false
    await using relay = await createRelay({
      port: 0,
      dataDir: dir.path,
      secret: SECRET,
      log: silent,
      hooks: recording(calls, { onAuthenticate: () => answer() })
    })
    const url = `${relay.url}/${LOG}?token=${relay.token(LOG, { ttlSeconds: 600 })}`
    expect((await refusal(url)).status).toBe(403)
    const [auth] = of(calls, "onAuthenticate") as Array<{ logId: string; ip: string; expiresAt: number }>
    expect(auth?.logId).toBe(LOG)
    expect(auth?.ip).toBe("127.0.0.1")
    expect(Math.abs((auth?.expiresAt ?? 0) - (Date.now() / 1000 + 600))).toBeLessThan(5)
    expect(of(calls, "onRefuse")).toEqual([{ reason: "forbidden", status: 403 }])
    answer = () => {
      throw new Error("hook bug")
    }
    expect((await refusal(url)).status).toBe(403)
    expect(relay.metrics()).toContain('relactation_relay_errors_total{kind="internal"} 1')
    answer = () => true
    using raw = rawClient(url)
    await opened(raw.socket)
    // A refused token never reaches onAuthenticate.
    const before = of(calls, "onAuthenticate").length
    expect((await refusal(`${relay.url}/${LOG}?token=nope`)).status).toBe(401)
    expect(of(calls, "onAuthenticate").length).toBe(before)
    expect(of(calls, "onRefuse").at(-1)).toEqual({ reason: "malformed", status: 401 })
  })

  it("onConnect, onStore, onDisconnect, onUnload and onLoad report ids and counts in order", async () => {
    using dir = tempDir()
    const calls: Calls = []
    {
      await using relay = await createRelay({
        port: 0,
        dataDir: dir.path,
        secret: SECRET,
        log: silent,
        limits: { unloadAfterMs: 0 },
        hooks: recording(calls)
      })
      const url = `${relay.url}/${LOG}?token=${relay.token(LOG)}`
      const raw = rawClient(url)
      await opened(raw.socket)
      await until("connected", () => of(calls, "onConnect").length === 1)
      raw.socket.send(updateMessage("one"))
      raw.socket.send(updateMessage("two"))
      await until("stored twice", () => of(calls, "onStore").length === 2)
      raw.socket.close()
      await until("unloaded", () => of(calls, "onUnload").length === 1)
      const stores = of(calls, "onStore") as Array<{ logId: string; updates: number; bytes: number }>
      expect(stores.map((s) => [s.logId, s.updates])).toEqual([
        [LOG, 1],
        [LOG, 2]
      ])
      expect(stores[1]?.bytes).toBeGreaterThan(stores[0]?.bytes ?? 0)
      expect(of(calls, "onLoad")).toEqual([{ logId: LOG, updates: 0, bytes: 0 }])
      expect(of(calls, "onConnect")).toEqual([{ logId: LOG, connections: 1 }])
      expect(of(calls, "onDisconnect")).toEqual([{ logId: LOG, code: 1005, connections: 0 }])
      expect(of(calls, "onUnload")).toEqual([{ logId: LOG }])
      const order = calls.map(([name]) => name).filter((name) => name !== "onAuthenticate")
      expect(order).toEqual(["onLoad", "onConnect", "onStore", "onStore", "onDisconnect", "onUnload"])
      const stored = stores[1]
      calls.length = 0
      // After a restart, onLoad reports what was stored.
      await relay.close()
      await using again = await createRelay({
        port: 0,
        dataDir: dir.path,
        secret: SECRET,
        log: silent,
        hooks: recording(calls)
      })
      using reader = client(again.url, LOG, again.token(LOG))
      await reader.synced()
      expect(of(calls, "onLoad")).toEqual([{ logId: LOG, updates: 2, bytes: stored?.bytes }])
    }
  })

  it("onCompact reports the compacted size; onRefuse reports close refusals as status 101", async () => {
    using dir = tempDir()
    const calls: Calls = []
    await using relay = await createRelay({
      port: 0,
      dataDir: dir.path,
      secret: SECRET,
      log: silent,
      limits: { compactAfterUpdates: 3, maxConnectionsPerLog: 1 },
      hooks: recording(calls)
    })
    const url = `${relay.url}/${LOG}?token=${relay.token(LOG)}`
    using raw = rawClient(url)
    await opened(raw.socket)
    for (const event of ["a", "b", "c"]) raw.socket.send(updateMessage(event))
    await until("compacted", () => of(calls, "onCompact").length === 1)
    expect(of(calls, "onCompact")[0]).toMatchObject({ logId: LOG, updates: 1 })
    using second = rawClient(url)
    expect((await second.closed).code).toBe(CloseCode.TOO_MANY_CONNECTIONS)
    expect(of(calls, "onRefuse")).toEqual([{ reason: "log-too-many-connections", status: 101 }])
  })

  it("onError reports the kind and the log of a protocol error", async () => {
    using dir = tempDir()
    const calls: Calls = []
    await using relay = await createRelay({
      port: 0,
      dataDir: dir.path,
      secret: SECRET,
      log: silent,
      hooks: recording(calls)
    })
    using raw = rawClient(`${relay.url}/${LOG}?token=${relay.token(LOG)}`)
    await opened(raw.socket)
    raw.socket.send(new Uint8Array([0xff, 0xff, 0xff, 0x7f]))
    expect((await raw.closed).code).toBe(CloseCode.MALFORMED)
    expect(of(calls, "onError")).toEqual([{ kind: "malformed-message", logId: LOG }])
  })

  it("a throwing observer hook is logged and counted, and the relay carries on", async () => {
    using dir = tempDir()
    const lines: Array<Record<string, unknown>> = []
    const boom = () => {
      throw new Error("observer bug")
    }
    await using relay = await createRelay({
      port: 0,
      dataDir: dir.path,
      secret: SECRET,
      log: (line) => lines.push(line),
      hooks: { onConnect: boom, onStore: boom, onLoad: boom }
    })
    using alice = client(relay.url, LOG, relay.token(LOG))
    using bob = client(relay.url, LOG, relay.token(LOG))
    await Promise.all([alice.synced(), bob.synced()])
    alice.events.push(["still relayed"])
    await until("bob got it", () => bob.events.length === 1)
    expect(lines.filter((line) => line.event === "hook-failed").map((line) => line.hook)).toEqual(
      expect.arrayContaining(["onLoad", "onConnect", "onStore"])
    )
    expect(relay.metrics()).toMatch(/relactation_relay_errors_total\{kind="internal"\} [4-9]/)
  })
})
