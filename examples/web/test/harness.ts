// Fixtures for the real-browser tests: a Chromium (browser.ts: nothing is downloaded from outside the
// npm registry) driven by playwright-core, a real relay on port 0 with a temporary data folder, the
// built app served by the same static server the demo uses, and one browser context per phone.
import { mkdirSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { createRelay, type RelayHandle, type RelayLimits } from "@relactation/server"
import { generateFamilyKey } from "@relactation/sync"
import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll } from "vitest"
import { ensureBuilt } from "../scripts/build.js"
import { serveStatic, type StaticServer } from "../scripts/serve.js"
import { launchChromium } from "./browser.js"

export { ensureBuilt, launchChromium }

export const appDir = fileURLToPath(new URL("..", import.meta.url))
const dist = join(appDir, "dist")

export interface Family {
  readonly relay: RelayHandle
  readonly web: StaticServer
  readonly logId: string
  readonly child: string
  /** The family key: a family is sealed, as the app's are by default (`undefined`: plaintext). */
  readonly key: string | undefined
  /** The caregiver link for one phone. */
  link(caregiver: string, name: string): string
  /** Stops the relay (the app keeps working from IndexedDB). */
  stopRelay(): Promise<void>
  close(): Promise<void>
}

export interface FamilyOptions {
  /** The relay's limits, for example a short `idleTimeoutMs` so a switched-off phone is dropped soon. */
  readonly limits?: Partial<RelayLimits>
  /** A family from before sealing: links without a family key (default: sealed, as the app's). */
  readonly plaintext?: boolean
}

/** A relay with a temporary data folder plus the built app, for one family log. */
export const startFamily = async (options: FamilyOptions = {}): Promise<Family> => {
  const dataDir = await mkdtemp(join(tmpdir(), "relactation-web-"))
  const relay = await createRelay({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    log: () => {},
    ...(options.limits === undefined ? {} : { limits: options.limits })
  })
  const web = await serveStatic(dist)
  const logId = `family-${Math.random().toString(36).slice(2, 12)}`
  const child = "child-1"
  const key = options.plaintext === true ? undefined : generateFamilyKey()
  let relayOpen = true
  const stopRelay = async () => {
    if (!relayOpen) return
    relayOpen = false
    await relay.close()
  }
  return {
    relay,
    web,
    logId,
    child,
    key,
    link: (caregiver, name) => {
      const p = new URLSearchParams({
        relay: relay.url,
        log: logId,
        token: relay.token(logId),
        caregiver,
        child,
        name
      })
      if (key !== undefined) p.set("key", key)
      return `${web.url}/#${p.toString()}`
    },
    stopRelay,
    close: async () => {
      await stopRelay()
      await web.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}

export interface Phone {
  readonly name: string
  readonly context: BrowserContext
  readonly page: Page
}

export interface PhoneOptions {
  /** The browser's locale (default en-GB). */
  readonly locale?: string
  /** Settings this phone has kept from before, put in localStorage before the app starts. */
  readonly settings?: Record<string, unknown>
  /** Runs on the new page before the app loads (for example `page.clock.install()`). */
  readonly beforeOpen?: (page: Page) => Promise<void>
}

/** A phone: its own browser context (own IndexedDB, own network switch), opened on its link. */
export const openPhone = async (
  browser: Browser,
  name: string,
  url: string,
  options: PhoneOptions = {}
): Promise<Phone> => {
  const locale = options.locale ?? "en-GB"
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    hasTouch: true,
    isMobile: true,
    timezoneId: "Europe/Berlin",
    locale
  })
  // Settings this phone has kept from before (for example a language code), before the app starts.
  if (options.settings !== undefined)
    await context.addInitScript((s) => {
      if (localStorage.getItem("relactation:settings") === null)
        localStorage.setItem("relactation:settings", JSON.stringify(s))
    }, options.settings)
  const page = await context.newPage()
  page.on("pageerror", (e) => console.error(`[${name}] page error:`, e))
  await options.beforeOpen?.(page)
  await page.goto(url)
  await page.locator("nav.tabs button").first().waitFor()
  return { name, context, page }
}

export interface BrowserSuite {
  /** The suite's Chromium (set once `beforeAll` has run). */
  readonly browser: Browser
  /** A fresh relay, app server and family log (sealed unless `plaintext`), closed after the suite. */
  family(options?: FamilyOptions): Promise<Family>
  /** Opens a phone on a link (see `openPhone`); its context is closed after the suite. */
  phone(name: string, url: string, options?: PhoneOptions): Promise<Phone>
  /** Closes a phone opened by a test in its own way (its own context) after the suite, too. */
  track(phone: Phone): Phone
}

/**
 * The lifecycle every browser test file shares, registered in the calling file: before its tests,
 * launch Chromium and build the app (once per machine); after them, close the phones, then the
 * browser, then every family's relay, app server and data folder, in that order.
 */
export const browserSuite = (): BrowserSuite => {
  let browser: Browser | undefined
  const families: Array<Family> = []
  const phones: Array<Phone> = []
  beforeAll(async () => {
    browser = await launchChromium()
    await ensureBuilt()
  })
  afterAll(async () => {
    for (const p of phones) await p.context.close().catch(() => undefined)
    await browser?.close()
    for (const f of families) await f.close()
  })
  const started = (): Browser => {
    if (browser === undefined)
      throw new Error("browserSuite: the browser starts in beforeAll; use it inside a test")
    return browser
  }
  return {
    get browser() {
      return started()
    },
    family: async (options) => {
      const family = await startFamily(options)
      families.push(family)
      return family
    },
    phone: async (name, url, options) => {
      const phone = await openPhone(started(), name, url, options)
      phones.push(phone)
      return phone
    },
    track: (phone) => {
      phones.push(phone)
      return phone
    }
  }
}

/** Saves a screenshot of a phone under .artifacts/screenshots/<test>/<step>-<phone>.png. */
export const screenshot = async (
  test: string,
  step: string,
  ...phones: ReadonlyArray<Phone>
): Promise<void> => {
  const dir = join(appDir, ".artifacts", "screenshots", test)
  mkdirSync(dir, { recursive: true })
  for (const phone of phones)
    await phone.page.screenshot({
      path: join(dir, `${step}-${phone.name}.png`),
      fullPage: true,
      // The sticky bottom bar would sit mid-page in a full-page capture; show it at the end instead.
      style: ".tabs { position: static !important; }"
    })
}

/** What a phone shows as today's totals and entries, for comparing two phones. */
export const readToday = async (page: Page): Promise<{ totals: string; entries: Array<string> }> => {
  const totals = (await page.locator("dl.totals").textContent())?.trim() ?? ""
  const entries = await page
    .getByRole("list", { name: "Today’s entries" })
    .getByRole("listitem")
    .allInnerTexts()
  // "by you" on one phone is "by Parent A" on the other: compare what was logged, not the wording.
  return {
    totals,
    entries: entries.map((e) =>
      e
        .replace(/\bby .*$/m, "")
        .replace(/\s+/g, " ")
        .trim()
    )
  }
}

/** The connection pill's state: offline, connecting, syncing or synced. */
export const statusOf = (page: Page): Promise<string | null> =>
  page.locator("[data-status]").getAttribute("data-status")
