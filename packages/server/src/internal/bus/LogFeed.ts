/**
 * The order of one loaded log's updates across processes. The shared store numbers every update of
 * a log (1, 2, 3…, gapless); this process holds in its document every update up to `contiguous`.
 * Updates from the bus are applied in that order: one that comes early waits, a gap that does not
 * close within a short grace (messages from two publishers may cross) or a reconnect to Redis makes
 * the feed fetch `since(contiguous)` from the store, which is the truth; Redis is only the fast path.
 * Everything applied here is durable already (committed by its writer), so it is relayed at once
 * and never stored or published again.
 */
import type { SequencedLog } from "../../Storage.js"

export type CatchUpReason = "gap" | "reconnect" | "head"

export interface FeedTarget {
  /** Applies durable updates to the document (which relays what it did not have). */
  readonly apply: (updates: ReadonlyArray<Uint8Array>) => void
  /** Every stored update of the log with a sequence number above `after`. */
  readonly since: (after: number) => Promise<SequencedLog>
  readonly onCatchUp: (reason: CatchUpReason, updates: number) => void
  readonly onCatchUpFailed: (error: unknown) => void
}

/** Waiting this long for a missing number before asking the store (messages of two publishers cross). */
export const GAP_GRACE_MS = 150
const RETRY_MS = 1_000

export class LogFeed {
  private readonly target: FeedTarget
  private readonly graceMs: number
  /** Every update numbered up to this is in the document. */
  contiguous = 0
  /** The highest number anyone announced (a message, a head, our own append). */
  private known = 0
  /** Numbers above `contiguous` already seen: the update from the bus, or null for our own. */
  private readonly ahead = new Map<number, Uint8Array | null>()
  private started = false
  private closed = false
  private fetching = false
  private timer: NodeJS.Timeout | undefined = undefined
  private pendingReason: CatchUpReason | undefined = undefined

  constructor(target: FeedTarget, graceMs = GAP_GRACE_MS) {
    this.target = target
    this.graceMs = graceMs
  }

  /** The log was loaded holding every update up to `head`; what came meanwhile is applied after it. */
  start(head: number): void {
    this.started = true
    this.advanceTo(head)
    this.drain()
  }

  /** An update another process committed as `seq`. */
  receive(seq: number, update: Uint8Array): void {
    if (this.closed || seq <= this.contiguous || this.ahead.has(seq)) return
    this.ahead.set(seq, update)
    this.known = Math.max(this.known, seq)
    this.drain()
  }

  /** Our own update was committed as `seq` (it is in the document already). */
  own(seq: number): void {
    if (this.closed || seq <= this.contiguous) return
    this.ahead.set(seq, null)
    this.known = Math.max(this.known, seq)
    this.drain()
  }

  /** Another process holds every update up to `seq`: anything above ours is missing here. */
  head(seq: number): void {
    if (this.closed || seq <= this.known) return
    this.known = seq
    this.drain("head")
  }

  /** Redis was away: whatever was published meanwhile is lost; ask the store now. */
  reconnected(): void {
    if (this.closed || !this.started) return
    this.schedule("reconnect", 0)
  }

  close(): void {
    this.closed = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.ahead.clear()
  }

  /** Whether something is known to be missing (for tests and metrics). */
  get behind(): boolean {
    return this.known > this.contiguous
  }

  private advanceTo(seq: number): void {
    if (seq <= this.contiguous) return
    this.contiguous = seq
    this.known = Math.max(this.known, seq)
    for (const key of this.ahead.keys()) if (key <= seq) this.ahead.delete(key)
  }

  private drain(reason: CatchUpReason = "gap"): void {
    if (!this.started || this.fetching || this.closed) return
    const batch: Array<Uint8Array> = []
    for (let next = this.ahead.get(this.contiguous + 1); next !== undefined; ) {
      this.ahead.delete(this.contiguous + 1)
      this.contiguous++
      if (next !== null) batch.push(next)
      next = this.ahead.get(this.contiguous + 1)
    }
    if (batch.length > 0) this.target.apply(batch)
    if (this.known > this.contiguous) this.schedule(reason, this.graceMs)
    else if (this.timer !== undefined && this.pendingReason !== "reconnect") {
      clearTimeout(this.timer)
      this.timer = undefined
      this.pendingReason = undefined
    }
  }

  private schedule(reason: CatchUpReason, delayMs: number): void {
    if (this.timer !== undefined) {
      if (delayMs > 0 || this.pendingReason === "reconnect") return
      clearTimeout(this.timer)
    }
    this.pendingReason = reason
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.pendingReason = undefined
      void this.catchUp(reason)
    }, delayMs)
    this.timer.unref?.()
  }

  private async catchUp(reason: CatchUpReason): Promise<void> {
    if (this.closed) return
    if (this.fetching) {
      // One fetch at a time; the one under way may have started before what we now miss.
      this.schedule(reason, RETRY_MS / 10)
      return
    }
    this.fetching = true
    let log: SequencedLog
    try {
      log = await this.target.since(this.contiguous)
    } catch (error) {
      this.fetching = false
      if (this.closed) return
      this.target.onCatchUpFailed(error)
      this.schedule(reason, RETRY_MS)
      return
    }
    this.fetching = false
    if (this.closed) return
    if (log.data.length > 0) this.target.apply(log.data)
    this.advanceTo(log.seq)
    this.target.onCatchUp(reason, log.data.length)
    this.drain()
  }
}
