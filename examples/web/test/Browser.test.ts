// Which Chromium the browser tests use: the explicit setting wins, a wrong one fails clearly, with
// no browser at all the error says what was tried, and without the system's Chromium the one
// inside the npm package @sparticuz/chromium runs a real page.
import { existsSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { BROWSER_ENV, findChromium, launchChromium, NO_SYSTEM_ENV, SYSTEM_CHROMIUMS } from "./browser.js"

describe("findChromium", () => {
  it("takes the explicit setting first, and fails naming it when the path does not exist", async () => {
    const npm = await findChromium({ env: { [NO_SYSTEM_ENV]: "1" } })
    const explicit = await findChromium({ env: { [BROWSER_ENV]: npm.executablePath } })
    expect(explicit).toMatchObject({ source: "env", executablePath: npm.executablePath })
    await expect(findChromium({ env: { [BROWSER_ENV]: "/nonexistent/chromium" } })).rejects.toThrow(
      `${BROWSER_ENV} is set to /nonexistent/chromium, which does not exist`
    )
  })

  it("takes the system's Chromium before the npm one", async () => {
    const system = SYSTEM_CHROMIUMS.find((p) => existsSync(p))
    const found = await findChromium({ env: {}, systemPaths: system === undefined ? [] : [system] })
    expect(found.source).toBe(system === undefined ? "npm" : "system")
  })

  it("says what it tried and how to fix it when there is no browser at all", async () => {
    await expect(
      findChromium({ env: {}, systemPaths: ["/nonexistent/chromium"], npm: false })
    ).rejects.toThrow(
      /found no Chromium\. Tried: \$RELACTATION_CHROMIUM \(not set\), \/nonexistent\/chromium, and the npm package @sparticuz\/chromium.*Set RELACTATION_CHROMIUM=/
    )
  })

  it("uses the Chromium from the npm registry when the system has none, and it renders a page", async () => {
    const options = { env: { [NO_SYSTEM_ENV]: "1" } }
    expect((await findChromium(options)).source).toBe("npm")
    const browser = await launchChromium(options)
    try {
      const page = await browser.newPage()
      await page.setContent(
        "<main><h1>Hallo</h1><script>document.body.dataset.js = String(1 + 1)</script></main>"
      )
      expect(await page.locator("h1").textContent()).toBe("Hallo")
      expect(await page.evaluate(() => document.body.dataset.js)).toBe("2")
      expect(await page.evaluate(() => typeof indexedDB.open)).toBe("function")
    } finally {
      await browser.close()
    }
  })
})
