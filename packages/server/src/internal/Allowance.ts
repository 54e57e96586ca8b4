/**
 * A token bucket for one connection's messages of one kind: a minute's allowance as the burst,
 * refilled evenly. Cheap enough to consult on every message.
 */
export class Allowance {
  private readonly perMinute: number
  private tokens: number
  private at: number

  constructor(perMinute: number, now: number = Date.now()) {
    this.perMinute = perMinute
    this.tokens = perMinute
    this.at = now
  }

  /** Takes one; false when the allowance is spent. */
  take(now: number = Date.now()): boolean {
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.at) * this.perMinute) / 60_000)
    this.at = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
