// The web app's sealed default, joining and links (issue 12, issue 11 item 6), in a real Chromium
// on a real relay: a new family is end-to-end encrypted, Settings says so and shows the recovery
// words on request, the invite link carries the family key after the #, a phone that opens it
// reads the log, a link to a ws:// relay elsewhere is refused, a link to another log is asked
// about (with its relay's address) before it replaces the stored one, and a family from before
// sealing moves to a sealed log with every entry.
import { describe, expect, it } from "vitest"
import { browserSuite, type Phone, statusOf } from "./harness.js"

const suite = browserSuite()
// A reload reconnects (and renews or exchanges the credential) before "synced": seconds under load,
// longer than expect.poll's default of 1 s; the test's own timeout still bounds it.
const SYNCED_WITHIN = { timeout: 15_000 }

const openSettings = async (phone: Phone) => {
  await phone.page.getByRole("button", { name: "Settings" }).click()
  await phone.page.locator('[data-section="encryption"]').waitFor()
}

const logWeighIn = async (phone: Phone, grams: string) => {
  await phone.page.getByRole("button", { name: "Today" }).click()
  await phone.page.getByRole("button", { name: "+ Weigh-in" }).click()
  await phone.page.getByLabel("Weight (g)").fill(grams)
  await phone.page.getByRole("button", { name: "Save" }).click()
  await phone.page.getByRole("status").filter({ hasText: "saved" }).first().waitFor()
}

const storedLink = (phone: Phone) =>
  phone.page.evaluate(
    () =>
      JSON.parse(localStorage.getItem("relactation:link") ?? "null") as {
        log: string
        relay: string
        key?: string
      }
  )

describe("a sealed family in the web app", () => {
  it("is end-to-end encrypted, shows its recovery words, and a phone joins from the invite link", async () => {
    const family = await suite.family()
    expect(family.key).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alexandra"))
    await expect.poll(() => statusOf(a.page), SYNCED_WITHIN).toBe("synced")
    expect(
      await a.page.evaluate(
        () => (window as unknown as { relactationLog: { sealed: boolean } }).relactationLog.sealed
      )
    ).toBe(true)
    await logWeighIn(a, "3650")

    await openSettings(a)
    await a.page.locator('[data-encryption="sealed"]').getByText("End-to-end encrypted").waitFor()
    await a.page.getByRole("button", { name: "Show recovery words" }).click()
    await a.page.getByText("These 24 words are the family key").waitFor()
    expect(await a.page.locator('[data-words="recovery"] li').count()).toBe(24)

    const invite = (await a.page.locator(".invite-link").textContent()) ?? ""
    const [before, fragment] = invite.split("#")
    expect(before).not.toContain(family.key!) // the key is only in the fragment
    expect(new URLSearchParams(fragment).get("key")).toBe(family.key)

    const b = await suite.phone("phoneB", invite)
    await expect.poll(() => statusOf(b.page), SYNCED_WITHIN).toBe("synced")
    await b.page
      .getByRole("list", { name: "Today’s entries" })
      .getByText(/3[,.]?650/)
      .waitFor()

    // A fresh phone restores from a link without the key plus the recovery words (a typo first).
    const words = await a.page.locator('[data-words="recovery"] li').allTextContents()
    const context = await suite.browser.newContext({ locale: "en-GB", timezoneId: "Europe/Berlin" })
    const page = await context.newPage()
    suite.track({ name: "phoneC", context, page })
    await page.goto(family.web.url)
    const withoutKey = family.link("caregiver-c", "Chris").replace(/&key=[^&]*/, "")
    await page.getByLabel("Paste a caregiver link").fill(withoutKey)
    const typo = words.map((w, i) => (i === 6 ? `${w}x` : w)).join(" ")
    const wordsField = page.getByLabel("Recovery words (only if the link has no family key)")
    await wordsField.fill(typo)
    await page.getByRole("button", { name: "Join" }).click()
    await page.getByRole("alert").getByText("word 7 is not on the word list").waitFor()
    await wordsField.fill(words.join(" "))
    await page.getByRole("button", { name: "Join" }).click()
    await expect.poll(() => statusOf(page), SYNCED_WITHIN).toBe("synced")
    await page
      .getByRole("list", { name: "Today’s entries" })
      .getByText(/3[,.]?650/)
      .waitFor()
  })

  it("refuses a link to a ws:// relay elsewhere, and asks (showing the relay) before switching logs", async () => {
    const family = await suite.family()
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alexandra"))
    await expect.poll(() => statusOf(a.page), SYNCED_WITHIN).toBe("synced")
    const stored = await storedLink(a)
    const crafted = new URLSearchParams({
      relay: "ws://relay.attacker.example:1234",
      log: family.logId,
      token: "x",
      caregiver: "caregiver-x",
      child: "child-1",
      key: family.key!
    })
    await a.page.goto(`${family.web.url}/#${crafted.toString()}`)
    await a.page.reload()
    const refused = a.page.locator('[data-refused="relay-insecure"]')
    await refused.waitFor()
    expect(await refused.textContent()).toContain("ws://relay.attacker.example:1234")
    expect(await storedLink(a)).toEqual(stored)
    await a.page.getByRole("button", { name: "Keep the current family log" }).click()
    await expect.poll(() => statusOf(a.page), SYNCED_WITHIN).toBe("synced")

    const other = new URLSearchParams({
      relay: "wss://relay.other.example",
      log: "family-other-123",
      token: "x",
      caregiver: "caregiver-x",
      child: "child-1"
    })
    await a.page.goto(`${family.web.url}/#${other.toString()}`)
    await a.page.reload()
    const ask = a.page.locator('[data-ask="replace-link"]')
    await ask.waitFor()
    expect(await ask.textContent()).toContain("wss://relay.other.example")
    expect(await ask.textContent()).toContain(family.relay.url)
    await a.page.getByRole("button", { name: "Keep the current family log" }).click()
    await expect.poll(() => statusOf(a.page), SYNCED_WITHIN).toBe("synced")
    expect(await storedLink(a)).toEqual(stored)
  })

  it("a family from before sealing says so and moves to a sealed log with every entry", async () => {
    const family = await suite.family({ plaintext: true })
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alexandra"))
    await expect.poll(() => statusOf(a.page), SYNCED_WITHIN).toBe("synced")
    await logWeighIn(a, "3650")
    await logWeighIn(a, "3700")
    await openSettings(a)
    await a.page.locator('[data-encryption="plain"]').waitFor()
    const newLog = `${family.logId}-sealed`
    const target = new URLSearchParams({
      relay: family.relay.url,
      log: newLog,
      token: family.relay.token(newLog),
      caregiver: "caregiver-a",
      child: family.child
    })
    await a.page.getByLabel("Link to the new log").fill(`${family.web.url}/#${target.toString()}`)
    await a.page.getByRole("button", { name: "Move to an encrypted log" }).click()
    // 2 weigh-ins and the caregiver's name entry.
    await a.page.getByText("The encrypted log now holds 3 entries").waitFor()
    // The old (plaintext) log is gone from the relay: deleted with this phone's credential for it.
    await a.page.getByText("The old log was deleted at the relay.").waitFor()
    const old = await fetch(`${family.relay.url.replace(/^ws/, "http")}/logs/${family.logId}/devices`, {
      headers: { authorization: `Bearer ${family.relay.token(family.logId)}` }
    })
    expect(old.status).not.toBe(200)
    const moved = await storedLink(a)
    expect(moved.log).toBe(newLog)
    expect(moved.key).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await a.page.getByRole("button", { name: "Open the encrypted log" }).click()
    await expect.poll(() => statusOf(a.page), SYNCED_WITHIN).toBe("synced")
    expect(
      await a.page.evaluate(
        () =>
          (window as unknown as { relactationLog: { sealed: boolean; events: unknown[] } }).relactationLog
            .events.length
      )
    ).toBe(3)
    await openSettings(a)
    await a.page.locator('[data-encryption="sealed"]').waitFor()
  })
})
