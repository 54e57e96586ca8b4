import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { promisedLines, runnableSnippets } from "../src/ReadmeSnippets.js"

const dir = mkdtempSync(join(tmpdir(), "testkit-readme-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("runnableSnippets", () => {
  it("takes only the ts blocks right after a runnable marker, in order", () => {
    const readme = join(dir, "README.md")
    writeFileSync(
      readme,
      [
        "# x",
        "```ts",
        "not marked",
        "```",
        "<!-- runnable -->",
        "```ts",
        "first()",
        "```",
        "<!-- runnable: needs a relay -->",
        "```ts",
        "second()",
        "```",
        "<!-- runnable -->",
        "```sh",
        "not ts",
        "```",
        ""
      ].join("\n")
    )
    expect(runnableSnippets(readme)).toEqual(["first()\n", "second()\n"])
  })
})

describe("promisedLines", () => {
  it("reads the comment after each console.log as a promised line", () => {
    const code = [
      "console.log(a, b) // 2 0 0",
      "  console.log(c)  //  ok  ",
      "f() // not a log",
      "console.log(d)"
    ].join("\n")
    expect(promisedLines(code)).toEqual(["2 0 0", "ok"])
  })
})
