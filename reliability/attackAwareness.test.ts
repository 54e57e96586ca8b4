/**
 * Relay attacks 4 and 5 (issue 11), the awareness tricks: announce, clear and re-announce 400 client
 * ids past a limit of 8 (y-protocols reports a re-announced id as updated, which used to go
 * untracked); a state nested 100,000 deep written over another phone's client id (which used to
 * break every new connection to the log); a state written over that phone's id.
 */
import { sleep, until } from "@relactation/testkit"
import { CloseCode } from "@relactation/core/protocol"
import { describe, it } from "vitest"
import { ATTACKED, awarenessJson, startAttackEnv, token } from "./support/attack.js"
import { docClient } from "./support/clients.js"
import { scenario } from "./support/scenario.js"

const sc = scenario("attackAwareness")

const closedWithin = (client: { closed: Promise<{ code: number }> }, ms: number) =>
  Promise.race([client.closed.then((c) => c.code), sleep(ms).then(() => undefined)])

describe("attack: awareness tricks", () => {
  it("are refused, and no other phone's presence is touched", async () => {
    const env = await startAttackEnv(sc)
    await env.underAttack(async () => {
      let failures = 0
      const notes: Array<string> = []
      const bypass = await env.attacker()
      let frames = 0
      for (let id = 1; id <= 400 && bypass.socket.readyState === bypass.socket.OPEN; id++) {
        bypass.send(awarenessJson([[id, 1, `{"name":"ghost-${id}"}`]]))
        bypass.send(awarenessJson([[id, 2, "null"]]))
        bypass.send(awarenessJson([[id, 3, `{"name":"ghost-${id}"}`]]))
        frames += 3
        if (id % 20 === 0) await sleep(1)
      }
      const bypassClosed = await closedWithin(bypass, 5_000)
      if (bypassClosed !== CloseCode.POLICY) failures++
      const watcher = docClient(env.relay.url, ATTACKED, token, "watcher")
      await until("watcher synced", () => watcher.synced(), 10_000)
      watcher.provider.awareness.setLocalState({ name: "watcher" })
      const watcherId = watcher.doc.clientID
      const ghosts = [...watcher.provider.awareness.getStates().keys()].filter((id) => id <= 400).length
      if (ghosts > 0) failures++
      const deep = await env.attacker()
      deep.send(awarenessJson([[watcherId, 99, `${"[".repeat(100_000)}${"]".repeat(100_000)}`]]))
      const deepClosed = await closedWithin(deep, 5_000)
      if (deepClosed !== CloseCode.TOO_LARGE) failures++
      const spoof = await env.attacker()
      spoof.send(awarenessJson([[watcherId, 1_000, `{"name":"mallory"}`]]))
      const fresh = docClient(env.relay.url, ATTACKED, token, "fresh")
      const freshSynced = await until("a new phone syncs", () => fresh.synced(), 10_000).then(
        () => true,
        () => false
      )
      const seen = await until(
        "the new phone sees the watcher's own state",
        () =>
          (fresh.provider.awareness.getStates().get(watcherId) as { name?: string } | undefined)?.name ===
          "watcher",
        10_000
      ).then(
        () => true,
        () => false
      )
      if (!freshSynced || !seen) failures++
      notes.push(
        `announce/clear/re-announce: closed ${bypassClosed ?? "never"} after ${frames} frames, ghosts left ${ghosts}; ` +
          `depth 100,000 over another phone's id: closed ${deepClosed ?? "never"}; a state written over it ignored: ${seen}; a new phone synced: ${freshSynced}`
      )
      for (const client of [spoof, deep, bypass]) client.terminate()
      watcher.destroy()
      fresh.destroy()
      return { attempts: frames + 2, failures, notes: notes.join("; ") }
    })
  })
})
