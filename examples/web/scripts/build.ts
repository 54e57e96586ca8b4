// Builds the app when dist/ is missing or older than its sources (or the sources of the packages
// it is built from), so the demo and the browser tests work on a fresh clone without a build step.
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const appDir = fileURLToPath(new URL("..", import.meta.url))
const dist = join(appDir, "dist")

const newest = (dir: string): number => {
  let max = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const s = statSync(p)
    max = Math.max(max, s.isDirectory() ? newest(p) : s.mtimeMs)
  }
  return max
}

/** Builds the app when dist/ is missing or older than its sources (a fresh clone works). */
export const ensureBuilt = async (): Promise<void> => {
  const index = join(dist, "index.html")
  const sources = Math.max(
    newest(join(appDir, "src")),
    statSync(join(appDir, "index.html")).mtimeMs,
    statSync(join(appDir, "vite.config.ts")).mtimeMs,
    newest(join(appDir, "public")),
    ...["core", "sync", "report"].map((p) => newest(join(appDir, "..", "..", "packages", p, "src")))
  )
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return
  const { build } = await import("vite")
  await build({ configFile: join(appDir, "vite.config.ts"), logLevel: "warn" })
}
