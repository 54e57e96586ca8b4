/**
 * What the relay-attack scenarios (issue 11) share: a relay in its own process with its default
 * limits, two honest phones of another family, and `underAttack`, which runs one attack while the
 * honest phones write every 100 ms (delivery measured), `/healthz` is polled every 100 ms (latency
 * measured) and the relay's RSS is sampled, then fills in the scenario's row.
 */
import { mintToken } from "@relactation/server"
import { frame, prng, sleep, until } from "@relactation/testkit"
import * as encoding from "lib0/encoding"
import { expect } from "vitest"
import { type DocClient, docClient, eventMaker, type RawClient, rawClient } from "./clients.js"
import { type RelayProcess, startRelayProcess } from "./relayProcess.js"
import type { Scenario } from "./scenario.js"

export const SECRET = "reliability-attacks-secret-Wq3vN8pXr2LbT6yKdF0hJs5mZc9uGe1Ao7iR4"
export const FAMILY = "attacks-family-01"
export const ATTACKED = "attacks-target-01"
export const token = mintToken(SECRET, ATTACKED)
/** The relay's close code for a spent allowance or a client that stopped reading ("try again later"). */
export const TRY_AGAIN_LATER = 1013

/** An awareness frame whose states are given as raw JSON text (a state nested 100,000 deep cannot be stringified). */
export const awarenessJson = (entries: ReadonlyArray<readonly [number, number, string]>): Uint8Array => {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const [id, clock, json] of entries) {
    encoding.writeVarUint(inner, id)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, json)
  }
  return frame(1, encoding.toUint8Array(inner))
}

const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

export interface AttackEnv {
  readonly relay: RelayProcess
  /** A raw client with the attacked family's token, once open. */
  attacker(): Promise<RawClient>
  /** Runs the attack with the honest phones and probes around it; fills in and checks the row. */
  underAttack(attack: () => Promise<{ attempts: number; failures: number; notes: string }>): Promise<void>
}

export const startAttackEnv = async (sc: Scenario): Promise<AttackEnv> => {
  const relay = await startRelayProcess({
    dataDir: sc.tempDir("rel-attack-"),
    secret: SECRET,
    limits: { connectionsPerIpPerMinute: 1_000_000 }
  })
  sc.onEnd(() => relay.kill())
  const familyToken = mintToken(SECRET, FAMILY)
  const honest = ["a", "b"].map((name) => docClient(relay.url, FAMILY, familyToken, name))
  sc.onEnd(() => {
    for (const phone of honest) phone.destroy()
  })
  await until("honest phones synced", () => honest.every((phone) => phone.synced()), 20_000)
  const [writer, reader] = honest as [DocClient, DocClient]
  return {
    relay,
    attacker: async () => {
      const client = rawClient(`${relay.url}/${ATTACKED}?token=${token}`)
      await client.opened
      return client
    },
    underAttack: async (attack) => {
      const make = eventMaker(prng(sc.seed, "honest"), "parent-honest")
      const sentAt = new Map<string, number>()
      const latencies: Array<number> = []
      const events = reader.doc.getMap<unknown>("events")
      const observer = () => {
        for (const [id, at] of sentAt) {
          if (!events.has(id)) continue
          latencies.push(Date.now() - at)
          sentAt.delete(id)
        }
      }
      events.observe(observer)
      const written: Array<string> = []
      const health: Array<number> = []
      let healthFailures = 0
      const rss: Array<number> = []
      let running = true
      const background = Promise.all([
        (async () => {
          while (running) {
            const event = make()
            sentAt.set(event.id, Date.now())
            written.push(event.id)
            writer.append(event)
            await sleep(100)
          }
        })(),
        (async () => {
          while (running) {
            const at = Date.now()
            const status = await fetch(`http://127.0.0.1:${relay.port}/healthz`, {
              signal: AbortSignal.timeout(5_000)
            })
              .then((response) => response.status)
              .catch(() => 0)
            health.push(Date.now() - at)
            if (status !== 200) healthFailures++
            await sleep(100)
          }
        })(),
        (async () => {
          while (running) {
            const sample = relay.rss()
            if (sample !== undefined) rss.push(sample)
            await sleep(100)
          }
        })()
      ])
      const outcome = await attack()
      running = false
      await background
      await until(
        "the honest phones have every event",
        () => written.every((id) => events.has(id)),
        30_000
      ).catch(() => {})
      events.unobserve(observer)
      const lost = written.filter((id) => !events.has(id)).length
      const mib = (bytes: number) => Math.round(bytes / 2 ** 20)
      sc.row.attempts += outcome.attempts
      sc.row.failures += outcome.failures + healthFailures + (lost > 0 ? 1 : 0)
      sc.row.eventsLost += lost
      sc.row.notes.push(
        `${outcome.notes}; relay RSS peak ${mib(Math.max(0, ...rss))} MiB; /healthz p50 ${percentile(health, 50)} ms, ` +
          `max ${Math.max(0, ...health)} ms, ${healthFailures} not 200; honest phones ${written.length - lost}/${written.length} ` +
          `delivered, p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`
      )
      expect(healthFailures, "/healthz answered 200 throughout").toBe(0)
      expect(lost, "honest events lost").toBe(0)
      expect(outcome.failures, outcome.notes).toBe(0)
    }
  }
}
