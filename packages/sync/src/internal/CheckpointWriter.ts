/**
 * When the checkpoint is written: once the log has been idle for a moment after a change, or
 * after many new entries even while busy, and when the log closes. A write never delays an
 * append (appends never wait for it), runs one at a time, and a failed write is dropped: the
 * checkpoint only saves work, the next open rebuilds without it.
 */
import type { CheckpointStore } from "../Persistence.js"

export interface CheckpointWriter {
  /** `n` entries changed (or something else the checkpoint covers). */
  readonly changed: (n: number) => void
  /** Writes what is pending, then stops. */
  readonly close: () => Promise<void>
}

export const make = (options: {
  readonly store: CheckpointStore
  readonly logId: string
  /** The checkpoint's bytes now (taken synchronously; sealing them may take a moment). */
  readonly take: () => Uint8Array | Promise<Uint8Array>
  readonly idleMs: number
  readonly everyEntries: number
}): CheckpointWriter => {
  let dirty = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let writing: Promise<void> | undefined
  let closed = false

  const write = (): Promise<void> => {
    clearTimeout(timer)
    timer = undefined
    if (writing !== undefined) return writing
    if (dirty === 0) return Promise.resolve()
    dirty = 0
    let bytes: Uint8Array | Promise<Uint8Array>
    try {
      bytes = options.take()
    } catch {
      return Promise.resolve()
    }
    writing = Promise.resolve(bytes)
      .then((b) => options.store.write(options.logId, b))
      .catch(() => {})
      .finally(() => {
        writing = undefined
        if (dirty > 0 && !closed) schedule(0)
      })
    return writing
  }
  const schedule = (ms: number): void => {
    clearTimeout(timer)
    timer = setTimeout(() => void write(), ms)
    ;(timer as { unref?: () => void }).unref?.()
  }

  return {
    changed: (n) => {
      if (closed) return
      dirty += n
      schedule(dirty >= options.everyEntries ? 0 : options.idleMs)
    },
    close: async () => {
      closed = true
      clearTimeout(timer)
      timer = undefined
      if (writing !== undefined) await writing
      await write()
    }
  }
}
