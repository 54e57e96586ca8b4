/**
 * Embedding @relactation/sync in Node: a relay on this machine, two "phones" with file
 * persistence, one logs while the other is offline, both converge to the same totals. Run it twice:
 * the second run starts from what the files kept.
 *
 * Run: pnpm --filter @relactation/example-embed-node sync [-- --data ./.embed-data]
 */
import { mkdirSync } from "node:fs"
import { join, resolve } from "node:path"
import { createRelay } from "@relactation/server"
import { type EventLog, openLog } from "@relactation/sync/node"
import WebSocket from "ws"

const flag = process.argv.indexOf("--data")
const dataDir = resolve(flag > 0 ? (process.argv[flag + 1] ?? ".embed-data") : ".embed-data")
mkdirSync(dataDir, { recursive: true })

const logId = "family-embed-demo"
const relay = await createRelay({ port: 0, dataDir: join(dataDir, "relay"), log: () => {} })
const phone = (caregiver: string, name: string): Promise<EventLog> =>
  openLog({
    logId,
    caregiver,
    child: "baby-ada",
    url: relay.url,
    token: relay.token(logId),
    WebSocketPolyfill: WebSocket,
    persistence: { kind: "file", path: join(dataDir, `${caregiver}.ylog`) },
    projections: { timeZone: "Europe/Berlin" },
    presence: { name }
  })

const sam = await phone("parent-sam", "Sam")
const alex = await phone("parent-alex", "Alex")
await Promise.all([sam.whenSynced(), alex.whenSynced()])
console.log(`start: Sam sees ${sam.events.length} events, Alex sees ${alex.events.length}`)

// Alex's phone loses the network; both keep logging.
alex.disconnect()
const latch = await sam.append({ type: "latch", durationSec: 900, side: "left" })
await alex.append({ type: "supplement", ml: 30, milk: "formula", via: "sns", latch: latch.id })
console.log(
  `while apart: Sam ${sam.events.length} events, Alex ${alex.events.length} events (${alex.status})`
)

// Back online: wait until both have both entries.
const converged = new Promise<void>((done) => {
  const check = () => sam.events.length === alex.events.length && alex.status === "synced" && done()
  sam.subscribe(check)
  alex.subscribe(check)
  alex.onStatus(check)
})
alex.connect()
await converged

const today = (log: EventLog) => log.dailyTotals.days.at(-1)
console.log(`after sync: Sam ${sam.events.length} events, Alex ${alex.events.length} events`)
console.log(`Sam's today: ${JSON.stringify(today(sam))}`)
console.log(`identical totals on both phones: ${JSON.stringify(today(sam)) === JSON.stringify(today(alex))}`)

await Promise.all([sam.close(), alex.close()])
await relay.close()
