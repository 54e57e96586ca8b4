// The packages' READMEs promise runnable snippets: every ```ts block marked `<!-- runnable -->` is
// written to a file here and run as a user would, and each `console.log(...) // output` comment in it
// must match a printed line, so the documentation cannot drift from the API.
import { execFile } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const run = promisify(execFile)
const here = new URL("..", import.meta.url).pathname
const root = new URL("../../../", import.meta.url).pathname

const snippets = (readme: string): Array<string> =>
  [...readFileSync(`${root}${readme}`, "utf8").matchAll(/<!-- runnable[^>]*-->\n```ts\n([\s\S]*?)```/g)].map(
    (match) => match[1] ?? ""
  )

describe.each(["packages/core/README.md", "packages/sync/README.md", "packages/report/README.md"])(
  "%s",
  (readme) => {
    const blocks = snippets(readme)

    it("has runnable snippets", () => {
      expect(blocks.length).toBeGreaterThan(0)
    })

    it.each(blocks.map((code, i) => [i + 1, code] as const))("snippet %i runs", async (i, code) => {
      const file = `${here}.readme-${readme.split("/")[1]}-${i}.ts`
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
        // `console.log(...) // 2 0 0` in a snippet promises that output line.
        const promised = [...code.matchAll(/^\s*console\.log\(.*\)\s*\/\/ (.+)$/gm)].map((m) => m[1]?.trim())
        const printed = stdout.split("\n").map((line) => line.trim())
        for (const line of promised) expect(printed).toContain(line)
      } finally {
        rmSync(file, { force: true })
      }
    })
  }
)
