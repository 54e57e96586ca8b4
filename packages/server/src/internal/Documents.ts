/**
 * The registry of loaded logs. A log is loaded on its first connection and unloaded a short grace
 * period after its last one leaves, so an idle log costs no memory while a phone that reconnects
 * right away does not pay for a reload.
 */
import { CloseCode } from "@relactation/core/protocol"
import { StoreUnavailableError } from "../Storage.js"
import type { RelayContext } from "./Context.js"
import { Document, type Peer } from "./Document.js"

export class Documents {
  private readonly context: RelayContext
  private readonly loaded = new Map<string, Document>()

  constructor(context: RelayContext) {
    this.context = context
    // Whatever the bus carried while Redis was away is lost: every loaded log asks the store.
    context.cluster?.bus.onReconnect(() => {
      for (const document of this.loaded.values()) document.link?.reconnected()
    })
  }

  get size(): number {
    return this.loaded.size
  }

  /** Connections on a log, counting upgrades still in flight. */
  connectionsOn(logId: string): number {
    const document = this.loaded.get(logId)
    return document === undefined ? 0 : document.peers.size + document.pending
  }

  /**
   * Loads the log if needed and reserves a place on it. The caller must follow with `attach` or
   * `release`.
   */
  async acquire(logId: string): Promise<Document> {
    let document = this.loaded.get(logId)
    if (document === undefined) {
      const created = new Document(logId, this.context, (failed, error) => this.drop(failed, error))
      // Subscribed before loading, so nothing committed elsewhere falls between the load and the bus.
      const subscribed = created.link?.subscribe() ?? Promise.resolve()
      created.ready = subscribed
        .then(() => created.load())
        .then((size) => {
          this.context.notify("onLoad", { logId, ...size })
          this.context.log({ level: "info", event: "load", logId, ...size })
        })
      this.loaded.set(logId, created)
      document = created
    }
    document.pending++
    if (document.unloadTimer !== undefined) {
      clearTimeout(document.unloadTimer)
      document.unloadTimer = undefined
    }
    try {
      await document.ready
    } catch (error) {
      document.pending--
      if (this.loaded.get(logId) === document) {
        this.loaded.delete(logId)
        document.destroy()
      }
      throw error
    }
    if (document.failed || document.destroyed) {
      document.pending--
      throw new Error("log unavailable")
    }
    return document
  }

  attach(document: Document, peer: Peer): void {
    document.pending--
    document.attach(peer)
  }

  release(document: Document): void {
    document.pending--
    this.scheduleUnload(document)
  }

  detach(document: Document, peer: Peer): void {
    document.detach(peer)
    this.scheduleUnload(document)
  }

  /** Settles once every loaded log has stored and relayed what it received. */
  async flush(): Promise<void> {
    await Promise.all([...this.loaded.values()].map((document) => document.flush()))
  }

  /**
   * Takes a log out of memory now (it is being deleted): closes its connections with `code`, lets
   * what it received settle, and forgets it. An unloaded log is left alone.
   */
  async evict(logId: string, code: number, reason: string): Promise<void> {
    const document = this.loaded.get(logId)
    if (document === undefined) return
    for (const peer of [...document.peers.keys()]) peer.close(code, reason)
    await document.flush()
    if (this.loaded.get(logId) === document) this.loaded.delete(logId)
    document.destroy()
  }

  /** Forgets every log (after `flush` and after the sockets are closed). */
  clear(): void {
    for (const document of this.loaded.values()) document.destroy()
    this.loaded.clear()
  }

  private scheduleUnload(document: Document): void {
    if (document.destroyed || document.peers.size > 0 || document.pending > 0) return
    if (document.unloadTimer !== undefined) return
    document.unloadTimer = setTimeout(() => {
      document.unloadTimer = undefined
      void document.flush().then(() => {
        // Someone may have connected while the queue drained.
        if (document.peers.size > 0 || document.pending > 0 || document.unloadTimer !== undefined) return
        if (this.loaded.get(document.logId) !== document) return
        this.loaded.delete(document.logId)
        document.destroy()
        this.context.notify("onUnload", { logId: document.logId })
        this.context.log({ level: "info", event: "unload", logId: document.logId })
      })
    }, this.context.limits.unloadAfterMs)
  }

  // After a storage failure the in-memory state may hold what storage does not: drop it, and let
  // the clients reconnect and resync against what is really stored. A store that cannot be reached
  // gets its own code, so clients (and operators reading close codes) know to simply try again.
  private drop(document: Document, error: unknown): void {
    if (this.loaded.get(document.logId) === document) this.loaded.delete(document.logId)
    const [code, reason] =
      error instanceof StoreUnavailableError
        ? [CloseCode.STORE_UNAVAILABLE, "store unavailable, try again later"]
        : [CloseCode.INTERNAL, "storage unavailable"]
    for (const peer of [...document.peers.keys()]) peer.close(code, reason)
    document.destroy()
  }
}
