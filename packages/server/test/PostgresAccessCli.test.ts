// The operator's access commands against a shared Postgres store while two relays serve from it
// (no Redis): `invite`, `token`, `devices`, `revoke` and `delete --store postgres://…` work on the
// database every process shares, and the relays hear a revocation or deletion made by the CLI
// through LISTEN/NOTIFY. With a Postgres store, what signs tokens needs RELAY_SECRET: without it the
// command exits 1 with a clear message (a per-folder secret would differ between processes).
import { randomBytes } from "node:crypto"
import { readdirSync } from "node:fs"
import { CloseCode } from "@relactation/core/protocol"
import { describe, expect, it } from "vitest"
import { PostgresStorage } from "../src/PostgresStorage.js"
import {
  accessRequest,
  cli,
  client,
  closeCodeOf,
  postgresForFile,
  startPostgresRelay,
  tempDir,
  until
} from "./helpers.js"

const SECRET = randomBytes(32).toString("base64url")
const LOG = "family-pg-cli-01"

const postgres = postgresForFile("cli_access")

describe("relactation-relay invite, token, devices, revoke, delete --store postgres://…", () => {
  it("work on the shared store while two relays serve from it, and the relays hear them", async () => {
    const url = await postgres.database()
    await using a = await startPostgresRelay(url, { secret: SECRET })
    await using b = await startPostgresRelay(url, { secret: SECRET })
    const withSecret = { RELAY_SECRET: SECRET }

    const invited = await cli(["invite", LOG, "--store", url], withSecret)
    expect(invited).toMatchObject({ code: 0, stderr: "" })
    const joined = await accessRequest(b, `/logs/${LOG}/join`, { token: invited.stdout.trim() })
    expect(joined.status).toBe(201)
    const phone = { token: joined.body.credential as string, id: joined.body.credentialId as string }
    // Minted by the CLI, recorded in the shared store at once (RELAY_STORE instead of the flag).
    const minted = await cli(["token", LOG], { ...withSecret, RELAY_STORE: url })
    expect(minted.code).toBe(0)
    const tablet = minted.stdout.trim()
    expect(tablet).toMatch(/^v2\./)

    using onA = client(a.url, LOG, phone.token)
    using tabletOnB = client(b.url, LOG, tablet)
    await Promise.all([onA.synced(), tabletOnB.synced()])
    // Listing needs no secret.
    const listed = await cli(["devices", LOG, "--store", url], {})
    expect(listed.code).toBe(0)
    const rows = listed.stdout.trim().split("\n")
    expect(rows[0]).toBe("credential-id\tlast-seen\texpires\tstatus")
    expect(rows.slice(1).map((row) => row.split("\t")[0])).toContain(phone.id)
    expect(rows).toHaveLength(3)

    expect(await cli(["revoke", LOG, phone.id, "--store", url], {})).toEqual({
      code: 0,
      stdout: `revoked ${phone.id}\n`,
      stderr: ""
    })
    await until("relay A to close the phone as revoked", () =>
      onA.closes.some((close) => close.code === CloseCode.REVOKED)
    )
    onA.provider.disconnect()
    expect(await closeCodeOf(`${b.url}/${LOG}?token=${phone.token}`)).toBe(CloseCode.REVOKED)
    expect((await cli(["revoke", LOG, phone.id, "--store", url], {})).stdout).toBe(
      `already revoked ${phone.id}\n`
    )
    expect(tabletOnB.closes).toEqual([])

    tabletOnB.events.push(["written before the delete"])
    await b.flush()
    expect(await cli(["delete", LOG, "--store", url], {})).toEqual({
      code: 0,
      stdout: `deleted ${LOG}\n`,
      stderr: ""
    })
    await until("relay B to close the tablet as deleted", () =>
      tabletOnB.closes.some((close) => close.code === CloseCode.LOG_DELETED)
    )
    tabletOnB.provider.disconnect()
    expect(await closeCodeOf(`${a.url}/${LOG}?token=${tablet}`)).toBe(CloseCode.LOG_DELETED)
    expect((await cli(["devices", LOG, "--store", url], {})).stdout).toBe(
      "credential-id\tlast-seen\texpires\tstatus\n"
    )
    const reader = await PostgresStorage.open({ url, poolSize: 1 })
    try {
      await until("the log's rows gone", async () => (await reader.load(LOG)).updates === 0)
    } finally {
      await reader.close()
    }
    // No invite into a deleted log.
    const refused = await cli(["invite", LOG, "--store", url], withSecret)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`log ${LOG} was deleted`)
  })

  it("invite, token and serve with a Postgres store exit 1 without RELAY_SECRET, naming it; nothing listens", async () => {
    const url = await postgres.database()
    using dir = tempDir()
    for (const args of [
      ["invite", LOG, "--store", url],
      ["token", LOG, "--store", url],
      ["serve", "--port", "0", "--data", dir.path, "--store", url]
    ]) {
      const run = await cli(args, {})
      expect(run.code, args.join(" ")).toBe(1)
      expect(run.stderr).toContain(
        `relactation-relay: ${args[0]} with a Postgres store (--store or RELAY_STORE) needs RELAY_SECRET`
      )
      expect(run.stdout).toBe("")
    }
    // Through RELAY_STORE alike; and no secret file was made in the data folder.
    expect((await cli(["token", LOG, "--data", dir.path], { RELAY_STORE: url })).code).toBe(1)
    expect(readdirSync(dir.path)).toEqual([])
  })
})
