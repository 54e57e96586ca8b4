/**
 * Relay attack 1 (issue 11), backpressure and amplification: a client with the family's token
 * stops reading and sends 1,200 query-awareness and sync step 1 frames (8 KB on the wire) on a log
 * of 3.5 MiB with the largest awareness state allowed. It must be closed; the relay's memory, its
 * `/healthz` and the honest phones of another family are measured throughout.
 */
import { encodeUpdate, frame, sleep } from "@relactation/testkit"
import { describe, it } from "vitest"
import { startAttackEnv, awarenessJson, TRY_AGAIN_LATER } from "./support/attack.js"
import { Y } from "./support/deps.js"
import { scenario } from "./support/scenario.js"

const sc = scenario("attackAmplification")

describe("attack: a reader that does not read", () => {
  it("is closed after its allowance while the relay and the honest phones carry on", async () => {
    const env = await startAttackEnv(sc)
    await env.underAttack(async () => {
      const client = await env.attacker()
      for (let i = 0; i < 4; i++) {
        const doc = new Y.Doc()
        doc.getArray<string>("blob").push([`${i}`.repeat(900 * 1024)])
        client.send(encodeUpdate(Y.encodeStateAsUpdate(doc)))
      }
      client.send(awarenessJson([[4242, 1, JSON.stringify({ blob: "x".repeat(15 * 1024) })]]))
      ;(client.socket as unknown as { _socket: { pause(): void } })._socket.pause()
      let sent = 0
      for (let i = 0; i < 1_200 && client.socket.readyState === client.socket.OPEN; i++) {
        client.send(i % 2 === 0 ? frame(3) : frame(0, 0, Y.encodeStateVector(new Y.Doc())))
        sent++
      }
      // Read again: what the relay queued drains, then its close frame arrives (or the socket ends).
      ;(client.socket as unknown as { _socket: { resume(): void } })._socket.resume()
      const closed = await Promise.race([
        client.closed.then((c) => c.code),
        sleep(10_000).then(() => undefined)
      ])
      client.terminate()
      return {
        attempts: sent,
        failures: closed === TRY_AGAIN_LATER || closed === 1006 ? 0 : 1,
        notes: `${sent} query-awareness and sync step 1 frames from a client that does not read; closed ${closed ?? "never"}`
      }
    })
  })
})
