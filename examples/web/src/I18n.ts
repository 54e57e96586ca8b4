// The app's languages: i18next over the catalogs in ./i18n (English is the reference and the
// fallback for any key a catalog lacks), the language taken from the phone unless Settings picks
// one, and a bad language code falling back to English with a notice.
import i18next from "i18next"
import { de } from "./i18n/de.js"
import { en, type MessageKey } from "./i18n/en.js"

export type { MessageKey }

/** The languages the app has catalogs for, with their own names (shown in Settings). */
export const LANGUAGES = { en: "English", de: "Deutsch" } as const
export type Language = keyof typeof LANGUAGES

export const isLanguage = (code: string): code is Language => Object.hasOwn(LANGUAGES, code)

/** The catalogs by language; English must be complete, the others may lack keys. */
export type Catalogs = { readonly en: typeof en } & {
  readonly [L in Exclude<Language, "en">]: Partial<Record<MessageKey, string>>
}

/** An i18next instance over catalogs: a key a catalog lacks gives the English text. */
export const createI18n = (catalogs: Catalogs) => {
  const instance = i18next.createInstance()
  void instance.init({
    resources: Object.fromEntries(Object.entries(catalogs).map(([lng, c]) => [lng, { translation: c }])),
    lng: "en",
    fallbackLng: "en",
    supportedLngs: Object.keys(LANGUAGES),
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false }, // Preact escapes what it renders
    returnNull: false,
    initAsync: false
  })
  return instance
}

const i18n = createI18n({ en, de })

/** What the phone and the setting give: the catalog's language and the locale for Intl. */
export interface Chosen {
  readonly language: Language
  /** A BCP 47 locale of that language, with the phone's region when it has one (en-GB, de-AT). */
  readonly locale: string
  /** The setting named a language without a catalog (or no language at all). */
  readonly unsupported: string | undefined
}

const base = (tag: string): string => tag.toLowerCase().split(/[-_]/)[0] ?? ""

/**
 * The language for a setting (`auto`, or a language code) and the phone's languages
 * (`navigator.languages`): `auto` takes the first phone language with a catalog, else English.
 */
export const choose = (setting: string, phone: ReadonlyArray<string>): Chosen => {
  const fromPhone = phone.find((tag) => isLanguage(base(tag)))
  let language: Language
  let unsupported: string | undefined
  if (setting === "auto") language = fromPhone === undefined ? "en" : (base(fromPhone) as Language)
  else if (isLanguage(setting)) language = setting
  else {
    language = "en"
    unsupported = setting
  }
  // Keep the phone's region for dates and numbers when it speaks the chosen language.
  const regional = phone.find((tag) => base(tag) === language)
  let locale: string = language
  if (regional !== undefined) {
    try {
      locale = Intl.getCanonicalLocales(regional)[0] ?? language
    } catch {
      locale = language
    }
  }
  return { language, locale, unsupported }
}

let chosen: Chosen = { language: "en", locale: "en", unsupported: undefined }

/** Switches the app's language (then re-render). */
export const setLanguage = (next: Chosen): void => {
  chosen = next
  void i18n.changeLanguage(next.language)
  if (typeof document !== "undefined") document.documentElement.lang = next.language
}

/** The current choice: its locale is what every Intl formatter uses. */
export const current = (): Chosen => chosen

/** The message for a key in the current language (English when the catalog lacks it). */
export const t = (key: MessageKey, values?: Record<string, string | number>): string =>
  i18n.t(key, values ?? {})
