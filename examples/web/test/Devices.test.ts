// Settings › Devices in a real Chromium against a real relay: each phone exchanges the shared link's
// token for a credential of its own, lists the family's phones by the names they gave themselves,
// and one phone removes the other, which then says it was removed instead of retrying.
import { describe, expect, it } from "vitest"
import { browserSuite, screenshot, statusOf } from "./harness.js"

const suite = browserSuite()

describe("devices", () => {
  it("lists this family's phones and removes one after a confirmation; the removed phone says so", async () => {
    const T = "devices"
    const family = await suite.family()
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alex"))
    const b = await suite.phone("phoneB", family.link("caregiver-b", "Sam"))
    await expect.poll(() => statusOf(a.page)).toBe("synced")
    await expect.poll(() => statusOf(b.page)).toBe("synced")

    await a.page.getByRole("button", { name: "Settings" }).click()
    const devices = a.page.locator('[data-section="devices"]')
    const sam = devices.getByRole("listitem").filter({ hasText: "Sam" })
    // Both exchanged the link's token for their own credentials (the relay lists two ids).
    await expect.poll(() => devices.getByRole("listitem").count(), { timeout: 15_000 }).toBe(2)
    await sam.waitFor()
    await expect
      .poll(() => devices.getByRole("listitem").filter({ hasText: "this phone" }).textContent())
      .toMatch(/Alex/)
    await expect.poll(() => sam.textContent()).toMatch(/last seen/)
    await screenshot(T, "01-devices", a)

    await sam.getByRole("button", { name: "Remove" }).click()
    await sam.getByText("Remove Sam from the family?").waitFor()
    await sam.getByRole("button", { name: "Yes, remove" }).click()
    await expect.poll(() => statusOf(b.page)).toBe("removed")
    await b.page.getByText("This phone was removed from the family").waitFor()
    await expect.poll(() => devices.getByRole("listitem").count()).toBe(1)
    await screenshot(T, "02-removed", a, b)
    // A keeps syncing.
    expect(await statusOf(a.page)).toBe("synced")
  })
})
