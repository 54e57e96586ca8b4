// Settings › Devices in a real Chromium against a real relay: each phone exchanges the shared link's
// token for a credential of its own, lists the family's phones by the names they gave themselves,
// and one phone removes the other, which then says it was removed instead of retrying.
import { describe, expect, it } from "vitest"
import { browserSuite, type Phone, screenshot, statusOf } from "./harness.js"

const suite = browserSuite()
// A reload reconnects before "synced": seconds under load, longer than expect.poll's default 1 s.
const WITHIN = { timeout: 15_000 }

const logWeighIn = async (phone: Phone, grams: string) => {
  await phone.page.getByRole("button", { name: "Today" }).click()
  await phone.page.getByRole("button", { name: "+ Weigh-in" }).click()
  await phone.page.getByLabel("Weight (g)").fill(grams)
  await phone.page.getByRole("button", { name: "Save" }).click()
  await phone.page.getByRole("status").filter({ hasText: "saved" }).first().waitFor()
}

/** What the phone's open log holds: its events' weights, its problems, the epoch it seals with. */
const logOf = (phone: Phone) =>
  phone.page.evaluate(() => {
    const log = (
      window as unknown as {
        relactationLog: {
          events: ReadonlyArray<{ type: string; grams?: number }>
          problems: ReadonlyArray<unknown>
        }
      }
    ).relactationLog
    return {
      grams: log.events.filter((e) => e.type === "weigh-in").map((e) => e.grams),
      problems: log.problems.length
    }
  })

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
  it("in a sealed family, removing a phone renews the keys: the others read on (after a reload too), the removed one gets nothing new", async () => {
    const T = "devices-keys"
    const family = await suite.family()
    expect(family.key).toBeDefined()
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alex"))
    const b = await suite.phone("phoneB", family.link("caregiver-b", "Sam"))
    const c = await suite.phone("phoneC", family.link("caregiver-c", "Kim"))
    for (const p of [a, b, c]) await expect.poll(() => statusOf(p.page), WITHIN).toBe("synced")
    await logWeighIn(a, "3650")
    for (const p of [b, c]) await expect.poll(async () => (await logOf(p)).grams, WITHIN).toEqual([3650])

    await a.page.getByRole("button", { name: "Settings" }).click()
    const devices = a.page.locator('[data-section="devices"]')
    await expect.poll(() => devices.getByRole("listitem").count(), WITHIN).toBe(3)
    const sam = devices.getByRole("listitem").filter({ hasText: "Sam" })
    await sam.getByRole("button", { name: "Remove" }).click()
    await sam.getByRole("button", { name: "Yes, remove" }).click()
    await a.page.getByText("Keys renewed: Sam cannot read anything recorded from now on.").waitFor()
    await expect.poll(() => statusOf(b.page)).toBe("removed")
    await screenshot(T, "01-keys-renewed", a)
    // A's invite is made again at the removal (Settings still open): its key carries the new epoch
    // (an invite key), so a phone joining from it seals with that epoch from its first entry. The
    // joined phone keeps the family key alone for its recovery words, the invite key beside it to
    // open the log with.
    const inviteLink = a.page.locator(".invite-link")
    await expect.poll(async () => (await inviteLink.textContent()) ?? "", WITHIN).toMatch(/&key=e1\./)
    const invite = (await inviteLink.textContent()) ?? ""
    const inviteKey = new URLSearchParams(invite.split("#")[1]).get("key")

    await logWeighIn(a, "3720")
    await expect.poll(async () => (await logOf(c)).grams.sort(), WITHIN).toEqual([3650, 3720])
    expect((await logOf(b)).grams).toEqual([3650])
    // C's key pair is kept in IndexedDB: after a reload it still opens the new epoch, and writes in
    // it. A is offline meanwhile, so no other phone could wrap the epoch for a new key pair of C's.
    const relactation = (phone: Phone, action: "connect" | "disconnect") =>
      phone.page.evaluate(
        (what) =>
          (window as unknown as { relactationLog: Record<string, () => void> }).relactationLog[what]!(),
        action
      )
    await relactation(a, "disconnect")
    await c.page.reload()
    await expect.poll(() => statusOf(c.page), WITHIN).toBe("synced")
    await expect.poll(async () => logOf(c), WITHIN).toEqual({ grams: [3650, 3720], problems: 0 })
    await logWeighIn(c, "3800")
    await relactation(a, "connect")
    await expect.poll(async () => (await logOf(a)).grams.sort(), WITHIN).toEqual([3650, 3720, 3800])
    expect((await logOf(a)).problems).toBe(0)

    // D joins from the invite A showed right after the removal (after C's reload: D holds the new
    // epoch, so it could have wrapped it for C).
    const d = await suite.phone("phoneD", invite)
    await expect.poll(() => statusOf(d.page), WITHIN).toBe("synced")
    await expect.poll(async () => (await logOf(d)).grams.sort(), WITHIN).toEqual([3650, 3720, 3800])
    const stored = await d.page.evaluate(() => JSON.parse(localStorage.getItem("relactation:link") ?? "{}"))
    expect(stored).toMatchObject({ key: family.key, inviteKey })
  })
})
