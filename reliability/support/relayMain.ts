/**
 * A relay in its own process, so a scenario can SIGKILL it like the OOM killer or a power cut
 * would. Configured by environment (RELAY_DATA, RELAY_PORT, RELAY_SECRET, RELAY_LIMITS as JSON);
 * logs one JSON line per entry on stdout, the relay's default sink, which the parent reads (the
 * port comes from the `listening` line). SIGTERM closes it gracefully.
 */
import { createRelay } from "@relactation/server"

const env = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === "" ? undefined : value
}

const dataDir = env("RELAY_DATA")
if (dataDir === undefined) throw new Error("relayMain: RELAY_DATA is required")
const secret = env("RELAY_SECRET")
const limits = env("RELAY_LIMITS")

const relay = await createRelay({
  host: "127.0.0.1",
  port: Number(env("RELAY_PORT") ?? "0"),
  dataDir,
  ...(secret === undefined ? {} : { secret }),
  ...(limits === undefined ? {} : { limits: JSON.parse(limits) })
})

process.on("SIGTERM", () => {
  relay.close().then(
    () => process.exit(0),
    () => process.exit(1)
  )
})
