// The plan in a real Chromium, two phones on a real relay: the editor refuses bad plans with the
// field and the rule and stores nothing; a plan saved on one phone is on the other's Today screen at
// once, and after that phone was offline; Today shows the targets met or not and the supplement
// ceiling against what was given; History shows 14 days, 30 days or the whole course with the plan
// drawn on the charts; the targets an older version kept on a phone move into the shared plan once.
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { browserSuite, screenshot, statusOf } from "./harness.js"
import { berlinInput, DAY, logWeighIn, saveChildProfile } from "./steps.js"

const suite = browserSuite()

/** How many plan events this phone's log holds (retracted ones included). */
const planEvents = (page: Page): Promise<number> =>
  page.evaluate(
    () =>
      (
        window as unknown as { relactationLog: { events: Array<{ type: string }> } }
      ).relactationLog.events.filter((e) => e.type === "plan").length
  )
const target = (page: Page, name: string) => page.locator(`.today-plan li[data-target="${name}"]`)

const fillPlan = async (page: Page, fields: Record<string, string>) => {
  for (const [label, value] of Object.entries(fields))
    await page.getByLabel(label, { exact: true }).fill(value)
  await page.getByRole("button", { name: "Save the plan" }).click()
}

describe("the plan in the app", () => {
  it("is edited on one phone and shown on the other at once and after being offline", async () => {
    const T = "plan-two-phones"
    const family = await suite.family()
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alex"))
    const b = await suite.phone("phoneB", family.link("caregiver-b", "Sam"))
    await expect.poll(() => statusOf(a.page)).toBe("synced")
    await expect.poll(() => statusOf(b.page)).toBe("synced")
    await b.page.locator('[data-plan="none"]').waitFor()

    // Bad plans: the field and the rule, and nothing stored on either phone.
    await a.page.getByRole("button", { name: "Settings" }).click()
    const alert = a.page.locator(".plan-editor").getByRole("alert")
    const refused: Array<readonly [Record<string, string>, RegExp]> = [
      [{ "Latches a day": "-1" }, /Latches a day: must be between 0 and 30 \(got -1\)/],
      [
        { "Latches a day": "", "Less at each step (ml)": "30", "Days between steps": "3" },
        /Daily supplement at the start: is required/
      ],
      [
        { "Daily supplement at the start (ml)": "300", "Less at each step (ml)": "0" },
        /Less at each step: must be more than 0/
      ],
      [
        { "Less at each step (ml)": "30", "Days between steps": "0" },
        /Days between steps: must be between 1 and 60/
      ],
      [
        { "Days between steps": "3", "Daily supplement at the start (ml)": "2500" },
        /Daily supplement at the start: must be between 0 and 2000/
      ],
      [
        { "Daily supplement at the start (ml)": "", "Less at each step (ml)": "", "Days between steps": "" },
        /Plan: give at least one daily target or a supplement schedule/
      ],
      [{ "Pumping sessions a day": "two" }, /Pumping sessions a day: “two” is not a number/]
    ]
    for (const [fields, message] of refused) {
      await fillPlan(a.page, fields)
      await expect.poll(() => alert.textContent()).toMatch(message)
    }
    await screenshot(T, "01-refused", a)
    expect(await planEvents(a.page)).toBe(0)
    expect(await planEvents(b.page)).toBe(0)

    // A valid plan on A is B's plan, at once.
    await fillPlan(a.page, {
      "Pumping sessions a day": "3",
      "Latches a day": "8",
      "Night latches": "2",
      "Daily supplement at the start (ml)": "300",
      "Less at each step (ml)": "30",
      "Days between steps": "3",
      "Note (for example who set the plan, and when)": "from the consultant"
    })
    await a.page.getByRole("status").filter({ hasText: "Plan saved" }).waitFor()
    await expect
      .poll(() => target(b.page, "latches").textContent())
      .toMatch(/Latches a day\s*0 of 8\s*not yet/)
    await expect.poll(() => target(b.page, "pumps").textContent()).toMatch(/0 of 3/)
    await expect
      .poll(() => target(b.page, "supplement").textContent())
      .toMatch(/0 ml of at most 300 ml\s*within the plan/)

    // B gives 320 ml: 20 ml over today's ceiling; one latch is logged too.
    await b.page.getByRole("button", { name: "+ Supplement" }).click()
    await b.page.getByLabel("Amount (ml)").fill("320")
    await b.page.getByRole("button", { name: "Save" }).click()
    await expect
      .poll(() => target(b.page, "supplement").textContent())
      .toMatch(/320 ml of at most 300 ml\s*20 ml over the plan/)
    await expect.poll(() => target(b.page, "supplement").getAttribute("data-met")).toBe("no")
    await a.page.getByRole("button", { name: "Today" }).click()
    await expect.poll(() => target(a.page, "supplement").textContent()).toMatch(/320 ml of at most 300 ml/)
    await screenshot(T, "02-plan-on-both", a, b)

    // B is offline while A changes the plan; B shows the new plan once it is back.
    await b.context.setOffline(true)
    await expect.poll(() => statusOf(b.page)).toBe("offline")
    await a.page.getByRole("button", { name: "Settings" }).click()
    await expect.poll(() => a.page.locator('[data-plan="in-force"]').textContent()).toMatch(/entered by you/)
    await fillPlan(a.page, { "Latches a day": "10" })
    await a.page.getByRole("status").filter({ hasText: "Plan saved" }).waitFor()
    expect(await target(b.page, "latches").textContent()).toMatch(/0 of 8/)
    await b.context.setOffline(false)
    await expect.poll(() => target(b.page, "latches").textContent(), { timeout: 20_000 }).toMatch(/0 of 10/)
    await b.page.getByRole("button", { name: "Settings" }).click()
    await expect.poll(() => b.page.locator('[data-plan="in-force"]').textContent()).toMatch(/entered by Alex/)
    await expect.poll(() => b.page.getByLabel("Latches a day", { exact: true }).inputValue()).toBe("10")
    await expect
      .poll(() => b.page.getByLabel("Note (for example who set the plan, and when)").inputValue())
      .toBe("from the consultant")
    await screenshot(T, "03-after-offline", a, b)

    // Withdrawing the plan on B brings the first one back on both phones.
    await b.page.getByRole("button", { name: "Withdraw this plan" }).click()
    await a.page.getByRole("button", { name: "Today" }).click()
    await expect.poll(() => target(a.page, "latches").textContent()).toMatch(/0 of 8/)
  })

  it("History: 14 days, 30 days or the whole course, with the plan on the charts and the WHO band", async () => {
    const T = "plan-history"
    const family = await suite.family()
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alex"))
    const { page } = a
    const now = Date.now()
    await saveChildProfile(page, { name: "Mia", born: now - 45 * DAY, sex: "female" })
    await fillPlan(page, {
      "Latches a day": "8",
      "Pumped a day (ml)": "100",
      "Daily supplement at the start (ml)": "300",
      "Less at each step (ml)": "30",
      "Days between steps": "3"
    })
    await page.getByRole("status").filter({ hasText: "Plan saved" }).waitFor()

    // Weighed at noon 40 calendar days ago (in Berlin, whatever the hour and DST) and now; a pump.
    const todayInBerlin = berlinInput(now).slice(0, 10)
    const fortyDaysAgo = new Date(Date.parse(`${todayInBerlin}T00:00:00Z`) - 40 * DAY)
      .toISOString()
      .slice(0, 10)
    await page.getByRole("button", { name: "Today" }).click()
    for (const [time, grams] of [
      [`${fortyDaysAgo}T12:00`, 3400],
      [berlinInput(now), 4400]
    ] as const) {
      await logWeighIn(page, grams, time)
    }
    await page.getByRole("button", { name: "+ Pump" }).click()
    await page.getByLabel("Amount pumped (ml)").fill("120")
    await page.getByRole("button", { name: "Save" }).click()
    await page.getByRole("status").filter({ hasText: "Pump saved" }).waitFor()

    await page.getByRole("button", { name: "History" }).click()
    const supplementChart = page.getByRole("img", { name: /Supplement \(ml\) by milk/ })
    await expect
      .poll(() => supplementChart.getAttribute("aria-label"))
      .toMatch(/over 14 days.*The plan’s ceiling today: 300 ml/)
    await expect
      .poll(() => page.getByRole("img", { name: /Latches/ }).getAttribute("aria-label"))
      .toMatch(/The plan: 8 latches a day/)
    await expect
      .poll(() => page.getByRole("img", { name: /Pumped/ }).getAttribute("aria-label"))
      .toMatch(/over 14 days.*The plan: 100 ml pumped a day/)
    const met = page.getByRole("table", { name: "The plan in this period" })
    await expect
      .poll(() => met.locator('tr[data-target="pumpedMl"]').textContent())
      .toMatch(/1 of 1 logged days/)
    await expect
      .poll(() => met.locator('tr[data-target="latches"]').textContent())
      .toMatch(/0 of 1 logged days/)
    await expect
      .poll(() => met.locator('tr[data-target="supplement"]').textContent())
      .toMatch(/1 of 1 logged days/)
    // In 14 days only today's weigh-in; the WHO band needs the first one too.
    const weightChart = page.getByRole("img", { name: /Weight \(g\)/ })
    await expect.poll(() => weightChart.getAttribute("aria-label")).toMatch(/Latest 4,400 g\.$/)
    await screenshot(T, "01-14-days", a)

    await page.getByLabel("Period").selectOption("30")
    await expect.poll(() => supplementChart.getAttribute("aria-label")).toMatch(/over 30 days/)
    await page.getByLabel("Period").selectOption("all")
    // The course starts with the weigh-in 40 days ago: 41 days, both weigh-ins and the WHO band.
    await expect.poll(() => supplementChart.getAttribute("aria-label")).toMatch(/over 41 days/)
    await expect
      .poll(() => weightChart.getAttribute("aria-label"))
      .toMatch(/Latest 4,400 g\. WHO P15–P85 from the first weigh-in: [\d,]+ g to [\d,]+ g\./)
    // Before the plan was set the days had none: still one logged day with a plan.
    await expect
      .poll(() => met.locator('tr[data-target="pumpedMl"]').textContent())
      .toMatch(/1 of 1 logged days/)
    await screenshot(T, "02-whole-course", a)
  })

  it("moves the targets an older version kept on a phone into the shared plan, once", async () => {
    const T = "plan-migration"
    const family = await suite.family()
    const old = {
      volume: "ml",
      plan: { latches: 7, nightLatches: 1, latchMinutes: 100, pumpedMl: 0, supplementMl: 250 }
    }
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alex"), { settings: old })
    await expect.poll(() => target(a.page, "latches").textContent()).toMatch(/0 of 7/)
    await expect.poll(() => target(a.page, "supplement").textContent()).toMatch(/at most 250 ml/)
    const b = await suite.phone("phoneB", family.link("caregiver-b", "Sam"))
    await expect.poll(() => target(b.page, "latches").textContent()).toMatch(/0 of 7/)
    await screenshot(T, "01-moved", a, b)
    await a.page.reload()
    await a.page.locator("nav.tabs button").first().waitFor()
    await expect.poll(() => target(a.page, "latches").textContent()).toMatch(/0 of 7/)
    expect(await planEvents(a.page)).toBe(1)
    expect(await planEvents(b.page)).toBe(1)
  })
})
