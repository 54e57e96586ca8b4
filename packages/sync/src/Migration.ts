/**
 * Moving a plaintext log to a sealed one. Yjs keeps a document's history, so sealing a log in
 * place cannot remove the plaintext that is already at the relay: the way to a sealed log is a
 * new log (a new log id, a new family key) with every event copied, then the old log deleted at
 * the relay. This module does the copy; deleting the old log is the relay's (`relactation-relay
 * delete <logId>`, or a device asking with the old log's credential where the relay offers it).
 *
 * @since 0.2.0
 */
import type { EventLog } from "./EventLog.js"
import { InvalidLogOptions } from "./SyncError.js"

/**
 * What `copyToSealedLog` did.
 *
 * @since 0.2.0
 * @category models
 */
export interface CopyReport {
  /** Valid events written to the sealed log. */
  readonly copied: number
  /** Valid events the sealed log already had (a copy run again after an interruption). */
  readonly already: number
  /**
   * Entries of the old log that are not valid events (unknown types from a newer app, invalid
   * ones): not copied, since the sealed log stores only events it can check. They stay in the
   * old log until it is deleted; export it first (`exportJson`) to keep them.
   */
  readonly notCopied: number
  /** Events in the sealed log after the copy. */
  readonly total: number
}

/**
 * Copies every valid event of `from` (a plaintext log) into `to` (a sealed log, opened with
 * `key`), in `compareEvents` order, each with its own id, time and author: the sealed log then
 * has the same events and the same projections. Running it again copies only what is missing (an
 * append of the same event is a no-op). Rejects with `InvalidLogOptions` when `from` is sealed or
 * `to` is not, and with what `append` rejects with (`LogClosed`, `PersistenceError`) otherwise;
 * what was copied stays copied.
 *
 * @example
 * ```ts
 * import { copyToSealedLog, generateFamilyKey, openLog } from "@relactation/sync"
 *
 * const key = generateFamilyKey()
 * const sealed = await openLog({ ...options, logId: newLogId, token: newToken, key })
 * const report = await copyToSealedLog(plain, sealed) // { copied, already, notCopied, total }
 * await sealed.whenSynced() // at the relay; then delete the old log there
 * ```
 *
 * @since 0.2.0
 * @category migration
 */
export const copyToSealedLog = async (from: EventLog, to: EventLog): Promise<CopyReport> => {
  if (from.sealed) {
    throw new InvalidLogOptions({
      option: "from",
      rule: "must be a plaintext log (opened without key)",
      code: "not-plaintext"
    })
  }
  if (!to.sealed) {
    throw new InvalidLogOptions({
      option: "to",
      rule: "must be a sealed log (opened with key)",
      code: "not-sealed"
    })
  }
  const had = new Set(to.events.map((e) => e.id))
  const missing = from.events.filter((e) => !had.has(e.id))
  // A few appends in flight at once: sealing is asynchronous, and one by one would wait on each.
  for (let i = 0; i < missing.length; i += 32) {
    await Promise.all(missing.slice(i, i + 32).map((event) => to.append(event)))
  }
  const copied = missing.length
  const already = from.events.length - copied
  return { copied, already, notCopied: from.problems.length, total: to.events.length }
}
