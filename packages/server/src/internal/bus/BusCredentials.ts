/**
 * Revocation on every process at once: wraps the relay's credential store so that a revocation or
 * a log deletion made through this process is also published on the bus, and one made through any
 * other process reaches this one's `onChange` listeners (which close the matching sockets). The
 * store keeps the revocation itself; the bus only tells the other processes right away.
 */
import type { AccessChange, CredentialStore } from "../../Credentials.js"
import type { RedisBus } from "../../RedisBus.js"

/** On the bus, a revocation without a credential id is a deleted log. */
const DELETED = ""

export const withBus = (store: CredentialStore, bus: RedisBus): CredentialStore => ({
  status: (logId, credentialId) => store.status(logId, credentialId),
  issue: (logId, credentialId, expiresAt) => store.issue(logId, credentialId, expiresAt),
  seen: (logId, credentialId, expiresAt, at) => store.seen(logId, credentialId, expiresAt, at),
  revoke: async (logId, credentialId, at, expiresAt) => {
    const first = await store.revoke(logId, credentialId, at, expiresAt)
    // Redis down: the others learn it from the store only (the revocation itself is kept there).
    await bus.revoke(logId, credentialId).catch(() => {})
    return first
  },
  list: (logId) => store.list(logId),
  useJoin: (logId, joinId, expiresAt) => store.useJoin(logId, joinId, expiresAt),
  deleteLog: async (logId, at, until) => {
    await store.deleteLog(logId, at, until)
    await bus.revoke(logId, DELETED).catch(() => {})
  },
  sweep: (now) => store.sweep(now),
  onChange: (listener) => {
    const fromStore = store.onChange?.(listener) ?? (() => {})
    const fromBus = bus.onRevoke((logId, credentialId) => {
      const change: AccessChange =
        credentialId === DELETED ? { kind: "deleted", logId } : { kind: "revoked", logId, credentialId }
      listener(change)
    })
    return () => {
      fromStore()
      fromBus()
    }
  }
})
