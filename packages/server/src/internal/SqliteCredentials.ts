/**
 * The `CredentialStore` of `SqliteStorage`: each method is one request to the storage worker, which
 * runs it against the access tables of the relay's database (see `SqliteWorker.ts`). Another process
 * on the same file (the CLI's `revoke` and `delete`) is heard by polling for recent changes twice a
 * second while anyone listens: one indexed-free query over a table of a few rows per family.
 */

/** How often `onChange` polls the file; a revocation elsewhere closes connections within a second. */
const POLL_MS = 500
import type { AccessChange, CredentialStatus, CredentialStore, KnownCredential } from "../Credentials.js"
import type { CredentialCall } from "./SqliteWorker.js"

export class SqliteCredentials implements CredentialStore {
  private readonly run: (call: CredentialCall) => Promise<unknown>
  private readonly listeners = new Set<(change: AccessChange) => void>()
  private timer: ReturnType<typeof setInterval> | undefined
  private since = 0

  constructor(run: (call: CredentialCall) => Promise<unknown>) {
    this.run = run
  }

  status(logId: string, credentialId: string | undefined): Promise<CredentialStatus> {
    return this.run({ fn: "status", logId, credentialId }) as Promise<CredentialStatus>
  }

  async issue(logId: string, credentialId: string, expiresAt: number): Promise<void> {
    await this.run({ fn: "issue", logId, credentialId, expiresAt })
  }

  async seen(logId: string, credentialId: string, expiresAt: number, at: number): Promise<void> {
    await this.run({ fn: "seen", logId, credentialId, expiresAt, at })
  }

  revoke(logId: string, credentialId: string, at: number, expiresAt: number): Promise<boolean> {
    return this.run({ fn: "revoke", logId, credentialId, at, expiresAt }) as Promise<boolean>
  }

  list(logId: string): Promise<ReadonlyArray<KnownCredential>> {
    return this.run({ fn: "list", logId }) as Promise<ReadonlyArray<KnownCredential>>
  }

  useJoin(logId: string, joinId: string, expiresAt: number): Promise<boolean> {
    return this.run({ fn: "useJoin", logId, joinId, expiresAt }) as Promise<boolean>
  }

  async deleteLog(logId: string, at: number, until: number): Promise<void> {
    await this.run({ fn: "deleteLog", logId, at, until })
  }

  async sweep(now: number): Promise<void> {
    await this.run({ fn: "sweep", now })
  }

  onChange(listener: (change: AccessChange) => void): () => void {
    this.listeners.add(listener)
    if (this.timer === undefined) {
      // Times are whole seconds: look one second back, and let listeners hear a change twice.
      this.since = Math.floor(Date.now() / 1000) - 1
      this.timer = setInterval(() => void this.poll(), POLL_MS)
      this.timer.unref()
    }
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0 && this.timer !== undefined) {
        clearInterval(this.timer)
        this.timer = undefined
      }
    }
  }

  private polling = false
  private async poll(): Promise<void> {
    if (this.polling) return
    this.polling = true
    const since = this.since
    this.since = Math.floor(Date.now() / 1000) - 1
    try {
      const changes = (await this.run({ fn: "changes", since })) as ReadonlyArray<AccessChange>
      for (const change of changes) for (const listener of [...this.listeners]) listener(change)
    } catch {
      // A closed or failed store: the relay is shutting down or reports the store unhealthy.
    } finally {
      this.polling = false
    }
  }
}
