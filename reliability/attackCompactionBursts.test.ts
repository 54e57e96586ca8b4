/**
 * Relay attack 3 (issue 11), forced compactions: on a log of 3.5 MiB, eight bursts of 500 tiny
 * updates from one writer, each burst of which used to trigger a synchronous merge of the whole log.
 * At most one compaction may follow (the log must also grow by a quarter), and the sender is closed
 * with 1013 once its 3,000 updates a minute are spent.
 */
import { encodeUpdate, sleep } from "@relactation/testkit"
import { describe, it } from "vitest"
import { ATTACKED, startAttackEnv } from "./support/attack.js"
import { Y } from "./support/deps.js"
import { scenario } from "./support/scenario.js"

const sc = scenario("attackCompactionBursts")

describe("attack: compaction bursts", () => {
  it("cause at most one compaction and end at the update allowance", async () => {
    const env = await startAttackEnv(sc)
    const compactions = () =>
      env.relay.lines.filter((line) => line.event === "compact" && line.logId === ATTACKED).length
    await env.underAttack(async () => {
      const client = await env.attacker()
      for (let i = 0; i < 4; i++) {
        const blob = new Y.Doc()
        blob.getArray<string>("blob").push([`${i}`.repeat(900 * 1024)])
        client.send(encodeUpdate(Y.encodeStateAsUpdate(blob)))
      }
      let sent = 4
      // One writer (one Yjs client id), one key per event in the "events" map: the sync layout.
      const doc = new Y.Doc()
      const events = doc.getMap<string>("events")
      for (let burst = 0; burst < 8 && client.socket.readyState === client.socket.OPEN; burst++) {
        for (let i = 0; i < 500; i++) {
          const before = Y.encodeStateVector(doc)
          events.set(`t${burst}-${i}`, "x")
          client.send(encodeUpdate(Y.encodeStateAsUpdate(doc, before)))
          sent++
        }
        await sleep(200)
      }
      const closed = await Promise.race([
        client.closed.then((c) => c.code),
        sleep(3_000).then(() => undefined)
      ])
      client.terminate()
      await sleep(500)
      return {
        attempts: sent,
        failures: compactions() > 1 ? 1 : 0,
        notes: `${sent} updates (4 of 900 KiB, then bursts of 500 tiny ones): ${compactions()} compactions of the log (at most 1 allowed), sender closed ${closed ?? "never"} (3,000 updates a minute)`
      }
    })
  })
})
