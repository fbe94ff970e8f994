/**
 * A token bucket per key (a client address): `limit` requests per `windowMs`, refilled
 * continuously. Buckets that are full again are forgotten, so memory follows the number of
 * addresses active within a window.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private checks = 0

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`: 0 when allowed, otherwise how many ms until one is back. */
  take(key: string): number {
    const now = this.now()
    if (++this.checks % 1024 === 0) this.prune(now)
    const bucket = this.buckets.get(key) ?? { tokens: this.limit, at: now }
    bucket.tokens = Math.min(this.limit, bucket.tokens + ((now - bucket.at) * this.limit) / this.windowMs)
    bucket.at = now
    this.buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.ceil(((1 - bucket.tokens) * this.windowMs) / this.limit)
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.limit) / this.windowMs >= this.limit) this.buckets.delete(key)
    }
  }
}
