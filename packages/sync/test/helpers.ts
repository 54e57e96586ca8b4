// Test helpers: waiting on conditions with a deadline (never a bare sleep), seeded randomness, and
// phones on a real relay.
import WebSocket from "ws"
import { type EventLog, type OpenLogOptions, openLog } from "../src/node.js"

/** Polls `predicate` every few ms until it holds; fails with `what` after `timeoutMs`. */
export const until = async (
  predicate: () => boolean,
  timeoutMs = 5000,
  what = "condition"
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** mulberry32: a small seeded PRNG in [0, 1). */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A fixed clock that tests move on by hand. */
export const clock = (start = Date.parse("2027-03-28T01:30:00.000Z")) => {
  let t = start
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms
    }
  }
}

/** The seed of a randomized test: `FC_SEED` when set, else a fresh one; always printed. */
export const seedFromEnv = (name: string): number => {
  const fromEnv = process.env.FC_SEED
  const seed = fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31)
  console.log(`[${name}] seed ${seed} (replay with FC_SEED=${seed})`)
  return seed
}

/**
 * A phone on a relay: memory persistence, Europe/Berlin, child `baby-1`, ids from a PRNG with
 * `seed`, quick reconnects; `extra` overrides any of it.
 */
export const phone = (
  relay: { url: string; token(logId: string): string },
  logId: string,
  caregiver: string,
  seed: number,
  extra: Partial<OpenLogOptions> = {}
): Promise<EventLog> =>
  openLog({
    logId,
    caregiver,
    child: "baby-1",
    url: relay.url,
    token: relay.token(logId),
    WebSocketPolyfill: WebSocket,
    persistence: { kind: "memory" },
    projections: { timeZone: "Europe/Berlin" },
    random: prng(seed),
    maxReconnectDelayMs: 300,
    ...extra
  })
