/**
 * A token bucket per client IP for new connections: a burst of a minute's allowance, refilled
 * evenly. Buckets that are full again are forgotten, so memory follows the active IPs only.
 */
export class RateLimiter {
  private readonly perMinute: number
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(perMinute: number) {
    this.perMinute = perMinute
  }

  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string, now: number = Date.now()): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000)
    bucket.at = now
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket)
      return false
    }
    bucket.tokens -= 1
    this.buckets.set(key, bucket)
    return true
  }

  /** Drops buckets that have refilled completely. */
  sweep(now: number = Date.now()): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000 >= this.perMinute)
        this.buckets.delete(key)
    }
  }
}
