/**
 * Hooks let an embedding app watch the relay (and veto a connection) without forking it, in the
 * spirit of Hocuspocus' `onAuthenticate`/`onLoad`/`onStore`. Every payload holds ids and counts
 * only: the relay never hands out event content or tokens.
 *
 * @since 0.1.0
 */
import type { ErrorKind, RefusalReason } from "./Metrics.js"

/**
 * Observers of the relay's life. A hook that throws is logged and counted, never allowed to break
 * the relay; only `onAuthenticate` changes what happens.
 *
 * @since 0.1.0
 * @category hooks
 */
export interface RelayHooks {
  /**
   * Runs after the token checked out, before the upgrade completes. Return `false` to refuse the
   * connection with HTTP 403 (for example, a revoked family).
   */
  readonly onAuthenticate?: (event: {
    readonly logId: string
    readonly ip: string
    readonly expiresAt: number
  }) => boolean | Promise<boolean>
  readonly onConnect?: (event: { readonly logId: string; readonly connections: number }) => void
  readonly onDisconnect?: (event: {
    readonly logId: string
    readonly code: number
    readonly connections: number
  }) => void
  /** `status` is the HTTP status sent, 101 for an upgrade closed at once with a code, 0 for a socket dropped at accept. */
  readonly onRefuse?: (event: { readonly reason: RefusalReason; readonly status: number }) => void
  readonly onLoad?: (event: {
    readonly logId: string
    readonly updates: number
    readonly bytes: number
  }) => void
  readonly onUnload?: (event: { readonly logId: string }) => void
  readonly onStore?: (event: {
    readonly logId: string
    readonly updates: number
    readonly bytes: number
  }) => void
  readonly onCompact?: (event: {
    readonly logId: string
    readonly updates: number
    readonly bytes: number
  }) => void
  readonly onError?: (event: { readonly kind: ErrorKind; readonly logId?: string }) => void
}
