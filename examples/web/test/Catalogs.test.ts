// The message catalogs: German has exactly the English keys, with the same placeholders, and no
// empty text; a catalog missing a key falls back to English for that key; the language comes from
// the phone unless the setting names one, and a code without a catalog gives English and a notice.
import { describe, expect, it } from "vitest"
import { choose, createI18n } from "../src/I18n.js"
import { de } from "../src/i18n/de.js"
import { en, type MessageKey } from "../src/i18n/en.js"
import { SAME_IN_BOTH } from "./sameInBoth.js"

const placeholders = (text: string): Array<string> =>
  [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? "").sort()

describe("catalogs", () => {
  it("German has exactly the English keys", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort())
  })

  it("every German text is non-empty and has the English placeholders", () => {
    for (const key of Object.keys(en) as Array<MessageKey>) {
      const text = de[key]
      expect(text, key).toBeTypeOf("string")
      expect(text?.trim(), key).not.toBe("")
      expect(placeholders(text ?? ""), key).toEqual(placeholders(en[key]))
    }
  })

  it("German differs from English except for the few texts it shares on purpose", () => {
    const same = (Object.keys(en) as Array<MessageKey>).filter((k) => de[k] === en[k])
    expect(same.sort()).toEqual([...SAME_IN_BOTH].sort())
  })

  it("a key missing from a catalog falls back to English for that key only", async () => {
    const { "tabs.history": _gone, ...partial } = de
    const i18n = createI18n({ en, de: partial })
    await i18n.changeLanguage("de")
    expect(i18n.t("tabs.history")).toBe("History")
    expect(i18n.t("tabs.today")).toBe("Heute")
    expect(i18n.t("timer.saved", { session: "Anlegen links", duration: "15 Min.", time: "03:12" })).toBe(
      "Anlegen links gespeichert: 15 Min. ab 03:12"
    )
  })
})

describe("choose", () => {
  it("takes the phone's first language that has a catalog, keeping its region for Intl", () => {
    expect(choose("auto", ["de-AT", "en-US"])).toEqual({
      language: "de",
      locale: "de-AT",
      unsupported: undefined
    })
    expect(choose("auto", ["fr-FR", "en-US"])).toEqual({
      language: "en",
      locale: "en-US",
      unsupported: undefined
    })
    expect(choose("auto", ["fr-FR"])).toEqual({ language: "en", locale: "en", unsupported: undefined })
  })

  it("a setting wins over the phone", () => {
    expect(choose("de", ["en-GB"])).toEqual({ language: "de", locale: "de", unsupported: undefined })
    expect(choose("en", ["en-GB", "de-DE"])).toEqual({
      language: "en",
      locale: "en-GB",
      unsupported: undefined
    })
  })

  it("a language code without a catalog (or not a code at all) gives English and says which", () => {
    expect(choose("xx", ["de-DE"])).toEqual({ language: "en", locale: "en", unsupported: "xx" })
    expect(choose("", ["en-GB"])).toEqual({ language: "en", locale: "en-GB", unsupported: "" })
  })
})
