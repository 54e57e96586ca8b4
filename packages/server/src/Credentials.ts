/**
 * What the relay remembers about access, apart from the logs themselves: the device credentials it
 * has seen per log (credential id, expiry, last seen), which of them are revoked, which join tokens
 * were used, and which logs were deleted. Ids and times only: nothing from any log, no device
 * names (those live inside the log). The relay asks the store at every upgrade and every
 * credential request, so a revocation holds across restarts and, with a shared store, across relay
 * processes.
 *
 * @since 0.2.0
 */

/**
 * One credential the relay knows for a log. Times are Unix seconds.
 *
 * @since 0.2.0
 * @category credentials
 */
export interface KnownCredential {
  readonly credentialId: string
  /** The latest expiry seen for this id (a renewal moves it). */
  readonly expiresAt: number
  /** When a connection or request last used it; `undefined` before its first use. */
  readonly lastSeen: number | undefined
  /** When it was revoked, if it was. */
  readonly revokedAt: number | undefined
}

/**
 * What the store says about a credential at the upgrade.
 *
 * @since 0.2.0
 * @category credentials
 */
export type CredentialStatus = "ok" | "revoked" | "log-deleted"

/**
 * A change another process (a second relay, the CLI) made through a shared store: a credential
 * revoked, or a log deleted. A relay that hears it closes the matching open connections.
 *
 * @since 0.2.0
 * @category credentials
 */
export type AccessChange =
  | { readonly kind: "revoked"; readonly logId: string; readonly credentialId: string }
  | { readonly kind: "deleted"; readonly logId: string }

/**
 * The store behind per-device credentials. Every method is keyed by log id; an unknown log or
 * credential is simply not there. Entries may be dropped once their expiry has passed (`sweep`):
 * an expired credential is refused by its signature's expiry anyway, an expired join token too.
 *
 * Implementations: `SqliteStorage.credentials` (the relay's own database, the default), and any
 * other shared store. `onChange` lets a store shared by several processes (relays, the CLI) tell
 * each relay about a revocation or deletion made elsewhere, so it closes the matching open
 * connections within a second; it may also repeat changes the relay made itself (harmless).
 *
 * @since 0.2.0
 * @category credentials
 */
export interface CredentialStore {
  /**
   * What the relay should do with a genuine, unexpired credential: admit it, refuse it as revoked,
   * or refuse it because its log was deleted. A `v1` family token has no credential id and is
   * asked with `credentialId` `undefined` (only a deleted log refuses it).
   */
  status(logId: string, credentialId: string | undefined): Promise<CredentialStatus>
  /** Records a credential issued or renewed (or first seen): keeps the later of the expiries. */
  issue(logId: string, credentialId: string, expiresAt: number): Promise<void>
  /** Records a use of the credential at `at` (Unix seconds); registers it if unknown. */
  seen(logId: string, credentialId: string, expiresAt: number, at: number): Promise<void>
  /**
   * Revokes a credential from `at` on and keeps the revocation until `expiresAt` (the credential's
   * expiry when known, else the relay passes the longest a credential can live). Resolves `true`
   * when it was not revoked before.
   */
  revoke(logId: string, credentialId: string, at: number, expiresAt: number): Promise<boolean>
  /** The credentials of a log, revoked ones included, by credential id. */
  list(logId: string): Promise<ReadonlyArray<KnownCredential>>
  /**
   * Marks a join token used; resolves `true` the first time for that join id, `false` after. Kept
   * until `expiresAt`.
   */
  useJoin(logId: string, joinId: string, expiresAt: number): Promise<boolean>
  /**
   * Forgets every credential of the log and marks it deleted until `until` (Unix seconds), so a
   * device that still holds a credential cannot bring the log back.
   */
  deleteLog(logId: string, at: number, until: number): Promise<void>
  /** Drops what expired before `now` (Unix seconds). */
  sweep(now: number): Promise<void>
  /**
   * Optional: calls `listener` for revocations and deletions made through this store by any
   * process, within about a second; returns the unsubscribe function.
   */
  onChange?(listener: (change: AccessChange) => void): () => void
}
