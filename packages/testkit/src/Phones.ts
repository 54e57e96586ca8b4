/**
 * A phone on a real relay: `openLog` with memory persistence, Europe/Berlin, child `baby-1`, ids
 * from a PRNG seeded by the test's seed and the caregiver, and quick reconnects. Shared by the sync
 * tests and the reliability scenarios.
 */
// Relative, like the frames: the kit is resolved from source and must not depend on the packages
// whose tests depend on it.
import { type EventLog, type OpenLogOptions, openLog } from "../../sync/src/node.js"
import WebSocket from "ws"
import { prng } from "./Random.js"

/** What a phone needs of a relay: its URL and a token for a log (a `RelayHandle` has both). */
export interface RelayAddress {
  readonly url: string
  token(logId: string): string
}

/** Opens a phone of `caregiver` on `logId`; `extra` overrides any option. */
export const phone = (
  relay: RelayAddress,
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
    random: prng(seed, caregiver),
    maxReconnectDelayMs: 300,
    ...extra
  })
