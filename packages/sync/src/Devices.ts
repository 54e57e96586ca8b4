/**
 * A family's devices: each holds its own relay credential (a token with its own credential id),
 * joins with a single-use join token, renews its credential itself before it expires, and can
 * remove another device. The relay knows credential ids and when each was last seen; the names
 * people gave their devices stay inside the log (sealed, for a sealed log).
 *
 * @since 0.2.0
 */
import { isCredentialId, isLogId } from "@relactation/core"
import { AccessRefused, call, type Fetch } from "./internal/RelayHttp.js"
import { InvalidLogOptions } from "./SyncError.js"

export { AccessRefused, type Fetch } from "./internal/RelayHttp.js"

/**
 * A relay credential as the device keeps it. `credentialId` is `undefined` for an older family
 * token (`v1`), which the log exchanges for a credential of its own when it can (see `onCredential`).
 * `expiresAt` is in Unix seconds.
 *
 * @since 0.2.0
 * @category models
 */
export interface DeviceCredential {
  readonly token: string
  readonly credentialId: string | undefined
  readonly expiresAt: number
}

/**
 * What a token says about itself (log, credential id, expiry), read without checking its signature
 * (only the relay can): for scheduling renewal and naming this device. `undefined` if it is not a
 * relay token.
 *
 * @since 0.2.0
 * @category credentials
 */
export const readCredential = (
  token: string
): (DeviceCredential & { readonly logId: string }) | undefined => {
  const parts = token.split(".")
  const [version, logId] = parts
  const withId = version === "v2"
  if (!(withId || version === "v1") || parts.length !== (withId ? 5 : 4) || !isLogId(logId)) return undefined
  const credentialId = withId ? parts[2] : undefined
  const expiresAt = Number(parts[withId ? 3 : 2])
  if ((withId && !isCredentialId(credentialId)) || !Number.isSafeInteger(expiresAt) || expiresAt <= 0)
    return undefined
  return { token, logId, credentialId, expiresAt }
}

/**
 * A device of the family as `log.devices()` lists it: its credential id, the name it gave itself
 * (from the log; `undefined` until it wrote one), when the relay last saw it (Unix ms), and whether
 * it is this device.
 *
 * @since 0.2.0
 * @category models
 */
export interface Device {
  readonly credentialId: string
  readonly name: string | undefined
  readonly lastSeen: number | undefined
  readonly self: boolean
}

/**
 * Options of {@link joinLog}.
 *
 * @since 0.2.0
 * @category models
 */
export interface JoinOptions {
  /** The relay's websocket URL (`wss://…`), as for `openLog`. */
  readonly url: string
  readonly logId: string
  /** The join token from the invite (single use, short-lived). */
  readonly joinToken: string
  readonly fetch?: Fetch
}

/**
 * Exchanges a join token (from an invite link) at the relay for this device's own credential,
 * which the app stores and passes to `openLog` as `token`. The join token works once: a second
 * use, an expired or a forged one rejects with `AccessRefused` (`join-used`, `expired`,
 * `bad-signature`, …).
 *
 * @example
 * ```ts
 * import { joinLog, openLog } from "@relactation/sync"
 *
 * const credential = await joinLog({ url: "wss://relay.example.org", logId, joinToken })
 * localStorage.setItem("credential", credential.token)
 * const log = await openLog({ logId, caregiver, url, token: credential.token, projections })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const joinLog = async (options: JoinOptions): Promise<DeviceCredential> => {
  if (!isLogId(options.logId))
    throw new InvalidLogOptions({
      option: "logId",
      rule: "must be 8-64 characters of [A-Za-z0-9_-]",
      code: "log-id-format"
    })
  const answer = await call<{ credential: string; credentialId: string; expiresAt: number }>({
    url: options.url,
    logId: options.logId,
    action: "join",
    method: "POST",
    token: options.joinToken,
    fetch: options.fetch
  })
  return { token: answer.credential, credentialId: answer.credentialId, expiresAt: answer.expiresAt }
}

/**
 * What an open log can do about devices (part of `EventLog`).
 *
 * @since 0.2.0
 * @category models
 */
export interface DeviceAccess {
  /** This device's credential id (`undefined` with an older family token, or without a relay). */
  readonly credentialId: string | undefined
  /** The credential the log uses now (after renewals). */
  readonly credential: DeviceCredential | undefined
  /**
   * The family's devices that are not removed: credential ids and last seen from the relay,
   * names from the log. Rejects with `AccessRefused` (for example `revoked` once this device was
   * removed) or a network error.
   */
  devices(): Promise<ReadonlyArray<Device>>
  /**
   * Removes another device: the relay refuses its credential from now on and closes its open
   * connection. For a sealed log, the remaining devices then move to a new key epoch the removed
   * device cannot read. What the removed device already had, it keeps.
   */
  removeDevice(credentialId: string): Promise<void>
  /**
   * A join token (24 hours, single use) to put in an invite link for a new device, and, for a
   * sealed log, the `key` to give it beside the token (never through the relay): the family key
   * alone before any removal, afterwards an invite key (`e1.…`) that also holds every later key
   * epoch this device has, so the new device seals with the current epoch from its first entry
   * (`undefined` for a plaintext log).
   */
  invite(): Promise<{
    readonly joinToken: string
    readonly expiresAt: number
    readonly key: string | undefined
  }>
  /**
   * Asks the relay to delete this log from its store (for example after moving to a sealed log).
   * Every device's connection then ends with status `deleted`.
   */
  deleteFromRelay(): Promise<void>
}

/** Checks a credential id before it goes to the relay. */
export const checkCredentialId = (credentialId: unknown): void => {
  if (!isCredentialId(credentialId)) throw new AccessRefused({ status: 400, code: "bad-credential-id" })
}
