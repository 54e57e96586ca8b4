/**
 * README snippets that run: every ```ts block right after a `<!-- runnable -->` marker is written to
 * a file beside the test, run as a user would (`node --conditions=source --import tsx file`), and
 * each `console.log(...) // output` comment in it must match a printed line, so the documentation
 * cannot drift from the API. One loop for every package whose README promises runnable snippets.
 */
import { execFile } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const run = promisify(execFile)

/** The runnable ```ts blocks of a Markdown file, in order. */
export const runnableSnippets = (readmePath: string): Array<string> =>
  [...readFileSync(readmePath, "utf8").matchAll(/<!-- runnable[^>]*-->\n```ts\n([\s\S]*?)```/g)].map(
    (match) => match[1] ?? ""
  )

/** The lines a snippet promises to print: the `// …` comment after each `console.log(...)`. */
export const promisedLines = (code: string): Array<string> =>
  [...code.matchAll(/^\s*console\.log\(.*\)\s*\/\/ (.+)$/gm)].map((m) => (m[1] ?? "").trim())

export interface ReadmeSnippetOptions {
  /** The directory the snippets run in (and are written to): packages resolve from there. */
  readonly cwd: string
  /** The suite's name; default the README's path as given. */
  readonly name?: string
  /** Every snippet must promise at least one printed line. */
  readonly requireOutput?: boolean
  /** Per snippet; default 60 s (a loaded machine compiles slowly). */
  readonly timeoutMs?: number
}

/**
 * Declares a vitest suite for one README: it has runnable snippets, and each runs with an empty
 * stderr and prints every line it promises.
 */
export const describeReadmeSnippets = (readmePath: string, options: ReadmeSnippetOptions): void => {
  const { cwd, timeoutMs = 60_000 } = options
  describe(options.name ?? readmePath, () => {
    const blocks = runnableSnippets(readmePath)
    const tag = basename(dirname(readmePath))

    it("has runnable snippets", () => {
      expect(blocks.length).toBeGreaterThan(0)
    })

    it.each(blocks.map((code, i) => [i + 1, code] as const))("snippet %i runs", async (i, code) => {
      const file = join(cwd, `.readme-${tag}-${i}.ts`)
      writeFileSync(file, code)
      try {
        const { stdout, stderr } = await run(
          process.execPath,
          ["--conditions=source", "--import", "tsx", file],
          {
            cwd,
            timeout: timeoutMs
          }
        )
        expect(stderr).toBe("")
        const promised = promisedLines(code)
        if (options.requireOutput === true) expect(promised.length).toBeGreaterThan(0)
        const printed = stdout.split("\n").map((line) => line.trim())
        for (const line of promised) expect(printed).toContain(line)
      } finally {
        rmSync(file, { force: true })
      }
    })
  })
}
