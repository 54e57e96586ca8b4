// The nginx fixture runs the shipped deploy config in front of two real relays: websocket upgrades
// go through, one log id always lands on the same relay, and a relay that is down is skipped.
import { randomBytes } from "node:crypto"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createRelay, type RelayHandle } from "../../server/src/index.js"
import {
  type NginxFixture,
  rawUpgrade,
  SHIPPED_NGINX_CONF,
  siteConfig,
  startNginx,
  until
} from "../src/index.js"

const secret = randomBytes(32).toString("base64url")
const relays: Array<RelayHandle> = []
const dirs: Array<string> = []
let nginx: NginxFixture

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const dir = await mkdtemp(join(tmpdir(), "testkit-nginx-"))
    dirs.push(dir)
    relays.push(await createRelay({ port: 0, dataDir: dir, secret, log: () => {}, trustProxy: true }))
  }
  nginx = await startNginx({ relays: relays.map((relay) => ({ host: "127.0.0.1", port: relay.port })) })
})
afterAll(async () => {
  await nginx?.stop()
  for (const relay of relays) await relay.close()
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

const upstreamOf = (line: string): string => line.trim().split(" ").at(-2) ?? ""

describe("startNginx", () => {
  it("changes only the marked relay and listen blocks of the shipped config", async () => {
    const shipped = await readFile(SHIPPED_NGINX_CONF, "utf8")
    const site = siteConfig(shipped, [{ host: "127.0.0.1", port: 4001 }], 4000, "/tmp/x")
    expect(site).toContain("server 127.0.0.1:4001 max_fails=1 fail_timeout=10s;")
    expect(site).not.toContain("127.0.0.1:1234")
    expect(site).toContain("listen 127.0.0.1:4000;")
    expect(site).toContain("hash $relactation_log_id consistent;")
    const unmarked = (text: string) =>
      text.replace(/# (relays|listen): begin[\s\S]*?# \1: end/g, "").replace(/access_log \S+/, "")
    expect(unmarked(site)).toBe(unmarked(shipped))
  })

  it("upgrades websockets and sends every connection of one log to the same relay", async () => {
    const logs = Array.from({ length: 12 }, (_, i) => `family-nginx-${String(i).padStart(4, "0")}`)
    for (const logId of logs) {
      for (let i = 0; i < 3; i++) {
        expect((await rawUpgrade(nginx.url, `/${logId}?token=${relays[0]?.token(logId)}`)).status).toBe(101)
      }
    }
    // nginx writes a websocket's line when the proxied connection has ended, a moment after ours.
    const logged = () =>
      nginx
        .accessLog()
        .trim()
        .split("\n")
        .filter((line) => line !== "")
    await until("nginx to log all 36 upgrades", () => logged().length === 36)
    const lines = logged()
    // No query string (and so no token) in the access log.
    expect(nginx.accessLog()).not.toContain("token")
    const byLog = new Map<string, Set<string>>()
    for (const line of lines) {
      const logId = /GET \/([^ ]+)/.exec(line)?.[1] ?? ""
      byLog.set(logId, (byLog.get(logId) ?? new Set()).add(upstreamOf(line)))
    }
    for (const upstreams of byLog.values()) expect(upstreams.size).toBe(1)
    // Twelve logs over two relays: both get some (consistent hashing spreads them).
    expect(new Set([...byLog.values()].flatMap((set) => [...set])).size).toBe(2)
  })

  it("skips a relay that is down: every log still connects, to the one left", async () => {
    await relays[1]?.close()
    const before = nginx.accessLog().length
    for (let i = 0; i < 12; i++) {
      const logId = `family-nginx-${String(i).padStart(4, "0")}`
      expect((await rawUpgrade(nginx.url, `/${logId}?token=${relays[0]?.token(logId)}`)).status).toBe(101)
    }
    const logged = () =>
      nginx
        .accessLog()
        .slice(before)
        .trim()
        .split("\n")
        .filter((line) => line !== "")
    await until("nginx to log all 12 upgrades", () => logged().length === 12)
    const lines = logged()
    // A request that was tried on the dead relay first names both upstreams; the last one answered.
    for (const line of lines)
      expect(upstreamOf(line).split(",").at(-1)?.trim()).toBe(`127.0.0.1:${relays[0]?.port}`)
  })
})
