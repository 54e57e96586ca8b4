// Sessions that never double, on two phones in a real Chromium through a real relay: both phones
// stopping the same latch (online: the second one says who stopped it; offline: both record the
// one entry), the other phone's running pump stopped here with its amount, and a phone switched
// off mid-session: the other phone shows its timer as maybe forgotten, to stop (the duration
// confirmed) or discard.
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { browserSuite, type Phone, screenshot, statusOf } from "./harness.js"

const suite = browserSuite()

const entriesOf = (p: Phone) => p.page.getByRole("list", { name: "Today’s entries" }).getByRole("listitem")
/** The events of a type in the phone's log (what is stored, not only what is shown). */
const stored = (page: Page, type: string): Promise<number> =>
  page.evaluate(
    (type) =>
      (
        window as unknown as { relactationLog: { events: ReadonlyArray<{ type: string }> } }
      ).relactationLog.events.filter((e) => e.type === type).length,
    type
  )

const twoPhones = async (options: { clockOnB?: boolean } = {}) => {
  // A phone that loses its network cannot say goodbye: the relay drops it when it misses a ping.
  const family = await suite.family({ limits: { idleTimeoutMs: 2_000 } })
  const a = await suite.phone("phoneA", family.link("caregiver-a", "Alex"))
  const b = await suite.phone("phoneB", family.link("caregiver-b", "Sam"), {
    ...(options.clockOnB ? { beforeOpen: (page: Page) => page.clock.install() } : {})
  })
  await expect.poll(() => statusOf(a.page)).toBe("synced")
  await expect.poll(() => statusOf(b.page)).toBe("synced")
  await b.page.getByText("Alex online").waitFor()
  await a.page.getByText("Sam online").waitFor()
  return { a, b }
}

describe("sessions on two phones", () => {
  it("both phones stop the same latch: one entry; the second phone says who stopped it", async () => {
    const T = "sessions-both-stop"
    const { a, b } = await twoPhones()

    // Online: Sam opens the stop form for Alex's latch while Alex stops it on their phone.
    await a.page.getByRole("button", { name: "Start left" }).click()
    await b.page.getByRole("status").filter({ hasText: "Alex: Latch left running" }).waitFor()
    await b.page.getByRole("button", { name: "Stop Alex’s latch" }).click()
    const form = b.page.getByRole("form", { name: "Stop Alex’s latch" })
    await form.getByLabel("Duration (minutes)").fill("12")
    await a.page.getByRole("button", { name: "Stop latch" }).click()
    await a.page.getByRole("status").filter({ hasText: "Latch left saved" }).waitFor()
    await expect.poll(() => entriesOf(b).count()).toBe(1)
    await screenshot(T, "01-form-open-while-stopped", a, b)
    await form.getByRole("button", { name: "Save" }).click()
    await b.page.getByRole("status").filter({ hasText: "Already stopped by Alex" }).waitFor()
    await form.waitFor({ state: "detached" })
    expect(await stored(b.page, "latch")).toBe(1)
    expect(await stored(a.page, "latch")).toBe(1)
    await expect.poll(() => entriesOf(b).first().textContent()).toMatch(/Latch\s*left.*by Alex/)
    await screenshot(T, "02-already-stopped-by-alex", a, b)

    // Offline: Sam, on the bus without network, stops Alex's next latch; Alex stops it too. Back
    // online, both phones have the one entry.
    await a.page.getByRole("button", { name: "Start right" }).click()
    await b.page.getByRole("status").filter({ hasText: "Alex: Latch right running" }).waitFor()
    await b.context.setOffline(true)
    await expect.poll(() => statusOf(b.page)).toBe("offline")
    await b.page.getByRole("button", { name: "Stop Alex’s latch" }).click()
    await b.page
      .getByRole("form", { name: "Stop Alex’s latch" })
      .getByRole("button", { name: "Save" })
      .click()
    await b.page.getByRole("status").filter({ hasText: "Alex’s Latch right saved" }).waitFor()
    await a.page.getByRole("button", { name: "Stop latch" }).click()
    await a.page.getByRole("status").filter({ hasText: "Latch right saved" }).waitFor()
    await screenshot(T, "03-both-stopped-offline", a, b)
    await b.context.setOffline(false)
    await expect.poll(() => statusOf(b.page)).toBe("synced")
    await expect.poll(() => a.page.locator('[data-total="latches"] dd').textContent()).toMatch(/^2\b/)
    await expect.poll(() => b.page.locator('[data-total="latches"] dd').textContent()).toMatch(/^2\b/)
    for (const p of [a, b]) {
      await expect.poll(() => entriesOf(p).count()).toBe(2)
      expect(await stored(p.page, "latch")).toBe(2)
    }
    await screenshot(T, "04-one-entry-each", a, b)
  })

  it("stops the other phone's running pump here, asking for the amount", async () => {
    const T = "sessions-their-pump"
    const { a, b } = await twoPhones()
    await a.page.getByRole("button", { name: "Start pump" }).click()
    await b.page.getByRole("status").filter({ hasText: "Alex: Pump electric running" }).waitFor()
    await b.page.getByRole("button", { name: "Stop Alex’s pump" }).click()
    const form = b.page.getByRole("form", { name: "Stop Alex’s pump" })
    await form.getByRole("button", { name: "Save" }).click()
    await expect
      .poll(() => form.getByRole("alert").textContent())
      .toBe("Amount pumped (ml): enter a number, 0 is fine")
    expect(await stored(b.page, "pump")).toBe(0)
    await screenshot(T, "01-amount-missing", a, b)
    await form.getByLabel("Amount pumped (ml)").fill("35")
    await form.getByRole("button", { name: "Save" }).click()
    // Alex's timer ends by itself when Sam's entry arrives; both list the pump, by Sam.
    await a.page.getByRole("timer").waitFor({ state: "detached" })
    await a.page.getByRole("button", { name: "Start pump" }).waitFor()
    for (const p of [a, b]) {
      await expect.poll(() => entriesOf(p).count()).toBe(1)
      await expect.poll(() => p.page.locator('[data-total="pumped"] dd').textContent()).toMatch(/^35 ml/)
    }
    await expect.poll(() => entriesOf(a).first().textContent()).toMatch(/Pump\s*35 ml.*by Sam/)
    await screenshot(T, "02-stopped-by-sam", a, b)
  })

  it("shows a phone switched off mid-session as maybe forgotten; it can be discarded or stopped", async () => {
    const T = "sessions-forgotten"
    const { a, b } = await twoPhones({ clockOnB: true })
    const forgotten = b.page.getByRole("group", {
      name: /^Maybe forgotten: Latch both, started \d?\d:\d\d on Alex’s phone$/
    })

    // Alex's phone loses its network with a latch running: after the limit (5 minutes) Sam's phone
    // shows it as maybe forgotten. Discarding records nothing.
    await a.page.getByRole("button", { name: "Start both" }).click()
    await b.page.getByRole("status").filter({ hasText: "Alex: Latch both running" }).waitFor()
    await a.context.setOffline(true)
    await b.page.locator('[data-peer="offline"]').waitFor()
    expect(await forgotten.count()).toBe(0) // away, not yet forgotten
    await b.page.clock.fastForward("06:00")
    await forgotten.waitFor()
    await screenshot(T, "01-maybe-forgotten", b)
    await forgotten.getByRole("button", { name: "Discard" }).click()
    await forgotten.waitFor({ state: "detached" })
    await b.page.getByRole("status").filter({ hasText: "discarded: nothing was logged" }).waitFor()
    expect(await stored(b.page, "latch")).toBe(0)
    await screenshot(T, "02-discarded", b)

    // It comes back (still running on Alex's phone) when Alex's phone does.
    await a.context.setOffline(false)
    await b.page.getByRole("status").filter({ hasText: "Alex: Latch both running" }).waitFor()

    // Now Alex's phone is switched off for good (its battery ran out): Sam stops the latch, with
    // the duration the parents agree on.
    await a.context.close()
    await b.page.locator('[data-peer="offline"]').waitFor()
    await b.page.clock.fastForward("06:00")
    await forgotten.waitFor()
    await forgotten.getByRole("button", { name: "Stop" }).click()
    const form = b.page.getByRole("form", { name: "Stop Alex’s latch" })
    await form.getByLabel("Duration (minutes)").fill("20")
    await screenshot(T, "03-confirm-duration", b)
    await form.getByRole("button", { name: "Save" }).click()
    await forgotten.waitFor({ state: "detached" })
    await expect.poll(() => entriesOf(b).count()).toBe(1)
    await expect.poll(() => entriesOf(b).first().textContent()).toMatch(/Latch\s*both, 20 min.*by you/)
    expect(await stored(b.page, "latch")).toBe(1)
    await screenshot(T, "04-stopped-20-min", b)
  })
})
