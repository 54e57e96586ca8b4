/**
 * This process's connections per log, kept in step with the deployment-wide count in Redis. A
 * place is reserved here before Redis is asked (two upgrades at once must not both see the same
 * count), and given back when Redis says the log is full or the connection ends.
 */
import type { RedisBus } from "../../RedisBus.js"

export class SharedConnections {
  private readonly bus: RedisBus
  private readonly limit: number
  private readonly counts = new Map<string, number>()

  constructor(bus: RedisBus, limit: number) {
    this.bus = bus
    this.limit = limit
  }

  /**
   * Takes a place on `logId` for the whole deployment: false when the log is full. While Redis does
   * not answer, true (the caller's per-process limit still holds).
   */
  async acquire(logId: string): Promise<boolean> {
    const count = (this.counts.get(logId) ?? 0) + 1
    this.counts.set(logId, count)
    const admitted = await this.bus.admitConnection(logId, count, this.limit)
    if (admitted === false) {
      this.release(logId)
      return false
    }
    return true
  }

  /** Gives back a place taken with `acquire`. */
  release(logId: string): void {
    const count = (this.counts.get(logId) ?? 1) - 1
    if (count <= 0) this.counts.delete(logId)
    else this.counts.set(logId, count)
    this.bus.setConnections(logId, count)
  }
}
