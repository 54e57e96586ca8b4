// The published shape of the packages: what `pnpm test` built into dist/ loads in plain Node, both
// as ESM and as CJS, without the `source` condition the other tests use, and ships its types.
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const run = promisify(execFile)
const here = new URL("..", import.meta.url).pathname
const root = new URL("../../../", import.meta.url).pathname

const entries = [
  [
    "@relactation/core",
    "core",
    ".",
    ["makeSync", "decodeEvents", "dailyTotals", "weightTrend", "relactationProgress"]
  ],
  ["@relactation/sync", "sync", ".", ["openLog", "EffectApi", "Persistence"]],
  ["@relactation/sync/node", "sync", "./node", ["openLog", "FilePersistence"]],
  ["@relactation/server", "server", ".", ["createRelay", "mintToken", "verifyToken", "SqliteStorage"]],
  ["@relactation/report", "report", ".", ["pdfReport", "fhirBundle", "reportData", "exportFileName"]]
] as const

const node = async (args: Array<string>): Promise<string> =>
  (await run(process.execPath, args, { cwd: here, timeout: 30_000 })).stdout.trim()

describe.each(entries)("%s", (specifier, pkg, subpath, names) => {
  const manifest = JSON.parse(readFileSync(`${root}packages/${pkg}/package.json`, "utf8"))
  const target = manifest.exports[subpath] as Record<string, string>

  it("has built ESM, CJS and type declarations for its export", () => {
    for (const condition of ["import", "require", "types"]) {
      const file = target[condition]
      expect(file, condition).toBeDefined()
      expect(existsSync(`${root}packages/${pkg}/${file}`), `${file} (run pnpm build)`).toBe(true)
    }
  })

  it("loads with import()", async () => {
    const out = await node([
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => typeof m[n])))`
    ])
    expect(JSON.parse(out)).not.toContain("undefined")
  })

  it("loads with require()", async () => {
    const out = await node([
      "-e",
      `const m = require(${JSON.stringify(specifier)}); console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => typeof m[n])))`
    ])
    expect(JSON.parse(out)).not.toContain("undefined")
  })
})

it("the relay's bin runs from dist", async () => {
  const data = mkdtempSync(join(tmpdir(), "packaging-relay-"))
  try {
    const out = await node([
      `${root}packages/server/dist/cli.js`,
      "token",
      "family-packaging",
      "--data",
      data
    ])
    expect(out).toMatch(/^v2\.family-packaging\.[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]+$/)
  } finally {
    rmSync(data, { recursive: true, force: true })
  }
})
