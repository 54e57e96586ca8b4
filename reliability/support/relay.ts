/** An in-process relay on a temp folder, its JSON log lines captured for leak checks. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRelay, type RelayHandle, type RelayLimits } from "@relactation/server"

export interface TestRelay {
  readonly relay: RelayHandle
  readonly dir: string
  readonly lines: Array<Record<string, unknown>>
}

/** Starts the relay; `onEnd` (a scenario's) closes it and removes its folder when the scenario ends. */
export const startRelay = async (
  name: string,
  onEnd: (step: () => unknown) => void,
  limits: Partial<RelayLimits> = {}
): Promise<TestRelay> => {
  const dir = mkdtempSync(join(tmpdir(), `rel-${name}-`))
  const lines: Array<Record<string, unknown>> = []
  const relay = await createRelay({
    port: 0,
    dataDir: dir,
    secret: `reliability-${name}-secret-pT3zIMlv6hBRBROON3-JmfDX1rV_RTv3ElfyiRJ8Ouo`,
    limits,
    log: (line) => lines.push(line)
  })
  onEnd(async () => {
    await relay.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { relay, dir, lines }
}
