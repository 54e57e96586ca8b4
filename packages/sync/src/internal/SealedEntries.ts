/**
 * Sealed map entries to log entries, for the entry index once `openLog` takes a `key`: each
 * sealed value is opened (`openAll`) and its plaintext decoded by core exactly like a plaintext
 * entry, so a sealed log has the same valid, unknown and invalid entries as a plaintext one, plus
 * the entries that would not open. The id check that `decodeAt` does for plaintext entries (id ==
 * map key) is done by `open` here (the id must blind to the map key).
 */
import { decodeEntry, type LogEntry } from "@relactation/core"
import { Result } from "effect"
import type { UnreadableEntry } from "../Unreadable.js"
import { openAll } from "./Envelope.js"
import type { LogKeys } from "./LogKeys.js"

/** What one entry of a sealed log is: decoded by core, or unreadable. */
export type SealedLogEntry = LogEntry | UnreadableEntry

/** Opens and decodes entries of a sealed log, in order. Never rejects. */
export const decodeSealed = async (
  keys: LogKeys,
  entries: ReadonlyArray<readonly [string, unknown]>
): Promise<Array<SealedLogEntry>> =>
  (await openAll(keys, entries)).map((result) =>
    Result.isSuccess(result) ? decodeEntry(result.success) : result.failure
  )
