/**
 * `Y.mergeUpdates` off the relay's event loop: merging a big log's rows for compaction takes tens of
 * milliseconds per megabyte, which would stall every websocket on the process. Small merges run
 * inline (a thread round trip costs more than they do); bigger ones go to one worker thread, started
 * on first use and unreferenced while idle. Like `SqliteWorker`, the worker runs from its source
 * text, so it works from the TypeScript sources and the built bundles alike.
 */
import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"
import * as Y from "yjs"

/** Below this many bytes in total, merging inline is cheaper than a round trip to the thread. */
const INLINE_BYTES = 256 * 1024

function mergeWorker(load: NodeJS.Require): void {
  const { parentPort, workerData } = load("node:worker_threads") as typeof import("node:worker_threads")
  const Yjs = load((workerData as { yjs: string }).yjs) as typeof import("yjs")
  if (parentPort === null) throw new Error("mergeWorker runs in a worker thread")
  const port = parentPort
  port.on("message", (request: { id: number; updates: Array<Uint8Array> }) => {
    try {
      const merged = Yjs.mergeUpdates(request.updates)
      port.postMessage({ id: request.id, ok: true, merged })
    } catch (error) {
      port.postMessage({
        id: request.id,
        ok: false,
        message: error instanceof Error ? error.message : "merge failed"
      })
    }
  })
}

const workerSource = `"use strict";\nvar __name = (target) => target;\n(${mergeWorker.toString()})(require)`

type Reply =
  | { readonly id: number; readonly ok: true; readonly merged: Uint8Array }
  | { readonly id: number; readonly ok: false; readonly message: string }

export class Merger {
  private worker: Worker | undefined
  private readonly pending = new Map<
    number,
    { resolve: (merged: Uint8Array) => void; reject: (error: Error) => void }
  >()
  private nextId = 1

  /** The merged update of `updates` (a Yjs update holding exactly what they hold together). */
  merge(updates: ReadonlyArray<Uint8Array>): Promise<Uint8Array> {
    let bytes = 0
    for (const update of updates) bytes += update.byteLength
    if (bytes < INLINE_BYTES) {
      try {
        return Promise.resolve(Y.mergeUpdates([...updates]))
      } catch (error) {
        return Promise.reject(error)
      }
    }
    const worker = this.start()
    const id = this.nextId++
    return new Promise<Uint8Array>((resolve, reject) => {
      if (this.pending.size === 0) worker.ref()
      this.pending.set(id, { resolve, reject })
      worker.postMessage({ id, updates })
    })
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { yjs: createRequire(import.meta.url).resolve("yjs") }
    })
    worker.unref()
    worker.on("message", (reply: Reply) => {
      const pending = this.pending.get(reply.id)
      if (pending === undefined) return
      this.pending.delete(reply.id)
      if (this.pending.size === 0) worker.unref()
      if (reply.ok) pending.resolve(reply.merged)
      else pending.reject(new Error(reply.message))
    })
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined
      for (const pending of this.pending.values()) pending.reject(error)
      this.pending.clear()
    }
    worker.on("error", fail)
    worker.on("exit", (code) => fail(new Error(`the merge worker exited (${code})`)))
    this.worker = worker
    return worker
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    if (worker !== undefined) await worker.terminate()
  }
}
