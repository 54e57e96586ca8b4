// What a caregiver's link carries, and the settings each phone keeps for itself. The link's
// fragment (`#relay=…&log=…&token=…&key=…`) never reaches an HTTP server; it is parsed once,
// stored in localStorage, then removed from the address bar. `key` is the family key of a sealed
// log (the relay never sees it); `token` is the relay credential, a separate secret. A link made
// after a phone was removed carries an invite key instead (`e1.…`: the family key and the later key
// epochs): it is kept apart as `inviteKey` to open the log with, `key` stays the family key alone.
import type { VolumeUnit, WeightUnit } from "@relactation/core"
import { familyKeyOf, parseFamilyKey } from "@relactation/sync"

/** The family log this phone is joined to, and who is holding it. */
export interface Link {
  readonly relay: string
  readonly log: string
  /** This phone's relay credential (empty until a join token was exchanged for it). */
  readonly token: string
  /** A single-use join token from an invite, exchanged for `token` at the first start. */
  readonly join?: string | undefined
  readonly caregiver: string
  readonly child: string
  readonly name: string | undefined
  /** The family key of a sealed log; absent for a family created before sealing (plaintext). */
  readonly key?: string
  /**
   * The invite key this phone was invited with after a removal (the family key and the key epochs
   * up to the invite), to open the log with so it seals with the current epoch from its first
   * entry. The recovery words come from `key`, never from this.
   */
  readonly inviteKey?: string
}

/** The key `openLog` takes for this link: the invite key when there is one, else the family key. */
export const openKey = (link: Pick<Link, "key" | "inviteKey">): string | undefined =>
  link.inviteKey ?? link.key

/** `key=` of a link: an invite key is split into the family key and itself; a damaged one stays as is. */
const keysOf = (key: string | null): { key?: string; inviteKey?: string } => {
  if (!key) return {}
  const family = familyKeyOf(key)
  if (family._tag === "Failure" || family.success === key) return { key }
  return { key: family.success, inviteKey: key }
}

/** Per-phone display settings. */
export interface Settings {
  readonly volume: VolumeUnit
  readonly weight: WeightUnit
  readonly timeZone: string
  readonly dayStartHour: number
  readonly nightStart: number
  readonly nightEnd: number
  readonly theme: "auto" | "dark" | "light"
  /** `auto` (the phone's language) or a language code; one without a catalog shows English. */
  readonly language: string
}

const LINK_KEY = "relactation:link"
/** Where the settings are kept; older versions also kept the plan there (see Plan.ts's migration). */
export const SETTINGS_KEY = "relactation:settings"

const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"

export const defaultSettings = (): Settings => ({
  volume: "ml",
  weight: "g",
  timeZone: localZone(),
  dayStartHour: 0,
  nightStart: 22,
  nightEnd: 6,
  theme: "auto",
  language: "auto"
})

/** Parses `#relay=…&log=…` (or returns undefined when the fragment is not a caregiver link). */
export const parseFragment = (hash: string): Link | undefined => {
  const p = new URLSearchParams(hash.replace(/^#/, ""))
  const relay = p.get("relay")
  const log = p.get("log")
  const token = p.get("token")
  const join = p.get("join")
  const caregiver = p.get("caregiver")
  if (!relay || !log || !(token || join) || !caregiver) return undefined
  return {
    relay,
    log,
    token: token ?? "",
    ...(join ? { join } : {}),
    caregiver,
    child: p.get("child") || "child",
    name: p.get("name") ?? undefined,
    ...keysOf(p.get("key"))
  }
}

/** What is wrong with a link before it may be stored (undefined: nothing). */
export type LinkProblem = "relay-not-websocket" | "relay-insecure" | "key-damaged"

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"])

/**
 * A link must name a `wss:` relay: a crafted link could otherwise move a phone to a relay that
 * reads (or rewrites) the traffic. `ws:` is accepted only for this computer (localhost,
 * 127.0.0.1, ::1) and for the very host that served the app over plain http (the demo on a home
 * network, `--host 0.0.0.0`): that page is no safer than its relay.
 */
export const linkProblem = (
  link: Link,
  page: { readonly protocol: string; readonly hostname: string }
): LinkProblem | undefined => {
  let url: URL
  try {
    url = new URL(link.relay)
  } catch {
    return "relay-not-websocket"
  }
  if (url.protocol !== "wss:" && url.protocol !== "ws:") return "relay-not-websocket"
  if (
    url.protocol === "ws:" &&
    !LOOPBACK.has(url.hostname) &&
    !(page.protocol === "http:" && url.hostname === page.hostname)
  ) {
    return "relay-insecure"
  }
  if (link.key !== undefined && parseFamilyKey(link.key)._tag === "Failure") return "key-damaged"
  return undefined
}

/** Whether a new link names another family log than the stored one (asks before replacing). */
export const replacesLink = (stored: Link, next: Link): boolean =>
  stored.relay !== next.relay ||
  stored.log !== next.log ||
  stored.key !== next.key ||
  stored.token !== next.token

/**
 * The link that joins another phone to the same log as `caregiver`: with a join token (`join`, single
 * use, a day) the new phone gets a credential of its own; `token` is for older shared links.
 */
export const formatLink = (origin: string, link: Omit<Link, "name">, name?: string): string => {
  const p = new URLSearchParams({
    relay: link.relay,
    log: link.log,
    ...(link.join ? { join: link.join } : { token: link.token }),
    caregiver: link.caregiver,
    child: link.child
  })
  if (name) p.set("name", name)
  const key = openKey(link)
  if (key !== undefined) p.set("key", key)
  return `${origin}/#${p.toString()}`
}

export const loadLink = (): Link | undefined => {
  const raw = localStorage.getItem(LINK_KEY)
  if (raw === null) return undefined
  try {
    return JSON.parse(raw) as Link
  } catch {
    return undefined
  }
}

export const saveLink = (link: Link): void => localStorage.setItem(LINK_KEY, JSON.stringify(link))

export const loadSettings = (): Settings => {
  const base = defaultSettings()
  try {
    const raw = localStorage.getItem(SETTINGS_KEY)
    if (raw === null) return base
    // An older version's `plan` stays in storage until Plan.ts has moved it into the log.
    const { plan: _legacy, ...stored } = JSON.parse(raw) as Partial<Settings> & { plan?: unknown }
    return { ...base, ...stored }
  } catch {
    return base
  }
}

export const saveSettings = (settings: Settings): void =>
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings))

/** A random id for a caregiver invited from this phone. */
export const newId = (prefix: string): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return (
    prefix +
    Array.from(bytes, (b) => b.toString(36).padStart(2, "0"))
      .join("")
      .slice(0, 14)
  )
}
