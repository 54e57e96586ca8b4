// The one-command demo: a relay (embedded SQLite under .demo-data/relay at the repository root)
// plus the built app, then two links, one per caregiver, each carrying the log id, a relay token
// and the family key of a sealed (end-to-end encrypted) log in the URL fragment (never sent to
// an HTTP server; the relay never sees the key). `--host 0.0.0.0` makes both reachable from
// phones on the same network. Ctrl-C stops both servers cleanly.
//
//   pnpm demo                                  # from the repository root: builds, then runs this
//   pnpm --filter @relactation/example-web demo -- --host 0.0.0.0 --port 4173
import { randomBytes } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { networkInterfaces } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { createRelay } from "@relactation/server"
import { generateFamilyKey } from "@relactation/sync"
import { ensureBuilt } from "./build.js"
import { serveStatic } from "./serve.js"

const here = fileURLToPath(new URL(".", import.meta.url))
const appDir = join(here, "..")
const repoRoot = join(appDir, "..", "..")
const dist = join(appDir, "dist")

const { values } = parseArgs({
  // `pnpm … demo -- --host 0.0.0.0` passes the `--` through; it is not an end-of-options marker here.
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "4173" },
    "relay-port": { type: "string" },
    data: { type: "string", default: join(repoRoot, ".demo-data") },
    help: { type: "boolean", short: "h", default: false }
  },
  allowPositionals: true
})

if (values.help) {
  console.log("usage: demo [--host 127.0.0.1|0.0.0.0] [--port 4173] [--relay-port 4174] [--data .demo-data]")
  process.exit(0)
}
// Builds the app first when dist/ is missing or older than the sources.
await ensureBuilt()

const host = values.host
const port = Number(values.port)
const relayPort = values["relay-port"] === undefined ? port + 1 : Number(values["relay-port"])

// The family, kept across runs so the demo log (and each phone's stored link) stays valid.
interface DemoFamily {
  readonly logId: string
  readonly child: string
  readonly caregivers: readonly [string, string]
  /** The family key: the demo family's log is sealed. */
  readonly key?: string
}
mkdirSync(values.data, { recursive: true })
const familyFile = join(values.data, "family.json")
const id = (prefix: string) => prefix + randomBytes(8).toString("hex")
const stored = existsSync(familyFile)
  ? (JSON.parse(readFileSync(familyFile, "utf8")) as DemoFamily)
  : undefined
// A family kept from a run before sealing (no key) is left as it was at the relay; the demo starts
// a new, sealed family instead (a plaintext log cannot be sealed in place).
const family: DemoFamily =
  stored?.key !== undefined
    ? stored
    : {
        logId: id("family-"),
        child: id("child-"),
        caregivers: [id("cg-"), id("cg-")],
        key: generateFamilyKey()
      }
writeFileSync(familyFile, `${JSON.stringify(family, null, 2)}\n`)

// The address other devices use: the first non-internal IPv4 address when listening on all.
const publicHost = (): string => {
  if (host !== "0.0.0.0" && host !== "::") return host
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address
  }
  return "127.0.0.1"
}

const relay = await createRelay({
  host,
  port: relayPort,
  dataDir: join(values.data, "relay"),
  log: () => {} // the relay logs no health data anyway; keep the terminal for the links
})
const web = await serveStatic(dist, { host, port })
const shown = publicHost()
const token = relay.token(family.logId)
const link = (caregiver: string, name: string) => {
  const p = new URLSearchParams({
    relay: `ws://${shown}:${relay.port}`,
    log: family.logId,
    token,
    caregiver,
    child: family.child,
    name,
    key: family.key!
  })
  return `http://${shown}:${web.port}/#${p.toString()}`
}

console.log(`
Relactation demo: relay on ws://${shown}:${relay.port}, app on http://${shown}:${web.port}
Data: ${values.data}
The family's log is end-to-end encrypted: the key is in each link after the #, never at the relay.

Caregiver A (open on the first phone or browser):
  ${link(family.caregivers[0], "Parent A")}

Caregiver B (open on the second phone, or another browser / private window):
  ${link(family.caregivers[1], "Parent B")}
${host === "127.0.0.1" ? "\nOnly this computer can reach these links. For phones on the same network: --host 0.0.0.0\n" : ""}
Ctrl-C stops everything.`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  console.log("\nStopping…")
  await Promise.allSettled([web.close(), relay.close()])
  console.log("Stopped.")
  process.exit(0)
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
