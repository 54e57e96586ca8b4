/**
 * Opening a family log for as long as a component is mounted: `useLog(options)` opens it, gives the
 * open log to the render, and closes it on unmount or when the log to open changes.
 *
 * @since 0.1.0
 */
import type { InvalidOptions } from "@relactation/core"
import {
  type EventLog,
  type InvalidLogOptions,
  type OpenLogOptions,
  openLog,
  type PersistenceError
} from "@relactation/sync"
import { useEffect, useRef, useState } from "react"
import { storeOf } from "./internal/store.js"

/**
 * Why a log could not be opened (the rejections of `openLog`).
 *
 * @since 0.1.0
 * @category models
 */
export type OpenLogError = InvalidLogOptions | PersistenceError | InvalidOptions

/**
 * What `useLog` gives the render: the log once open, the error if opening failed.
 *
 * @since 0.1.0
 * @category models
 */
export type LogState =
  | { readonly state: "closed"; readonly log: undefined; readonly error: undefined }
  | { readonly state: "opening"; readonly log: undefined; readonly error: undefined }
  | { readonly state: "open"; readonly log: EventLog; readonly error: undefined }
  | { readonly state: "failed"; readonly log: undefined; readonly error: OpenLogError }

/**
 * How `useLog` opens a log.
 *
 * @since 0.1.0
 * @category models
 */
export interface UseLogConfig {
  /** Default `openLog` from `@relactation/sync`; pass the one of `@relactation/sync/node` for files. */
  readonly open?: (options: OpenLogOptions) => Promise<EventLog>
}

const CLOSED: LogState = { state: "closed", log: undefined, error: undefined }
const OPENING: LogState = { state: "opening", log: undefined, error: undefined }

// What identifies the log to open: changing any of these closes the log and opens the other one.
// Projection options and the presence name are applied to the open log instead.
const identity = (o: OpenLogOptions): string =>
  JSON.stringify([
    o.logId,
    o.caregiver,
    o.child ?? null,
    o.url ?? null,
    o.token ?? null,
    o.persistence?.kind ?? null,
    o.persistence?.kind === "file" ? o.persistence.path : null
  ])

// The last open-and-close of each log, so a remount (React's StrictMode mounts twice) opens the
// log again only once the previous instance is closed: never two instances on one storage.
const lifecycles = new Map<string, Promise<void>>()

/**
 * Opens the log described by `options` while the component is mounted (`undefined`: no log, for
 * example before the user has a link) and closes it on unmount. The log is reopened when its
 * identity changes (`logId`, `caregiver`, `child`, `url`, `token`, the persistence kind or file
 * path); new `projections` or `presence.name` are applied to the open log. Pass the log to the
 * other hooks.
 *
 * @since 0.1.0
 * @category hooks
 */
export const useLog = (options: OpenLogOptions | undefined, config: UseLogConfig = {}): LogState => {
  const key = options === undefined ? undefined : identity(options)
  const latest = useRef({ options, open: config.open ?? openLog })
  latest.current = { options, open: config.open ?? openLog }
  const [current, setCurrent] = useState<{ readonly key: string; readonly state: LogState } | undefined>()

  useEffect(() => {
    if (key === undefined) return
    let cancelled = false
    let opened: EventLog | undefined
    let release = (): void => {}
    const done = new Promise<void>((resolve) => {
      release = resolve
    })
    const previous = lifecycles.get(key) ?? Promise.resolve()
    lifecycles.set(key, done)
    const finish = (): void => {
      release()
      if (lifecycles.get(key) === done) lifecycles.delete(key)
    }
    const closeThen = (log: EventLog): void => {
      log.close().then(finish, finish)
    }
    previous
      .then(async () => {
        const { options: now, open } = latest.current
        if (cancelled || now === undefined) return finish()
        const log = await open(now)
        if (cancelled) return closeThen(log)
        opened = log
        setCurrent({ key, state: { state: "open", log, error: undefined } })
      })
      .catch((error: OpenLogError) => {
        finish()
        if (!cancelled) setCurrent({ key, state: { state: "failed", log: undefined, error } })
      })
    return () => {
      cancelled = true
      if (opened !== undefined) closeThen(opened)
    }
  }, [key])

  // Apply what does not need a reopen.
  const log = current !== undefined && current.key === key ? current.state.log : undefined
  const projections = options === undefined ? undefined : JSON.stringify(options.projections)
  const name = options?.presence?.name
  const applied = useRef<{ log?: EventLog; projections?: string; name?: string | undefined }>({})
  useEffect(() => {
    if (log === undefined || options === undefined) return
    const last = applied.current
    if (last.log === log) {
      if (last.projections !== projections) {
        log.setProjectionOptions(options.projections)
        storeOf(log).touch()
      }
      if (last.name !== name) log.setPresenceName(name)
    }
    applied.current = { log, ...(projections === undefined ? {} : { projections }), name }
  })

  if (key === undefined) return CLOSED
  return current !== undefined && current.key === key ? current.state : OPENING
}
