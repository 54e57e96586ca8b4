// The app in German, in a real Chromium whose locale is de-DE: after logging through the German
// screens, Heute, Verlauf and Einstellungen contain no catalog key and no English catalog text,
// and dates, times, numbers and units are German (24-hour clock, 3.650 g). A language code
// without a catalog shows English with a notice; the switch in Settings changes the language.
// The twins' screens (a second child, the switch, a latch for both) and the session rows of the
// other phone (its stop form, a forgotten timer) are German too.
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { de } from "../src/i18n/de.js"
import { en, type MessageKey } from "../src/i18n/en.js"
import { SAME_IN_BOTH } from "./sameInBoth.js"
import { browserSuite, type Phone, screenshot } from "./harness.js"

const suite = browserSuite()

const phone = async (locale: string, settings?: Record<string, unknown>): Promise<Phone> => {
  const family = await suite.family()
  return suite.phone("phoneA", family.link("caregiver-a", "Alex"), {
    locale,
    ...(settings === undefined ? {} : { settings })
  })
}

/** Everything a person (or a screen reader) gets from the page: text, labels, options, alt texts. */
const everything = (page: Page): Promise<string> =>
  page.evaluate(() => {
    // innerText, not textContent: it puts line breaks between blocks, so words never run together.
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
    const parts = [document.title, document.body.innerText]
    for (const el of document.body.querySelectorAll("*")) {
      for (const a of ["aria-label", "alt", "title", "placeholder"]) {
        const v = el.getAttribute(a)
        if (v) parts.push(v)
      }
      if (el instanceof HTMLOptionElement) parts.push(el.text)
    }
    return parts.join("\n")
  })

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
// The literal pieces of each English text (except the few German shares on purpose): a piece of at
// least three letters between the {{placeholders}}, matched as a whole word or phrase.
const englishPieces = (Object.keys(en) as Array<MessageKey>)
  .filter((k) => !SAME_IN_BOTH.has(k))
  .flatMap((k) =>
    en[k]
      .split(/\{\{\w+\}\}/)
      .map((piece) => piece.replace(/^[\s,.:;()+·–-]+|[\s,.:;()+·–-]+$/g, ""))
      // A word a German translation uses too ("online" in "ist online") is not English there; a
      // German text equal to the English one (not in SAME_IN_BOTH) is untranslated, all of it.
      .filter((piece) => /\p{L}{3}/u.test(piece) && !(de[k] !== en[k] && (de[k] ?? "").includes(piece)))
      .map((piece) => ({
        key: k,
        piece,
        re: new RegExp(`(^|[^\\p{L}])${escapeRe(piece)}($|[^\\p{L}])`, "u")
      }))
  )

// Links (the invite link, the relay's address) are data, not text: left out.
const untranslated = (page: string) => {
  const text = page.replace(/\S+:\/\/\S+/g, "")
  return {
    keys: (Object.keys(en) as Array<string>).filter((k) => text.includes(k)),
    english: englishPieces.filter((p) => p.re.test(text)).map((p) => `${p.key}: ${p.piece}`)
  }
}

describe("the app in German", () => {
  it("shows the main screens with no catalog key and no English text, in German formats", async () => {
    const T = "german"
    const seen: Record<string, string> = {}
    const a = await phone("de-DE")
    const { page } = a
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe("de")

    // A latch through the German timer, and entries of every kind through the German forms.
    await page.getByRole("button", { name: "Links starten" }).click()
    await page.getByRole("timer", { name: "Anlegen links läuft" }).waitFor()
    await page.getByRole("button", { name: "Anlegen beenden" }).click()
    await page.getByRole("status").filter({ hasText: "Anlegen links gespeichert" }).waitFor()
    await page.getByRole("button", { name: "+ Abpumpen" }).click()
    await page.getByLabel("Abgepumpte Menge (ml)").fill("42,5")
    await page.getByRole("button", { name: "Speichern" }).click()
    await page.getByRole("status").filter({ hasText: "Abpumpen gespeichert um" }).waitFor()
    await page.getByRole("button", { name: "+ Zufüttern" }).click()
    await page.getByLabel("Menge (ml)").fill("30")
    await page.getByLabel("Gegeben mit").selectOption("cup")
    await page.getByRole("button", { name: "Speichern" }).click()
    await page.getByRole("button", { name: "+ Wiegen" }).click()
    await page.getByLabel("Gewicht (g)").fill("3650")
    await page.getByRole("button", { name: "Speichern" }).click()
    await page.getByRole("status").filter({ hasText: "Wiegen gespeichert um" }).waitFor()
    await page.getByRole("button", { name: "+ Medikament" }).click()
    await page.getByLabel("Name des Medikaments").fill("Domperidon")
    await page.getByRole("button", { name: "Speichern" }).click()
    // Bad input: the field and the rule in German (the rule from the library's stable code).
    await page.getByRole("button", { name: "+ Abpumpen" }).click()
    await page.getByLabel("Abgepumpte Menge (ml)").fill("-5")
    await page.getByRole("button", { name: "Speichern" }).click()
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toMatch(/^Abgepumpte Menge \(ml\): muss zwischen 0 und 2\.000 liegen$/)
    await page.getByRole("button", { name: "Abbrechen" }).click()

    // The plan through the German editor: a bad one is refused in German, then today's targets.
    await page.getByRole("button", { name: "Einstellungen" }).click()
    await page.getByLabel("Weniger bei jedem Schritt (ml)").fill("0")
    await page.getByRole("button", { name: "Plan speichern" }).click()
    await expect
      .poll(() => page.locator(".plan-editor").getByRole("alert").textContent())
      .toMatch(
        /Zufüttern pro Tag zu Beginn: fehlt\. Weniger bei jedem Schritt: muss mehr als 0 und höchstens 2\.000 sein/
      )
    await page.getByLabel("Anlegen pro Tag").fill("8")
    await page.getByLabel("Zufüttern pro Tag zu Beginn (ml)").fill("300")
    await page.getByLabel("Weniger bei jedem Schritt (ml)").fill("30")
    await page.getByLabel("Tage zwischen den Schritten").fill("3")
    await page.getByRole("button", { name: "Plan speichern" }).click()
    await page.getByRole("status").filter({ hasText: "Plan gespeichert" }).waitFor()
    await page.getByRole("button", { name: "Heute" }).click()
    await expect
      .poll(() => page.locator('.today-plan li[data-target="supplement"]').textContent())
      .toMatch(/30\sml von höchstens 300\sml\s*im Plan/)
    const entries = page.getByRole("list", { name: "Heutige Einträge" }).getByRole("listitem")
    await expect.poll(() => entries.count()).toBe(5)
    const texts = await entries.allInnerTexts()

    // Twins, in German: a second child added in Einstellungen becomes the one shown; a latch for
    // both through the form.
    await page.getByRole("button", { name: "Einstellungen" }).click()
    await page.getByLabel("Name des Kindes").fill("Mia")
    await page.locator("#c-birth").fill("2026-11-01")
    await page.getByRole("button", { name: "Profil des Kindes speichern" }).click()
    await page.getByRole("status").filter({ hasText: "Profil des Kindes gespeichert" }).waitFor()
    await page.getByRole("button", { name: "Ein Kind hinzufügen…" }).click()
    await page.getByLabel("Name des neuen Kindes").fill("Noah")
    await page.locator("#add-child-birthDate").fill("2026-11-01")
    await page.getByRole("button", { name: "Kind hinzufügen" }).click()
    await page.getByRole("status").filter({ hasText: "Noah hinzugefügt" }).waitFor()
    await page.getByRole("button", { name: "Heute" }).click()
    await page.getByLabel("Angezeigtes Kind").selectOption({ label: "Mia" })
    await page.getByRole("button", { name: "Früheres Anlegen" }).click()
    await page.getByRole("dialog").getByLabel("Für").selectOption({ label: "Mia und Noah" })
    seen.anlegenFuerBeide = await everything(page)
    await page.getByRole("dialog").getByRole("button", { name: "Speichern" }).click()
    await expect.poll(() => entries.count()).toBe(6)

    // German formats: a 24-hour clock, a decimal comma, a thousands point, German unit names.
    expect(texts.join("\n")).toMatch(/3\.650\sg/)
    expect(texts.join("\n")).toMatch(/42,5\sml/)
    expect(texts.join("\n")).toMatch(/30\sml Pre-Nahrung, Becher/)
    // A 24-hour clock: 14:05, and 0:11 just after midnight (Intl's German has no leading zero).
    for (const t of texts) expect(t).toMatch(/^([01]?\d|2[0-3]):[0-5]\d/)
    expect(texts.join("\n")).not.toMatch(/AM|PM/)
    await expect.poll(() => page.locator('[data-total="pumped"] dd').textContent()).toMatch(/^42,5\sml/)

    seen.heute = await everything(page)
    await screenshot(T, "01-heute", a)
    await page.getByRole("button", { name: "Verlauf" }).click()
    await page.getByRole("img", { name: /Zugefüttert \(ml\) nach Milch/ }).waitFor()
    seen.verlauf = await everything(page)
    await screenshot(T, "02-verlauf", a)
    await page.getByRole("button", { name: "Einstellungen" }).click()
    await page.getByRole("img", { name: "QR-Code des Einladungslinks" }).waitFor()
    seen.einstellungen = await everything(page)
    await screenshot(T, "03-einstellungen", a)

    for (const [screen, text] of Object.entries(seen))
      expect({ screen, ...untranslated(text) }).toEqual({ screen, keys: [], english: [] })
  })

  it("shows the other phone's sessions, their stop form and a forgotten timer in German", async () => {
    const T = "german-sessions"
    // A phone that loses its network cannot say goodbye: the relay drops it when it misses a ping.
    const family = await suite.family({ limits: { idleTimeoutMs: 2_000 } })
    const a = await suite.phone("phoneA", family.link("caregiver-a", "Alex"), { locale: "de-DE" })
    const b = await suite.phone("phoneB", family.link("caregiver-b", "Sam"), {
      locale: "de-DE",
      beforeOpen: (p) => p.clock.install()
    })
    await b.page.getByText("Alex ist online").waitFor()
    const seen: Record<string, string> = {}

    await a.page.getByRole("button", { name: "Abpumpen starten" }).click()
    await b.page.getByRole("status").filter({ hasText: "Alex: Abpumpen elektrisch läuft seit" }).waitFor()
    await b.page.getByRole("button", { name: "Abpumpen von Alex beenden" }).click()
    await b.page
      .getByRole("form", { name: "Abpumpen von Alex beenden" })
      .getByLabel("Abgepumpte Menge (ml)")
      .waitFor()
    seen.stopForm = await everything(b.page)
    await screenshot(T, "01-stop-form", b)
    await b.page.getByRole("button", { name: "Abbrechen" }).click()

    await a.context.setOffline(true)
    await b.page.locator('[data-peer="offline"]').waitFor()
    await b.page.clock.fastForward("06:00")
    const forgotten = b.page.getByRole("group", {
      name: /^Vielleicht vergessen: Abpumpen elektrisch, gestartet um \d{1,2}:\d\d auf dem Handy von Alex$/
    })
    await forgotten.waitFor()
    seen.vergessen = await everything(b.page)
    await screenshot(T, "02-forgotten", b)
    await forgotten.getByRole("button", { name: "Verwerfen" }).click()
    await b.page.getByRole("status").filter({ hasText: "verworfen: nichts wurde eingetragen" }).waitFor()
    seen.verworfen = await everything(b.page)

    for (const [screen, text] of Object.entries(seen))
      expect({ screen, ...untranslated(text) }).toEqual({ screen, keys: [], english: [] })
  })

  it("shows English with a notice for a language code without a catalog, and switches in Settings", async () => {
    const a = await phone("de-DE", { language: "xx" })
    const { page } = a
    await page
      .getByRole("status")
      .filter({ hasText: "The language “xx” is not available: showing English." })
      .waitFor()
    await page.getByRole("button", { name: "Today" }).waitFor()
    await page.getByRole("button", { name: "Settings" }).click()
    await page.getByLabel("Language").selectOption("de")
    await page.getByRole("button", { name: "Heute" }).waitFor()
    await expect.poll(() => page.locator('[data-notice="language"]').count()).toBe(0)
    expect(untranslated(await everything(page))).toEqual({ keys: [], english: [] })
    // Kept on this phone: still German after a reload.
    await page.reload()
    await page.getByRole("button", { name: "Heute" }).waitFor()
    await page.getByRole("button", { name: "Einstellungen" }).click()
    await page.getByLabel("Sprache").selectOption("en")
    await page.getByRole("button", { name: "Today" }).waitFor()
  })
})
