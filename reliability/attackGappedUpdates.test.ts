/**
 * Relay attack 2 (issue 11), updates Yjs cannot integrate: 120 updates with a gap (their first
 * clock missing), 800 KiB each, which Yjs used to keep pending, merge again on every update and
 * send in every sync step 2. Every sender must be closed with 4422 and a new phone's sync step 2
 * must hold none of it.
 */
import { frame, sleep, until } from "@relactation/testkit"
import { CloseCode } from "@relactation/core/protocol"
import { describe, it } from "vitest"
import { startAttackEnv } from "./support/attack.js"
import { Y } from "./support/deps.js"
import { scenario } from "./support/scenario.js"

const sc = scenario("attackGappedUpdates")

describe("attack: gapped updates", () => {
  it("closes every sender and keeps nothing of them", async () => {
    const env = await startAttackEnv(sc)
    await env.underAttack(async () => {
      let refused = 0
      for (let i = 0; i < 120; i++) {
        const client = await env.attacker()
        const doc = new Y.Doc()
        const events = doc.getArray<string>("events")
        events.push(["first"])
        const before = Y.encodeStateVector(doc)
        events.push(["p".repeat(800 * 1024)])
        client.send(frame(0, 2, Y.encodeStateAsUpdate(doc, before)))
        const closed = await Promise.race([
          client.closed.then((c) => c.code),
          sleep(5_000).then(() => undefined)
        ])
        if (closed === CloseCode.BAD_UPDATE) refused++
        client.terminate()
      }
      const late = await env.attacker()
      late.send(frame(0, 0, Y.encodeStateVector(new Y.Doc())))
      await until("a sync step 2", () => late.messages.some((m) => m[0] === 0 && m[1] === 1), 10_000)
      const step2 = late.messages.find((m) => m[0] === 0 && m[1] === 1)?.byteLength ?? 0
      late.terminate()
      return {
        attempts: 120,
        failures: 120 - refused + (step2 > 1024 ? 1 : 0),
        notes: `120 gapped updates of 800 KiB (94 MiB): ${refused} senders closed with 4422; a new phone's sync step 2 ${step2} bytes`
      }
    })
  })
})
