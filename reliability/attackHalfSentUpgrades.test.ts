/**
 * Relay attack 8 (issue 11), unfinished requests: 1,001 upgrade requests from one address that
 * never finish their headers (which used to hold a socket each until `/healthz` stopped answering).
 * All must be dropped (256 at accept, the rest by the 10 s header timeout) while a phone from
 * another address connects and syncs.
 */
import { connect } from "node:net"
import { mintToken } from "@relactation/server"
import { sleep, until } from "@relactation/testkit"
import { describe, it } from "vitest"
import { ATTACKED, FAMILY, SECRET, startAttackEnv, token } from "./support/attack.js"
import { docClient } from "./support/clients.js"
import { scenario } from "./support/scenario.js"

const sc = scenario("attackHalfSentUpgrades")

describe("attack: half-sent upgrades", () => {
  it("are all dropped while other addresses are served", async () => {
    const env = await startAttackEnv(sc)
    await env.underAttack(async () => {
      const begin = Date.now()
      const sockets = Array.from({ length: 1_001 }, () => {
        const socket = connect({ port: env.relay.port, host: "127.0.0.1", localAddress: "127.0.0.2" })
        socket.on("error", () => {})
        const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())))
        socket.write(`GET /${ATTACKED}?token=${token} HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\n`)
        return { socket, closed }
      })
      await sleep(2_000)
      const phone = docClient(env.relay.url, FAMILY, mintToken(SECRET, FAMILY), "late-phone")
      const synced = await until("a phone from another address syncs", () => phone.synced(), 10_000).then(
        () => true,
        () => false
      )
      phone.destroy()
      const closedAt = await Promise.all(
        sockets.map((s) => Promise.race([s.closed, sleep(20_000).then(() => -1)]))
      )
      const open = closedAt.filter((at) => at === -1).length
      for (const s of sockets) s.socket.destroy()
      return {
        attempts: 1_001,
        failures: (synced ? 0 : 1) + (open > 0 ? 1 : 0),
        notes: `1,001 half-sent upgrades from one address: ${1_001 - open} dropped within ${((Math.max(...closedAt) - begin) / 1000).toFixed(1)} s (256 per address at accept, the rest by the 10 s header timeout); a phone from another address synced meanwhile: ${synced}`
      }
    })
  })
})
