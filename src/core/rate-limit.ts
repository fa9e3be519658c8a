/** Most client IPs tracked at once; the least recently seen are forgotten first. */
const MAX_TRACKED = 10_000;

interface Bucket {
  tokens: number;
  at: number;
  loggedAt: number;
}

/**
 * A token bucket per client IP: each request takes a token; tokens come back at `perSecond`
 * up to `burst`. Memory is bounded however many IPs a flood uses.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Takes a token for `ip`: 0 when allowed, else the ms until one is available. */
  take(ip: string, now: number, rate: { perSecond: number; burst: number }): number {
    let b = this.buckets.get(ip);
    if (b) {
      this.buckets.delete(ip); // re-inserted below: the Map's order is recency
      b.tokens = Math.min(rate.burst, b.tokens + ((now - b.at) / 1000) * rate.perSecond);
      b.at = now;
    } else {
      b = { tokens: rate.burst, at: now, loggedAt: -Infinity };
      if (this.buckets.size >= MAX_TRACKED) {
        this.buckets.delete(this.buckets.keys().next().value!);
      }
    }
    this.buckets.set(ip, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / rate.perSecond) * 1000);
  }

  /** True at most once per `everyMs` per IP: whether to log this refusal. */
  shouldLog(ip: string, now: number, everyMs: number): boolean {
    const b = this.buckets.get(ip);
    if (!b || now - b.loggedAt < everyMs) return false;
    b.loggedAt = now;
    return true;
  }

  get tracked(): number {
    return this.buckets.size;
  }
}
