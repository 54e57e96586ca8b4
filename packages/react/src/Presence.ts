/**
 * The log's connection and presence as React state: the connection status, the devices online and
 * this device's running session.
 *
 * @since 0.1.0
 */
import type { EventLog, Peer, RunningSession, Status } from "@relactation/sync"
import { useLogValue } from "./internal/useLogValue.js"

/**
 * The connection status (`offline`, `connecting`, `syncing`, `synced`); `undefined` while there is
 * no log.
 *
 * @since 0.1.0
 * @category hooks
 */
export function useStatus(log: EventLog): Status
export function useStatus(log: EventLog | undefined): Status | undefined
export function useStatus(log: EventLog | undefined): Status | undefined {
  return useLogValue(log, "status", (l) => l.status)
}

/**
 * The devices on the log now, this one included (`self: true`); `undefined` while there is no log.
 *
 * @since 0.1.0
 * @category hooks
 */
export function usePeers(log: EventLog): ReadonlyArray<Peer>
export function usePeers(log: EventLog | undefined): ReadonlyArray<Peer> | undefined
export function usePeers(log: EventLog | undefined): ReadonlyArray<Peer> | undefined {
  return useLogValue(log, "peers", (l) => l.peers)
}

/**
 * This device's running session (`undefined` when none, or while there is no log). It changes when
 * `log.startSession` / `log.stopSession` run here, and when another device stops it (its event
 * arrives).
 *
 * @since 0.1.0
 * @category hooks
 */
export const useSession = (log: EventLog | undefined): RunningSession | undefined =>
  useLogValue(log, "session", (l) => l.session)
