/** An in-process relay on a temp folder, its JSON log lines captured for leak checks. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRelay, type RelayHandle, type RelayLimits } from "@relactation/server"
import { type EventLog, type OpenLogOptions, openLog } from "@relactation/sync/node"
import { WebSocket } from "./deps.js"
import { prng } from "./random.js"

export interface TestRelay {
  readonly relay: RelayHandle
  readonly dir: string
  readonly lines: Array<Record<string, unknown>>
  dispose(): Promise<void>
}

export const startRelay = async (name: string, limits: Partial<RelayLimits> = {}): Promise<TestRelay> => {
  const dir = mkdtempSync(join(tmpdir(), `rel-${name}-`))
  const lines: Array<Record<string, unknown>> = []
  const relay = await createRelay({
    port: 0,
    dataDir: dir,
    secret: `reliability-${name}-secret-pT3zIMlv6hBRBROON3-JmfDX1rV_RTv3ElfyiRJ8Ouo`,
    limits,
    log: (line) => lines.push(line)
  })
  return {
    relay,
    dir,
    lines,
    dispose: async () => {
      await relay.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/**
 * A phone (`openLog`) on a test relay: memory persistence, Europe/Berlin, default child `baby-1`
 * and ids from a PRNG seeded by the scenario's seed and the caregiver, unless overridden.
 */
export const openPhone = (
  relay: RelayHandle,
  logId: string,
  caregiver: string,
  seed: number,
  overrides: Partial<OpenLogOptions> = {}
): Promise<EventLog> =>
  openLog({
    logId,
    caregiver,
    child: "baby-1",
    url: relay.url,
    token: relay.token(logId),
    persistence: { kind: "memory" },
    projections: { timeZone: "Europe/Berlin" },
    WebSocketPolyfill: WebSocket,
    random: prng(seed + caregiver.length),
    ...overrides
  })
