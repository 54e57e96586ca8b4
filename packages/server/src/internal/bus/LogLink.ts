/**
 * One loaded log's link to the other relay processes: it subscribes before the log is loaded (so
 * nothing published meanwhile falls between), publishes what this process committed, hands what
 * others committed to the document in sequence order through a `LogFeed`, and carries presence
 * both ways. It never stores anything: what comes from the bus or the store is durable already.
 */
import type { RedisBus } from "../../RedisBus.js"
import type { SharedStorage } from "../../Storage.js"
import { LogFeed } from "./LogFeed.js"

/** What the link needs from the document. */
export interface LinkedDocument {
  readonly logId: string
  /** Applies updates that are durable already; relays what the document did not have. */
  applyDurable(updates: ReadonlyArray<Uint8Array>): void
  /** Applies presence of another process's clients and relays it to this process's clients. */
  applyRemoteAwareness(frame: Uint8Array): void
  /** Presence of this process's own clients, as one awareness frame (undefined: none). */
  localAwareness(): Uint8Array | undefined
}

export class LogLink {
  private readonly bus: RedisBus
  private readonly document: LinkedDocument
  readonly feed: LogFeed
  private closed = false

  constructor(
    bus: RedisBus,
    storage: SharedStorage,
    document: LinkedDocument,
    log: (line: Record<string, unknown>) => void
  ) {
    this.bus = bus
    this.document = document
    const { logId } = document
    this.feed = new LogFeed({
      apply: (updates) => document.applyDurable(updates),
      since: (after) => storage.since(logId, after),
      onCatchUp: (reason, updates) => {
        bus.metrics.catchUp(reason, updates)
        if (updates > 0) log({ level: "info", event: "bus-catch-up", logId, reason, updates })
      },
      onCatchUpFailed: () => {
        bus.metrics.catchUpFailures++
      }
    })
  }

  /** Listens to the log's channels; call before loading it. */
  subscribe(): Promise<void> {
    return this.bus.subscribe(this.document.logId, {
      update: (seq, update) => this.feed.receive(seq, update),
      head: (seq) => this.feed.head(seq),
      awareness: (frame) => {
        if (!this.closed) this.document.applyRemoteAwareness(frame)
      },
      queryAwareness: () => {
        const frame = this.closed ? undefined : this.document.localAwareness()
        if (frame !== undefined) this.bus.publishAwareness(this.document.logId, frame)
      }
    })
  }

  /** The log was loaded with every update up to `seq`; asks the others for their clients' presence. */
  loaded(seq: number): void {
    this.feed.start(seq)
    this.bus.queryAwareness(this.document.logId)
  }

  /** This process committed `update` as `seq`: the others may relay it now. */
  committed(seq: number, update: Uint8Array): void {
    this.feed.own(seq)
    this.bus.publishUpdate(this.document.logId, seq, update)
  }

  /** Presence of this process's clients changed. */
  awareness(frame: Uint8Array): void {
    if (!this.closed) this.bus.publishAwareness(this.document.logId, frame)
  }

  /** Redis came back: what was published meanwhile is lost, so the feed asks the store. */
  reconnected(): void {
    this.feed.reconnected()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.feed.close()
    this.bus.unsubscribe(this.document.logId)
  }
}
