// The operator's access commands (invite, devices, revoke, delete) on the data folder of a relay
// that is serving from it at the same time: the relay hears a revocation or deletion made by the
// CLI within a second and closes the matching sockets.
import { CloseCode } from "@relactation/core/protocol"
import { describe, expect, it } from "vitest"
import { client, closeCodeOf, cli as runCli, startRelay, until } from "./helpers.js"

const LOG = "family-cli-access"

const cli = (args: ReadonlyArray<string>, dataDir: string) => runCli(args, { RELAY_DATA: dataDir })

describe("relactation-relay invite, devices, revoke, delete", () => {
  it("devices lists credential ids and last seen; revoke closes the device's open socket while the relay serves", async () => {
    await using relay = await startRelay()
    const phone = await relay.credential(LOG)
    const tablet = await relay.credential(LOG)
    using a = client(relay.url, LOG, phone.token)
    using b = client(relay.url, LOG, tablet.token)
    await Promise.all([a.synced(), b.synced()])
    await until("both seen", async () =>
      (await relay.devices(LOG)).every((device) => device.lastSeen !== undefined)
    )

    const listed = await cli(["devices", LOG], relay.dir)
    expect(listed.code).toBe(0)
    const rows = listed.stdout.trim().split("\n")
    expect(rows[0]).toBe("credential-id\tlast-seen\texpires\tstatus")
    expect(
      rows
        .slice(1)
        .map((row) => row.split("\t")[0])
        .sort()
    ).toEqual([phone.credentialId, tablet.credentialId].sort())
    for (const row of rows.slice(1)) expect(row).toMatch(/\t\d{4}-\d\d-\d\dT[^\t]+\t\d{4}-[^\t]+\tactive$/)

    expect(await cli(["revoke", LOG, tablet.credentialId], relay.dir)).toEqual({
      code: 0,
      stdout: `revoked ${tablet.credentialId}\n`,
      stderr: ""
    })
    await until("the tablet closed as revoked", () =>
      b.closes.some((close) => close.code === CloseCode.REVOKED)
    )
    // (The relay polls the file twice a second: within about a second on an idle machine; the
    // in-process removal in Devices.test.ts asserts the one second.)
    b.provider.disconnect()
    expect(await closeCodeOf(`${relay.url}/${LOG}?token=${tablet.token}`)).toBe(CloseCode.REVOKED)
    expect(a.closes).toEqual([])
    expect((await cli(["devices", LOG], relay.dir)).stdout).toMatch(
      new RegExp(`${tablet.credentialId}\\t[^\\n]*revoked `)
    )
  })

  it("invite prints a join token that works once; delete removes the log while the relay serves it", async () => {
    await using relay = await startRelay()
    const invited = await cli(["invite", LOG, "--ttl", "1h"], relay.dir)
    expect(invited.code).toBe(0)
    const joinToken = invited.stdout.trim()
    expect(joinToken).toMatch(/^j1\./)
    const joined = await fetch(`${relay.url.replace(/^ws/, "http")}/logs/${LOG}/join`, {
      method: "POST",
      headers: { authorization: `Bearer ${joinToken}` }
    })
    expect(joined.status).toBe(201)
    const { credential } = (await joined.json()) as { credential: string }
    using phone = client(relay.url, LOG, credential)
    await phone.synced()
    phone.events.push(["logged"])
    await relay.flush()

    expect(await cli(["delete", LOG], relay.dir)).toEqual({ code: 0, stdout: `deleted ${LOG}\n`, stderr: "" })
    await until("the phone closed as deleted", () =>
      phone.closes.some((close) => close.code === CloseCode.LOG_DELETED)
    )
    phone.provider.disconnect()
    expect(await closeCodeOf(`${relay.url}/${LOG}?token=${credential}`)).toBe(CloseCode.LOG_DELETED)
    expect((await cli(["devices", LOG], relay.dir)).stdout).toBe(
      "credential-id\tlast-seen\texpires\tstatus\n"
    )
  })

  it.each([
    [["devices"], "devices needs a <logId>"],
    [["revoke", LOG], "revoke needs a <credentialId>"],
    [["revoke", LOG, "nope"], "<credentialId> must be 22 characters"],
    [["delete", "short"], "<logId> must be 8-64 characters"],
    [["invite", LOG, "--ttl", "30d"], "--ttl ttlSeconds must be at most 604800 (7 days)"],
    [["delete", LOG, "extra"], 'delete takes one <logId> (got also "extra")']
  ])("%j exits 2 with a clear message", async (args, message) => {
    await using relay = await startRelay()
    const run = await cli(args, relay.dir)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stdout).toBe("")
  })
})
