// The smaller hardening items of issue 11: secret strength, file modes, summarized refusal lines.
import { statSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { createRelay, DATABASE_FILE } from "../src/index.js"
import { runCli } from "../src/internal/Cli.js"
import { secretWeakness } from "../src/internal/Secret.js"
import { client, refusal, silent, tempDir } from "./helpers.js"

const LOG = "family-harden-01"

describe("the token secret", () => {
  it.each([
    ["3 characters", "abc"],
    ["a password", "correct horse battery staple"],
    ["32 hex characters (16 bytes)", "0123456789abcdef0123456789abcdef"],
    ["a repeated character", "a".repeat(80)]
  ])("refuses %s, saying what is needed", async (_name, secret) => {
    expect(secretWeakness(secret)).toContain("at least 32 bytes of entropy")
    using dir = tempDir()
    await expect(createRelay({ port: 0, dataDir: dir.path, secret, log: silent })).rejects.toThrow(
      "createRelay: secret must carry at least 32 bytes of entropy"
    )
    let stderr = ""
    const code = await runCli(
      ["serve"],
      { RELAY_SECRET: secret, RELAY_DATA: dir.path },
      {
        stdout: () => {},
        stderr: (text) => (stderr += text)
      }
    )
    expect(code).toBe(2)
    expect(stderr).toContain("RELAY_SECRET must carry at least 32 bytes of entropy")
    let tokenErr = ""
    expect(
      await runCli(
        ["token", LOG],
        { RELAY_SECRET: secret },
        { stdout: () => {}, stderr: (t) => (tokenErr += t) }
      )
    ).toBe(2)
    expect(tokenErr).toContain("RELAY_SECRET must carry")
  })

  it.each([
    ["openssl rand -base64 32", "b1N0cmFuZ2UgYnV0IHJhbmRvbSBieXRlcyBmb3IgdGVzdHMh7Q="],
    ["openssl rand -hex 32", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    ["the generated secret", "C7cfSUy7KFOXy6aOhP2qExgCMVW-3V_VAo76hcN_Y64"]
  ])("accepts %s", (_name, secret) => {
    expect(secretWeakness(secret)).toBeUndefined()
  })
})

describe("the data folder", () => {
  it("is created 0700, with the database, its WAL and SHM and the secret 0600", async () => {
    using parent = tempDir()
    const dataDir = join(parent.path, "relay-data")
    await using relay = await createRelay({ port: 0, dataDir, log: silent })
    using alice = client(relay.url, LOG, relay.token(LOG))
    await alice.synced()
    alice.events.push(["private"])
    await relay.flush()
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8)
    expect(mode(dataDir)).toBe("700")
    for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, "secret"])
      expect([file, mode(join(dataDir, file))]).toEqual([file, "600"])
  })
})

describe("refusal log lines", () => {
  it("are summarized when one reason repeats: ten lines a minute, then one count", async () => {
    using dir = tempDir()
    const lines: Array<Record<string, unknown>> = []
    const relay = await createRelay({ port: 0, dataDir: dir.path, log: (line) => lines.push(line) })
    for (let i = 0; i < 30; i++)
      expect((await refusal(`${relay.url}/${LOG}?token=wrong-${i}`)).status).toBe(401)
    expect(lines.filter((line) => line.event === "refuse")).toHaveLength(10)
    await relay.close()
    expect(lines.filter((line) => line.event === "refuse-repeated")).toEqual([
      {
        level: "info",
        event: "refuse-repeated",
        reason: "malformed",
        status: 401,
        count: 20,
        windowMs: 60_000
      }
    ])
    expect(relay.metrics()).toContain('relactation_relay_refused_connections_total{reason="malformed"} 30')
  })
})
