import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { SECURITY_HEADERS, serveStatic } from "../scripts/serve.js"
import { readFileSync } from "node:fs"

const dist = fileURLToPath(new URL("../public/", import.meta.url))

describe("the static server", () => {
  it("sends the CSP (no inline script, no framing) and the other security headers on every response", async () => {
    const web = await serveStatic(dist)
    try {
      for (const path of ["/icon.svg", "/no-such-file.png"]) {
        const response = await fetch(`${web.url}${path}`)
        expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'")
        expect(response.headers.get("content-security-policy")).toContain("script-src 'self'")
        expect(response.headers.get("x-frame-options")).toBe("DENY")
        expect(response.headers.get("referrer-policy")).toBe("no-referrer")
        expect(response.headers.get("x-content-type-options")).toBe("nosniff")
      }
    } finally {
      await web.close()
    }
  })

  it("public/_headers, copied into the built app for static hosts, says the same", () => {
    const file = readFileSync(new URL("../public/_headers", import.meta.url), "utf8")
    expect(file).toContain(`Content-Security-Policy: ${SECURITY_HEADERS["content-security-policy"]}`)
    expect(file).toContain("X-Frame-Options: DENY")
    expect(file).toContain("Referrer-Policy: no-referrer")
  })
})
