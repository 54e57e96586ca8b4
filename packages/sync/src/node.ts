/**
 * `@relactation/sync/node`: everything of the main entry, plus file persistence. Kept apart so the
 * main entry never imports `node:fs` and bundles for browsers unchanged.
 *
 * @since 0.1.0
 */
import { type EventLog, type OpenLogOptions, openLogWith } from "./EventLog.js"
import * as FilePersistence from "./FilePersistence.js"

export * from "./index.js"
export { FilePersistence }

/**
 * `openLog` that also accepts `persistence: { kind: "file", path }`.
 *
 * @example
 * ```ts
 * import WebSocket from "ws"
 * import { openLog } from "@relactation/sync/node"
 *
 * const log = await openLog({
 *   logId: "family-7f3a9c",
 *   caregiver: "cli",
 *   persistence: { kind: "file", path: "./data/family-7f3a9c.ylog" },
 *   url: "ws://127.0.0.1:1234",
 *   token,
 *   WebSocketPolyfill: WebSocket,
 *   projections: { timeZone: "Europe/Berlin" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const openLog = (options: OpenLogOptions): Promise<EventLog> =>
  openLogWith(options, FilePersistence.adapter)
