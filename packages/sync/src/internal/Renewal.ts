/**
 * Keeps this device's relay credential fresh: renews it at the relay once less than
 * `renewBeforeMs` of its life is left (default 10 days, so a 30-day credential is renewed on day
 * 20, and one opened with less left is renewed at once), hands the new one to the connection and
 * to the app (`onCredential`, to store it), and retries a failed attempt a minute later. A relay
 * that says the credential is revoked or the log deleted ends the connection for good; an expired
 * credential cannot be renewed (the app needs a new invite).
 */
import type { DeviceCredential } from "../Devices.js"
import { readCredential } from "../Devices.js"
import { AccessRefused, call, type Fetch } from "./RelayHttp.js"

/** Default: renew once less than 10 days are left. */
export const RENEW_BEFORE_MS = 10 * 24 * 60 * 60 * 1000
const RETRY_MS = 60_000
// setTimeout's longest delay (about 24.8 days); longer waits are taken in steps.
const MAX_DELAY_MS = 2 ** 31 - 1

export interface RenewalOptions {
  readonly url: string
  readonly logId: string
  readonly token: string
  readonly now: () => number
  readonly random: () => number
  readonly renewBeforeMs: number
  readonly fetch: Fetch | undefined
  /** The app stores the new credential (without it, a family token is not exchanged: see below). */
  readonly onCredential: ((credential: DeviceCredential) => void) | undefined
  /** `fresh`: the credential id is new (a family token was exchanged): reconnect with it now. */
  readonly use: (token: string, fresh: boolean) => void
  readonly gone: (why: "removed" | "deleted") => void
  readonly report: (error: unknown) => void
}

export interface Renewal {
  readonly current: () => DeviceCredential | undefined
  /** Whether the credential held now has not expired. */
  readonly valid: () => boolean
  readonly destroy: () => void
}

export const make = (options: RenewalOptions): Renewal => {
  let credential: DeviceCredential | undefined = readCredential(options.token)
  let timer: ReturnType<typeof setTimeout> | undefined
  let destroyed = false

  const schedule = (delay: number): void => {
    clearTimeout(timer)
    if (destroyed) return
    timer = setTimeout(tick, Math.max(0, Math.min(delay, MAX_DELAY_MS)))
    ;(timer as { unref?: () => void }).unref?.()
  }

  const dueIn = (held: DeviceCredential): number =>
    held.expiresAt * 1000 - options.renewBeforeMs - options.now()

  const tick = (): void => {
    timer = undefined
    const held = credential
    if (destroyed || held === undefined) return
    if (held.expiresAt * 1000 <= options.now()) return
    const wait = dueIn(held)
    if (wait > 0) schedule(wait)
    else void renew(held)
  }

  const renew = async (held: DeviceCredential): Promise<void> => {
    try {
      const answer = await call<{ credential: string; credentialId: string; expiresAt: number }>({
        url: options.url,
        logId: options.logId,
        action: "renew",
        method: "POST",
        token: held.token,
        fetch: options.fetch
      })
      if (destroyed) return
      const fresh = held.credentialId !== answer.credentialId
      credential = {
        token: answer.credential,
        credentialId: answer.credentialId,
        expiresAt: answer.expiresAt
      }
      options.use(credential.token, fresh)
      try {
        options.onCredential?.(credential)
      } catch (error) {
        options.report(error)
      }
      schedule(dueIn(credential))
    } catch (error) {
      if (destroyed) return
      if (error instanceof AccessRefused && (error.code === "revoked" || error.code === "log-deleted")) {
        options.gone(error.code === "revoked" ? "removed" : "deleted")
        return
      }
      if (error instanceof AccessRefused && error.code === "expired") return
      // Offline, or the relay is busy: try again later (jittered), while the credential lasts.
      schedule(RETRY_MS / 2 + (options.random() * RETRY_MS) / 2)
    }
  }

  // A family token (no credential id) is exchanged for a credential of its own only when the app
  // can keep it: otherwise every open would leave another credential id at the relay.
  if (
    credential !== undefined &&
    (credential.credentialId !== undefined || options.onCredential !== undefined)
  ) {
    if (credential.credentialId === undefined) void renew(credential)
    else schedule(dueIn(credential))
  }

  return {
    current: () => credential,
    valid: () => credential !== undefined && credential.expiresAt * 1000 > options.now(),
    destroy: () => {
      destroyed = true
      clearTimeout(timer)
      timer = undefined
    }
  }
}
