// Twins in a real Chromium: a second child is added in Settings and becomes the one shown; the
// switch in the header changes every screen (today's totals and entries, the weight history, the
// exports' names and rows); a latch logged for both (in the form, or timed with one timer) is one
// entry per child.
import { readFile } from "node:fs/promises"
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { browserSuite, type Phone, screenshot } from "./harness.js"

const suite = browserSuite()

const DAY = 86_400_000
const berlin = (ms: number): string =>
  new Date(ms).toLocaleString("sv-SE", { timeZone: "Europe/Berlin" }).replace(" ", "T").slice(0, 16)
const entriesOf = (p: Phone) => p.page.getByRole("list", { name: "Today’s entries" }).getByRole("listitem")
const total = (p: Phone, which: string) => p.page.locator(`[data-total="${which}"] dd`).textContent()
const shownChild = (page: Page) => page.getByLabel("Child shown").locator("option:checked").textContent()
/** The stored latches per child id (what is in the log, not only what is shown). */
const latchesByChild = (page: Page): Promise<Record<string, number>> =>
  page.evaluate(() => {
    const log = (
      window as unknown as { relactationLog: { events: ReadonlyArray<{ type: string; child: string }> } }
    ).relactationLog
    const out: Record<string, number> = {}
    for (const e of log.events) if (e.type === "latch") out[e.child] = (out[e.child] ?? 0) + 1
    return out
  })
const downloadOf = async (page: Page, button: string) => {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: button }).click()
  ])
  return { name: download.suggestedFilename(), text: await readFile((await download.path())!, "utf8") }
}

describe("twins", () => {
  it("adds a second child, switches between them, and logs a latch for both at once", async () => {
    const T = "twins"
    const family = await suite.family()
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alex"))
    const { page } = a
    const now = Date.now()
    const born = berlin(now - 30 * DAY).slice(0, 10)
    const today = berlin(now).slice(0, 10)

    // One child (no switch yet), named; then her twin brother is added and shown.
    await page.getByRole("button", { name: "Settings" }).click()
    expect(await page.getByLabel("Child shown").count()).toBe(0)
    await page.getByLabel("Child’s name").fill("Mia")
    await page.getByLabel("Birth date", { exact: true }).first().fill(born)
    await page.getByRole("button", { name: "Save child profile" }).click()
    await page.getByRole("status").filter({ hasText: "Child profile saved" }).waitFor()
    await page.getByRole("button", { name: "Add a child…" }).click()
    await page.getByLabel("Name of the new child").fill("Noah")
    await page.locator("#add-child-birthDate").fill(born)
    await page.locator("#add-child-sex").selectOption("male")
    await page.getByRole("button", { name: "Add child" }).click()
    await page.getByRole("status").filter({ hasText: "Noah added" }).waitFor()
    await expect.poll(() => shownChild(page)).toBe("Noah")
    await expect.poll(() => page.getByLabel("Child’s name").inputValue()).toBe("Noah")
    await screenshot(T, "01-noah-added", a)

    // Noah's day: a supplement and a weigh-in.
    await page.getByRole("button", { name: "Today" }).click()
    await page.getByRole("button", { name: "+ Supplement" }).click()
    await page.getByLabel("Amount (ml)").fill("30")
    await page.getByRole("button", { name: "Save" }).click()
    await page.getByRole("button", { name: "+ Weigh-in" }).click()
    await page.getByLabel("Weight (g)").fill("2800")
    await page.getByRole("button", { name: "Save" }).click()
    await page.getByRole("status").filter({ hasText: "Weigh-in saved" }).waitFor()
    await expect.poll(() => total(a, "supplement")).toMatch(/^30 ml/)
    await expect.poll(() => entriesOf(a).count()).toBe(2)

    // Mia's day is her own.
    await page.getByLabel("Child shown").selectOption({ label: "Mia" })
    await expect.poll(() => total(a, "supplement")).toMatch(/^0 ml/)
    await expect.poll(() => entriesOf(a).count()).toBe(0)
    await page.getByRole("button", { name: "+ Weigh-in" }).click()
    await page.getByLabel("Weight (g)").fill("3100")
    await page.getByRole("button", { name: "Save" }).click()
    await page.getByRole("status").filter({ hasText: "Weigh-in saved" }).waitFor()
    await screenshot(T, "02-mia", a)

    // A latch for both, in the form: one entry each.
    await page.getByRole("button", { name: "Past latch" }).click()
    const form = page.getByRole("dialog")
    await form.getByLabel("For").selectOption({ label: "Mia and Noah" })
    await form.getByLabel("Duration (minutes)").fill("15")
    await form.getByRole("button", { name: "Save" }).click()
    await form.waitFor({ state: "detached" })
    await expect.poll(() => total(a, "latches")).toMatch(/^1\b/)

    // Timed together: one timer for both, and each child gets the latch when it stops.
    const timer = page.getByRole("region", { name: "Timer" })
    await timer.getByLabel("For").selectOption({ label: "Mia and Noah" })
    await timer.getByRole("button", { name: "Start left" }).click()
    await page.getByRole("timer", { name: "Latch left (Mia and Noah) running" }).waitFor()
    await screenshot(T, "03-timer-for-both", a)
    await timer.getByRole("button", { name: "Stop latch" }).click()
    await page.getByRole("timer").waitFor({ state: "detached" })
    await expect.poll(() => total(a, "latches")).toMatch(/^2\b/)
    await expect.poll(() => entriesOf(a).count()).toBe(3)
    const ids = Object.keys(await latchesByChild(page))
    await expect.poll(() => latchesByChild(page)).toEqual(Object.fromEntries(ids.map((id) => [id, 2])))
    expect(ids).toHaveLength(2)

    await page.getByLabel("Child shown").selectOption({ label: "Noah" })
    await expect.poll(() => total(a, "latches")).toMatch(/^2\b/)
    await expect.poll(() => total(a, "supplement")).toMatch(/^30 ml/)
    await expect.poll(() => entriesOf(a).count()).toBe(4)
    await screenshot(T, "04-noah-both-latches", a)

    // History: each child's own weight (a trend per child, never pooled).
    await page.getByRole("button", { name: "History" }).click()
    await page.getByRole("img", { name: /^Weight \(g\)\. Latest 2,800 g\.$/ }).waitFor()
    await page.getByLabel("Child shown").selectOption({ label: "Mia" })
    await page.getByRole("img", { name: /^Weight \(g\)\. Latest 3,100 g\.$/ }).waitFor()
    await screenshot(T, "05-history-mia", a)

    // Exports: the shown child's name in the file name and only that child's rows.
    await page.getByRole("button", { name: "Settings" }).click()
    const miaTotals = await downloadOf(page, "Daily totals CSV")
    expect(miaTotals.name).toBe(`relactation-mia-${today}-daily-totals.csv`)
    const miaEvents = await downloadOf(page, "Entries CSV")
    expect(miaEvents.text).toContain(",3100,")
    expect(miaEvents.text).not.toContain(",2800,")
    await page.getByLabel("Child shown").selectOption({ label: "Noah" })
    const noahEvents = await downloadOf(page, "Entries CSV")
    expect(noahEvents.name).toBe(`relactation-noah-${today}-events.csv`)
    expect(noahEvents.text).toContain(",2800,")
    expect(noahEvents.text).not.toContain(",3100,")
    const noahJson = JSON.parse((await downloadOf(page, "Entries JSON")).text) as Array<{
      child: string
      type: string
    }>
    expect(new Set(noahJson.filter((e) => e.type !== "caregiver").map((e) => e.child)).size).toBe(1)
    expect(noahJson.filter((e) => e.type === "latch")).toHaveLength(2)

    // After a reload the phone still shows the child chosen here.
    await page.reload()
    await page.getByRole("button", { name: "Today" }).waitFor()
    await expect.poll(() => shownChild(page)).toBe("Noah")
    await expect.poll(() => total(a, "supplement")).toMatch(/^30 ml/)
  })
})
