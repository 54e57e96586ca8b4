// Two phones on one family log through a real relay, in a real Chromium: a live timer, an entry
// that shows up on the other phone with the same totals, and offline logging on one phone while
// the other keeps logging, converging when it comes back.
import { describe, expect, it } from "vitest"
import { browserSuite, type Phone, readToday, screenshot, statusOf } from "./harness.js"

const suite = browserSuite()

describe("two phones on one log", () => {
  it("shares a running timer, entries and totals, also after one phone was offline", async () => {
    const T = "two-phones"
    const family = await suite.family()
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alex"))
    const b = await suite.phone("phoneB", family.link("caregiver-b", "Sam"))
    await expect.poll(() => statusOf(a.page)).toBe("synced")
    await expect.poll(() => statusOf(b.page)).toBe("synced")
    await b.page.getByText("Alex online").waitFor()
    await screenshot(T, "01-opened", a, b)

    // A starts a latch; B sees it running, live.
    await a.page.getByRole("button", { name: "Start left" }).click()
    await a.page.getByRole("timer").waitFor()
    await b.page.getByRole("status").filter({ hasText: "Alex: Latch left running" }).waitFor()
    await screenshot(T, "02-latch-running", a, b)

    // B gives 20 ml through the SNS during A's running latch: it waits for the latch's entry.
    await b.page.getByRole("button", { name: "+ Supplement" }).click()
    await b.page.getByLabel("Amount (ml)").fill("20")
    await b.page.getByLabel("Milk").selectOption("expressed")
    await b.page.getByLabel("Given by").selectOption("sns")
    await expect.poll(() => b.page.getByLabel("During latch").inputValue()).toMatch(/^running\|caregiver-a\|/)
    await b.page.getByRole("button", { name: "Save" }).click()
    await b.page.getByRole("list", { name: "Waiting for the latch to stop" }).waitFor()
    await screenshot(T, "03-sns-waiting", a, b)

    // A stops it; B sees the entry, logged by Alex, its SNS feed linked, and the same totals.
    await a.page.getByRole("button", { name: "Stop latch" }).click()
    const entriesB = b.page.getByRole("list", { name: "Today’s entries" }).getByRole("listitem")
    await expect.poll(() => entriesB.count()).toBe(2)
    await expect.poll(() => entriesB.filter({ hasText: "Latch left" }).textContent()).toMatch(/by Alex/)
    await expect
      .poll(() => entriesB.filter({ hasText: "Supplement" }).textContent())
      .toMatch(/SNS during a latch/)
    await b.page.getByRole("list", { name: "Waiting for the latch to stop" }).waitFor({ state: "detached" })
    await expect.poll(() => b.page.locator('[data-total="latches"] dd').textContent()).toMatch(/^1\b/)
    await expect.poll(async () => (await readToday(b.page)).totals).toBe((await readToday(a.page)).totals)
    await b.page.getByRole("status").filter({ hasText: "running" }).waitFor({ state: "detached" })
    await screenshot(T, "04-latch-logged", a, b)

    // B goes offline and logs a supplement while A logs a pump.
    await b.context.setOffline(true)
    await expect.poll(() => statusOf(b.page)).toBe("offline")
    await b.page.getByRole("button", { name: "+ Supplement" }).click()
    await b.page.getByLabel("Amount (ml)").fill("30")
    await b.page.getByLabel("Milk").selectOption("formula")
    await b.page.getByRole("button", { name: "Save" }).click()
    await b.page.getByRole("status").filter({ hasText: "Supplement saved" }).waitFor()

    await a.page.getByRole("button", { name: "+ Pump" }).click()
    await a.page.getByLabel("Amount pumped (ml)").fill("45")
    await a.page.getByRole("button", { name: "Save" }).click()
    await a.page.getByRole("status").filter({ hasText: "Pump saved" }).waitFor()
    await screenshot(T, "05-b-offline", a, b)

    // B comes back: both phones show the same three entries and the same totals.
    await b.context.setOffline(false)
    await expect.poll(() => statusOf(b.page)).toBe("synced")
    for (const phone of [a, b]) {
      const list = phone.page.getByRole("list", { name: "Today’s entries" }).getByRole("listitem")
      await expect.poll(() => list.count(), { timeout: 20_000 }).toBe(4)
    }
    await expect.poll(() => a.page.locator('[data-total="pumped"] dd').textContent()).toMatch(/^45 ml/)
    await expect.poll(() => a.page.locator('[data-total="supplement"] dd').textContent()).toMatch(/^50 ml/)
    const todayA = await readToday(a.page)
    await expect.poll(() => readToday(b.page)).toEqual(todayA)
    await screenshot(T, "06-converged", a, b)

    // Each phone shows the other parent online again, right after the reconnect (not after the
    // 15 s presence renewal).
    await expect.poll(() => b.page.getByText("Alex online").count(), { timeout: 5_000 }).toBe(1)
    await expect.poll(() => a.page.getByText("Sam online").count(), { timeout: 5_000 }).toBe(1)
    await screenshot(T, "07-both-online", a, b)

    // A starts a latch and forgets it; B stops it from its phone. A's timer ends by itself and
    // both phones list the latch (recorded by Sam) once.
    const latches = (p: Phone) => p.page.locator('[data-total="latches"] dd').textContent()
    const before = await latches(a)
    await a.page.getByRole("button", { name: "Start both" }).click()
    await a.page.getByRole("timer").waitFor()
    await b.page.getByRole("button", { name: "Stop Alex’s latch" }).click()
    await b.page
      .getByRole("form", { name: "Stop Alex’s latch" })
      .getByRole("button", { name: "Save" })
      .click()
    await a.page.getByRole("timer").waitFor({ state: "detached" })
    await a.page.getByRole("button", { name: "Start left" }).waitFor()
    await expect.poll(() => latches(a)).not.toBe(before)
    await expect.poll(() => latches(b)).toBe(await latches(a))
    await expect.poll(() => readToday(b.page)).toEqual(await readToday(a.page))
    await screenshot(T, "08-stopped-by-other-phone", a, b)
  })
})
