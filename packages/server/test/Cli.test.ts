import { describe, expect, it } from "vitest"
import { verifyToken } from "../src/index.js"
import { runCli as runInProcess } from "../src/internal/Cli.js"
import { client, tempDir } from "./helpers.js"
import { runCli, serve } from "./process.js"

const LOG = "family-cli-0001"

describe("relactation-relay", () => {
  it("serve listens, prints a JSON line with the port, and shuts down gracefully on SIGTERM", async () => {
    using dir = tempDir()
    const relay = await serve(["--data", dir.path], {
      RELAY_SECRET: "KqpDkJkwkr32R8Dbi8a2K2jHFRaVUk14ZGoPzCtyKzU"
    })
    try {
      const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`)
      expect(health.status).toBe(200)
      // The token command with the same secret opens the served log.
      let token = ""
      const code = await runInProcess(
        ["token", LOG, "--ttl", "1h"],
        { RELAY_SECRET: "KqpDkJkwkr32R8Dbi8a2K2jHFRaVUk14ZGoPzCtyKzU" },
        {
          stdout: (text) => (token += text.trim()),
          stderr: () => {}
        }
      )
      expect(code).toBe(0)
      const verdict = verifyToken("KqpDkJkwkr32R8Dbi8a2K2jHFRaVUk14ZGoPzCtyKzU", token, LOG)
      expect(verdict.ok).toBe(true)
      if (verdict.ok) expect(verdict.expiresAt * 1000 - Date.now()).toBeLessThanOrEqual(3_600_000)
      using alice = client(relay.url, LOG, token)
      await alice.synced()
      alice.events.push(["via cli"])
      const closed = new Promise<number | undefined>((resolve) =>
        alice.provider.once("connection-close", (event) => resolve(event?.code))
      )
      relay.child.kill("SIGTERM")
      expect(await relay.exited).toBe(0)
      expect(await closed).toBe(1001)
    } finally {
      relay.child.kill("SIGKILL")
    }
  })

  it("reads flags from the environment and generates a reusable secret in the data folder", async () => {
    using dir = tempDir()
    const mint = async (args: Array<string>) => {
      let stdout = ""
      const code = await runInProcess(
        args,
        { RELAY_DATA: dir.path },
        { stdout: (t) => (stdout += t), stderr: () => {} }
      )
      expect(code).toBe(0)
      return stdout.trim()
    }
    const tokens = [await mint(["token", LOG]), await mint(["token", LOG, "--ttl", "30d"])]
    const relay = await serve([], { RELAY_DATA: dir.path, RELAY_HOST: "127.0.0.1" })
    try {
      // Both tokens were signed with the secret serve now reads from the same folder.
      for (const token of tokens) {
        using c = client(relay.url, LOG, token)
        await c.synced()
      }
    } finally {
      relay.child.kill("SIGTERM")
      await relay.exited
    }
  })

  it("a bad flag exits 2 with a message (real process)", async () => {
    const run = runCli(["serve", "--bogus"])
    expect(await run.exited).toBe(2)
    expect(run.stderr()).toContain("Unknown option '--bogus'")
    expect(run.stdout()).toBe("")
  })

  it.each([
    [["serve", "--port", "http"], "--port must be a whole number"],
    [["serve", "--max-message-bytes", "lots"], "--max-message-bytes must be a size"],
    [["serve", "--idle-timeout", "0s"], "--idle-timeout must be greater than zero"],
    [["serve", "--synchronous", "sometimes"], '--synchronous must be "full" or "normal"'],
    [["serve", "extra"], "serve takes no arguments"],
    [
      ["serve", "--trusted-proxies", "proxy.local"],
      "--trusted-proxies must be a count or a comma-separated list"
    ],
    [["serve", "--trusted-proxies", "17"], "--trusted-proxies must be a count from 0 to 16"],
    [["token"], "token needs a <logId>"],
    [["token", "short"], "<logId> must be 8-64 characters"],
    [["token", LOG, "--ttl", "soon"], "--ttl must be a duration"],
    [["token", LOG, "--port", "1"], "Unknown option '--port'"],
    [["frobnicate"], 'unknown command "frobnicate"'],
    [[], "missing command"]
  ])("%j exits 2 with a clear message", async (args, message) => {
    using dir = tempDir()
    let stdout = ""
    let stderr = ""
    const code = await runInProcess(
      args,
      { RELAY_DATA: dir.path },
      { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }
    )
    expect(code).toBe(2)
    expect(stderr).toContain(message)
    expect(stdout).toBe("")
  })

  it("rejects a bad RELAY_PORT the same way as a bad flag", async () => {
    let stderr = ""
    const code = await runInProcess(
      ["serve"],
      { RELAY_PORT: "99999" },
      { stdout: () => {}, stderr: (t) => (stderr += t) }
    )
    expect(code).toBe(2)
    expect(stderr).toContain("--port must be a whole number from 0 to 65535")
  })

  it("token honours --ttl and prints only the token", async () => {
    let stdout = ""
    const code = await runInProcess(
      ["token", LOG, "--ttl", "2h"],
      { RELAY_SECRET: "6IbsS_UYEqu1qGn2XMqOgFLs7cwXXD6url-hCme4CkU" },
      {
        stdout: (text) => (stdout += text),
        stderr: () => {}
      }
    )
    expect(code).toBe(0)
    expect(stdout.endsWith("\n")).toBe(true)
    const verdict = verifyToken("6IbsS_UYEqu1qGn2XMqOgFLs7cwXXD6url-hCme4CkU", stdout.trim(), LOG)
    expect(verdict.ok && Math.abs(verdict.expiresAt * 1000 - Date.now() - 7_200_000) < 5_000).toBe(true)
  })
})
