/**
 * Per-device access at the relay: what a credential may do (admitted, revoked, its log deleted),
 * which open connections hold which credential (so a revocation closes them at once), and the
 * operations behind the HTTP endpoints and the CLI: join, renew, invite, list, revoke, delete. It
 * reads ids and times only, never anything from a log.
 */
import { CloseCode } from "@relactation/core/protocol"
import type { CredentialStatus, CredentialStore, KnownCredential } from "../Credentials.js"
import type { Storage } from "../Storage.js"
import {
  type Credential,
  DEFAULT_JOIN_TTL_SECONDS,
  DEFAULT_TOKEN_TTL_SECONDS,
  MAX_TOKEN_TTL_SECONDS,
  mintCredential,
  mintJoinToken,
  type TokenRefusal,
  verifyJoinToken,
  verifyToken
} from "../Token.js"
import type { LogLine } from "./Context.js"
import type { Documents } from "./Documents.js"

/** What closes on a revocation: an open connection and the credential it came with. */
export interface Holder {
  readonly logId: string
  readonly credentialId: string | undefined
  close(code: number, reason: string): void
}

/** Why an access request was refused: the HTTP status and a stable code for clients. */
export class AccessError extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

const refusal = (reason: TokenRefusal): AccessError =>
  reason === "wrong-log"
    ? new AccessError(403, "wrong-log", "token is for another log")
    : new AccessError(401, reason, `token ${reason}`)

export interface AccessOptions {
  readonly secret: string
  readonly credentials: CredentialStore | undefined
  readonly storage: Storage
  readonly documents: Documents
  readonly log: (line: LogLine) => void
  /** Lifetime of credentials handed out by join and renew; default 30 days. */
  readonly credentialTtlSeconds?: number
  /** Lifetime of join tokens handed out by invite; default 24 hours. */
  readonly joinTtlSeconds?: number
  readonly now?: () => number
}

/** A credential that checked out for a request: who is asking. */
interface Caller {
  readonly credentialId: string | undefined
  readonly expiresAt: number
}

export class Access {
  private readonly options: AccessOptions
  private readonly holders = new Map<string, Set<Holder>>()
  private readonly unsubscribe: () => void
  /** Logs being deleted: their upgrades are refused until the store says deleted. */
  private readonly deleting = new Set<string>()

  constructor(options: AccessOptions) {
    this.options = options
    this.unsubscribe =
      options.credentials?.onChange?.((change) => {
        if (change.kind === "revoked") this.closeHolders(change.logId, change.credentialId)
        else void this.deletedElsewhere(change.logId)
      }) ?? (() => {})
  }

  private get store(): CredentialStore {
    const store = this.options.credentials
    if (store === undefined)
      throw new AccessError(501, "no-credential-store", "this relay keeps no credentials")
    return store
  }

  private nowSeconds(): number {
    return Math.floor((this.options.now?.() ?? Date.now()) / 1000)
  }

  /** What the store says about an admitted token at the upgrade (`ok` without a store). */
  async status(logId: string, credentialId: string | undefined): Promise<CredentialStatus> {
    if (this.deleting.has(logId)) return "log-deleted"
    if (this.options.credentials === undefined) return "ok"
    return this.options.credentials.status(logId, credentialId)
  }

  /** An open connection with its credential; `seen` is written now and when it leaves. */
  track(holder: Holder, expiresAt: number): void {
    const key = `${holder.logId}\0${holder.credentialId ?? ""}`
    const set = this.holders.get(key) ?? new Set<Holder>()
    this.holders.set(key, set)
    set.add(holder)
    this.seen(holder.logId, holder.credentialId, expiresAt)
  }

  untrack(holder: Holder, expiresAt: number): void {
    const key = `${holder.logId}\0${holder.credentialId ?? ""}`
    const set = this.holders.get(key)
    set?.delete(holder)
    if (set?.size === 0) this.holders.delete(key)
    this.seen(holder.logId, holder.credentialId, expiresAt)
  }

  private seen(logId: string, credentialId: string | undefined, expiresAt: number): void {
    if (credentialId === undefined || this.options.credentials === undefined || this.deleting.has(logId))
      return
    this.options.credentials.seen(logId, credentialId, expiresAt, this.nowSeconds()).catch(() => {
      this.options.log({ level: "warn", event: "credential-store-failed", op: "seen", logId })
    })
  }

  private closeHolders(logId: string, credentialId: string | undefined): number {
    const set = this.holders.get(`${logId}\0${credentialId ?? ""}`)
    if (set === undefined) return 0
    for (const holder of [...set]) holder.close(CloseCode.REVOKED, "credential revoked")
    return set.size
  }

  /** Checks a credential for a request on `logId`: genuine, unexpired, not revoked, log not deleted. */
  async caller(logId: string, token: string): Promise<Caller> {
    const verdict = verifyToken(this.options.secret, token, logId, this.options.now?.() ?? Date.now())
    if (!verdict.ok) throw refusal(verdict.reason)
    const status = await this.status(logId, verdict.credentialId)
    if (status === "revoked") throw new AccessError(403, "revoked", "credential revoked")
    if (status === "log-deleted") throw new AccessError(410, "log-deleted", "log deleted")
    return { credentialId: verdict.credentialId, expiresAt: verdict.expiresAt }
  }

  private async issue(logId: string, credentialId?: string): Promise<Credential> {
    const credential = mintCredential(this.options.secret, logId, {
      ttlSeconds: this.options.credentialTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
      ...(credentialId === undefined ? {} : { credentialId }),
      ...(this.options.now === undefined ? {} : { now: this.options.now() })
    })
    await this.store.issue(logId, credential.credentialId, credential.expiresAt)
    return credential
  }

  /** Mints a credential for a new device and records it (the CLI's `token`, `relay.credential`). */
  credential(logId: string): Promise<Credential> {
    return this.issue(logId)
  }

  /** A join token exchanged once for a credential of its own. */
  async join(logId: string, joinToken: string): Promise<Credential> {
    const verdict = verifyJoinToken(this.options.secret, joinToken, logId, this.options.now?.() ?? Date.now())
    if (!verdict.ok) throw refusal(verdict.reason)
    if ((await this.status(logId, undefined)) === "log-deleted")
      throw new AccessError(410, "log-deleted", "log deleted")
    if (!(await this.store.useJoin(logId, verdict.joinId, verdict.expiresAt)))
      throw new AccessError(409, "join-used", "join token already used")
    const credential = await this.issue(logId)
    this.seen(logId, credential.credentialId, credential.expiresAt)
    this.options.log({ level: "info", event: "join", logId, credentialId: credential.credentialId })
    return credential
  }

  /**
   * A fresh credential with the caller's credential id (a `v1` family token gets a credential id of
   * its own: the way from family tokens to device credentials).
   */
  async renew(logId: string, token: string): Promise<Credential> {
    const caller = await this.caller(logId, token)
    const credential = await this.issue(logId, caller.credentialId)
    this.seen(logId, credential.credentialId, credential.expiresAt)
    this.options.log({ level: "info", event: "renew", logId, credentialId: credential.credentialId })
    return credential
  }

  /** A join token for a new device, asked for by a device of the family (or minted by the operator). */
  async invite(
    logId: string,
    token: string | undefined
  ): Promise<{ readonly joinToken: string; readonly expiresAt: number }> {
    if (token !== undefined) await this.caller(logId, token)
    else if ((await this.status(logId, undefined)) === "log-deleted")
      throw new AccessError(410, "log-deleted", "log deleted")
    const join = mintJoinToken(this.options.secret, logId, {
      ttlSeconds: this.options.joinTtlSeconds ?? DEFAULT_JOIN_TTL_SECONDS,
      ...(this.options.now === undefined ? {} : { now: this.options.now() })
    })
    return { joinToken: join.token, expiresAt: join.expiresAt }
  }

  /** The log's credentials (ids, expiry, last seen, revoked). */
  async devices(logId: string, token?: string): Promise<ReadonlyArray<KnownCredential>> {
    if (token !== undefined) {
      const caller = await this.caller(logId, token)
      if (caller.credentialId !== undefined) this.seen(logId, caller.credentialId, caller.expiresAt)
    }
    return this.store.list(logId)
  }

  /**
   * Revokes `credentialId` on `logId` and closes its open connections here (other processes close
   * theirs through the store's `onRevoke`). A device may only revoke an id the log knows; the
   * operator (no token) any well-formed one.
   */
  async revoke(logId: string, credentialId: string, token?: string): Promise<{ readonly closed: number }> {
    if (token !== undefined) await this.caller(logId, token)
    const known = (await this.store.list(logId)).find((entry) => entry.credentialId === credentialId)
    if (known === undefined && token !== undefined)
      throw new AccessError(404, "unknown-credential", "credentialId: no such credential on this log")
    const now = this.nowSeconds()
    await this.store.revoke(logId, credentialId, now, known?.expiresAt ?? now + MAX_TOKEN_TTL_SECONDS)
    const closed = this.closeHolders(logId, credentialId)
    this.options.log({ level: "info", event: "revoke", logId, credentialId, closed })
    return { closed }
  }

  /**
   * Deletes the log: marks it deleted (no upgrade, renewal or join is admitted from now on), closes
   * its connections with `LOG_DELETED`, waits until the relay stored or dropped what it held, and
   * removes its updates from the store.
   */
  async deleteLog(logId: string, token?: string): Promise<void> {
    if (token !== undefined) await this.caller(logId, token)
    const store = this.options.storage
    if (store.delete === undefined)
      throw new AccessError(501, "no-delete", "this relay's store cannot delete logs")
    const credentials = this.store
    this.deleting.add(logId)
    try {
      const now = this.nowSeconds()
      await credentials.deleteLog(logId, now, now + MAX_TOKEN_TTL_SECONDS + 86_400)
      await this.options.documents.evict(logId, CloseCode.LOG_DELETED, "log deleted")
      await store.delete(logId)
    } finally {
      this.deleting.delete(logId)
    }
    this.options.log({ level: "info", event: "delete", logId })
  }

  // Another process deleted the log: take it out of memory (what it held goes nowhere) and remove
  // anything this relay stored meanwhile.
  private async deletedElsewhere(logId: string): Promise<void> {
    if (this.deleting.has(logId)) return
    this.deleting.add(logId)
    try {
      await this.options.documents.evict(logId, CloseCode.LOG_DELETED, "log deleted")
      await this.options.storage.delete?.(logId)
    } catch {
      this.options.log({ level: "warn", event: "delete-failed", logId })
    } finally {
      this.deleting.delete(logId)
    }
  }

  close(): void {
    this.unsubscribe()
  }
}
