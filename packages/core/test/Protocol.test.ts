// `@relactation/core/protocol` is the dependency-free entry the relay imports: it must load no
// module outside itself (no `effect`, no schemas), be listed in the exports map and the tsup
// entries, and give the same constants as the main entry.
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import * as main from "@relactation/core"
import * as protocol from "@relactation/core/protocol"

const src = new URL("../src/", import.meta.url)
const importsOf = (file: string): Array<string> =>
  [
    ...readFileSync(new URL(file, src), "utf8").matchAll(
      /^\s*(?:import|export)[^"']*from\s+["']([^"']+)["']/gm
    )
  ].map((m) => m[1]!)

describe("@relactation/core/protocol", () => {
  it("loads nothing but its own module", () => {
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      for (const spec of importsOf(file)) {
        expect(spec, `${file} imports ${spec}`).toMatch(/^\.\//)
        visit(spec.replace(/^\.\//, "").replace(/\.js$/, ".ts"))
      }
    }
    visit("Protocol.ts")
    expect([...seen]).toEqual(["Protocol.ts"])
  })

  it("is an exports key and a tsup entry, and matches the main entry", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    expect(pkg.exports["./protocol"]).toEqual({
      source: "./src/Protocol.ts",
      types: "./dist/protocol.d.ts",
      import: "./dist/protocol.js",
      require: "./dist/protocol.cjs"
    })
    expect(readFileSync(new URL("../tsup.config.ts", import.meta.url), "utf8")).toContain(
      'protocol: "src/Protocol.ts"'
    )
    expect(Object.keys(protocol).sort()).toEqual([
      "CREDENTIAL_ID_PATTERN",
      "CloseCode",
      "LOG_ID_PATTERN",
      "TOKEN_PARAM",
      "TOKEN_SUBPROTOCOL",
      "isCredentialId",
      "isLogId",
      "logPath"
    ])
    expect(protocol.CloseCode).toBe(main.CloseCode)
    expect(protocol.isLogId("family-log-1")).toBe(true)
  })
})
