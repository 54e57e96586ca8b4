// The React page in a real Chromium, two phones on one family log through a real relay: each page
// opens the log with useLog (under StrictMode), sees the other phone online, and one phone's entry
// and running latch show up live on the other (useDailyTotals, usePeers, useSession, useStatus).
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { createRelay, type RelayHandle } from "@relactation/server"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { serveStatic, type StaticServer } from "../../web/scripts/serve.js"
import { launchChromium } from "../../web/test/browser.js"

const appDir = fileURLToPath(new URL("..", import.meta.url))
let browser: Browser
let relay: RelayHandle
let web: StaticServer
let dataDir = ""

beforeAll(async () => {
  const { build } = await import("vite")
  await build({ configFile: join(appDir, "vite.config.ts"), logLevel: "warn" })
  dataDir = await mkdtemp(join(tmpdir(), "relactation-react-page-"))
  relay = await createRelay({ host: "127.0.0.1", port: 0, dataDir, log: () => {} })
  web = await serveStatic(join(appDir, "dist"))
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await web?.close()
  await relay?.close()
  await rm(dataDir, { recursive: true, force: true })
})

const open = async (logId: string, caregiver: string, name: string): Promise<Page> => {
  const context = await browser.newContext({ timezoneId: "Europe/Berlin", locale: "en-GB" })
  const page = await context.newPage()
  const errors: Array<string> = []
  page.on("pageerror", (e) => errors.push(String(e)))
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text())
  })
  const p = new URLSearchParams({ relay: relay.url, log: logId, token: relay.token(logId), caregiver, name })
  await page.goto(`${web.url}/#${p.toString()}`)
  await page.getByRole("heading", { name: "Relactation with React" }).waitFor()
  ;(page as Page & { errors?: Array<string> }).errors = errors
  return page
}
const text = (page: Page, id: string) => page.getByTestId(id).textContent()

describe("the React page", () => {
  it("shows one phone's entries and running latch on the other, live", async () => {
    const logId = `family-${Math.random().toString(36).slice(2, 12)}`
    const a = await open(logId, "parent-a", "Alex")
    const b = await open(logId, "parent-b", "Sam")
    await expect.poll(() => text(a, "status")).toBe("Connection: synced")
    await expect.poll(() => text(b, "status")).toBe("Connection: synced")
    await expect.poll(() => text(a, "peers")).toBe("Online: Sam")
    await expect.poll(() => text(b, "peers")).toBe("Online: Alex")

    await a.getByRole("button", { name: "Log a 10-minute latch" }).click()
    await a.getByRole("button", { name: "Log 30 ml formula" }).click()
    await expect.poll(() => text(a, "latches")).toBe("1")
    await expect.poll(() => text(b, "latches")).toBe("1")
    await expect.poll(() => text(b, "supplement")).toBe("30")

    await a.getByRole("button", { name: "Start a latch" }).click()
    await expect.poll(() => text(b, "peers")).toBe("Online: Alex (latch running)")
    await a.getByRole("button", { name: "Stop the latch (right)" }).click()
    await expect.poll(() => text(b, "latches")).toBe("2")
    await expect.poll(() => text(b, "peers")).toBe("Online: Alex")
    await a.getByRole("button", { name: "Start a latch" }).waitFor()

    // A reload reopens the log from IndexedDB: the entries are still there.
    await b.reload()
    await expect.poll(() => text(b, "latches")).toBe("2")
    for (const page of [a, b]) expect((page as Page & { errors?: Array<string> }).errors).toEqual([])
    await a.context().close()
    await expect.poll(() => text(b, "peers")).toBe("Nobody else online")
    await b.context().close()
  })
})
