/**
 * `openLog`'s checks of its options, and the choice of persistence adapter: a bad option is an
 * `InvalidLogOptions` naming it and the rule.
 */
import { isLogId } from "@relactation/core"
import type { FileAdapterFactory, OpenLogOptions } from "../EventLog.js"
import {
  indexedDbAdapter,
  isBrowser,
  memoryAdapter,
  type PersistenceAdapter,
  type PersistenceOption
} from "../Persistence.js"
import { InvalidLogOptions } from "../SyncError.js"
import { parseKey } from "../InviteKey.js"
import { Result } from "effect"

/** Throws `InvalidLogOptions` for the first option `openLog` cannot work with. */
export const checkOptions = (options: OpenLogOptions): void => {
  if (!isLogId(options.logId)) {
    throw new InvalidLogOptions({
      option: "logId",
      rule: "must be 8–64 characters of [A-Za-z0-9_-]",
      code: "log-id-format"
    })
  }
  if (typeof options.caregiver !== "string" || options.caregiver.length === 0) {
    throw new InvalidLogOptions({
      option: "caregiver",
      rule: "must be a non-empty caregiver id",
      code: "caregiver-empty"
    })
  }
  if ((options.url === undefined) !== (options.token === undefined)) {
    throw new InvalidLogOptions({
      option: "url",
      rule: "url and token must be given together",
      code: "url-token-pair"
    })
  }
  if (
    options.url !== undefined &&
    options.WebSocketPolyfill === undefined &&
    typeof globalThis.WebSocket === "undefined"
  ) {
    throw new InvalidLogOptions({
      option: "WebSocketPolyfill",
      rule: 'is required where there is no global WebSocket: pass WebSocket from "ws"',
      code: "websocket-missing"
    })
  }
  if (options.key !== undefined) {
    const key = parseKey(options.key)
    if (Result.isFailure(key)) throw key.failure
  }
  const forgotten = options.sessions?.forgottenAfterMs
  if (forgotten !== undefined && !(Number.isFinite(forgotten) && forgotten >= 0)) {
    throw new InvalidLogOptions({
      option: "sessions.forgottenAfterMs",
      rule: "must be a finite number of milliseconds, 0 or more",
      code: "not-a-duration"
    })
  }
  if (options.onError !== undefined && typeof options.onError !== "function") {
    throw new InvalidLogOptions({ option: "onError", rule: "must be a function", code: "not-a-function" })
  }
}

/** The adapter a `persistence` option names (default: IndexedDB in browsers, memory elsewhere). */
export const resolveAdapter = (
  option: PersistenceOption | undefined,
  file: FileAdapterFactory | undefined
): PersistenceAdapter => {
  if (option === undefined) return isBrowser() ? indexedDbAdapter : memoryAdapter
  switch (option.kind) {
    case "memory":
      return memoryAdapter
    case "indexeddb":
      return indexedDbAdapter
    case "custom":
      return option.adapter
    case "file":
      if (file === undefined) {
        throw new InvalidLogOptions({
          option: "persistence",
          rule: 'kind "file" needs openLog from "@relactation/sync/node"',
          code: "file-needs-node"
        })
      }
      return file(option.path)
  }
}
