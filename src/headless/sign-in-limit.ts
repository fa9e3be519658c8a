import { clientKey } from '../core/net';

/** Failed sign-ins a client address may make at once, then one more every 6 s. */
export const SIGN_IN_LIMIT = { burst: 10, perMinute: 10 } as const;
const MAX_TRACKED = 10_000;

/**
 * Failed sign-ins to the control API (a missing, wrong or revoked token) per client address
 * (an IPv4 address or an IPv6 /64, `net.ts` clientKey): a token bucket of `burst` failures
 * refilled at `perMinute`. Only failures take from it, so a client whose token works is never
 * slowed; one that ran out is answered 429 with Retry-After before its token is checked (a
 * wrong token costs a slow hash: guessing must not cost the server a core).
 */
export class SignInLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: { burst: number; perMinute: number } = SIGN_IN_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  private level(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return this.limit.burst;
    const refill = ((this.now() - b.at) * this.limit.perMinute) / 60_000;
    return Math.min(this.limit.burst, b.tokens + refill);
  }

  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfter(address: string | undefined): number {
    const key = clientKey(address ?? null) ?? 'unknown';
    const level = this.level(key);
    if (level >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - level) * 60) / this.limit.perMinute));
  }

  /** Counts a failed sign-in from `address`. */
  failed(address: string | undefined): void {
    const key = clientKey(address ?? null) ?? 'unknown';
    const level = this.level(key);
    if (!this.buckets.has(key) && this.buckets.size >= MAX_TRACKED) this.forgetFull();
    this.buckets.set(key, { tokens: Math.max(0, level - 1), at: this.now() });
  }

  /** Forgets addresses whose bucket filled up again (they look like new ones). */
  private forgetFull(): void {
    for (const key of [...this.buckets.keys()]) {
      if (this.level(key) >= this.limit.burst) this.buckets.delete(key);
    }
    // Still full of addresses failing now: the oldest is forgotten (bounded memory).
    if (this.buckets.size >= MAX_TRACKED) {
      const first = this.buckets.keys().next().value;
      if (first !== undefined) this.buckets.delete(first);
    }
  }
}
