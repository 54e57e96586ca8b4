// @vitest-environment node
// The README's runnable snippet is written to a file and run as a user would (Node, tsx), and each
// `console.log(...) // output` comment in it must match a printed line.
import { execFile } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const run = promisify(execFile)
const here = join(dirname(fileURLToPath(import.meta.url)), "..")
const blocks = [
  ...readFileSync(join(here, "README.md"), "utf8").matchAll(/<!-- runnable[^>]*-->\n```ts\n([\s\S]*?)```/g)
].map((m) => m[1] ?? "")

describe("packages/react/README.md", () => {
  it("has a runnable snippet", () => {
    expect(blocks.length).toBeGreaterThan(0)
  })

  it.each(blocks.map((code, i) => [i + 1, code] as const))("snippet %i runs", async (i, code) => {
    const file = join(here, `.readme-${i}.ts`)
    writeFileSync(file, code)
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ["--conditions=source", "--import", "tsx", file],
        {
          cwd: here,
          timeout: 60_000
        }
      )
      expect(stderr).toBe("")
      const promised = [...code.matchAll(/^\s*console\.log\(.*\)\s*\/\/ (.+)$/gm)].map((m) => m[1]?.trim())
      const printed = stdout.split("\n").map((line) => line.trim())
      expect(promised.length).toBeGreaterThan(0)
      for (const line of promised) expect(printed).toContain(line)
    } finally {
      rmSync(file, { force: true })
    }
  })
})
