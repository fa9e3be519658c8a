/** How failed forwards are retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** ± fraction of random spread so retries of many events do not arrive together. */
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  factor: 2,
  jitter: 0.2,
};

/** ok: delivered; retry: try again later; final: give up now (dead-letter). */
export type Outcome = 'ok' | 'retry' | 'final';

/**
 * Classifies one attempt: 2xx is delivered; no response (connection error, timeout), 5xx, 408
 * and 429 are retried; any other status (3xx, 4xx) is final, as providers treat them.
 */
export function classify(status: number | null): Outcome {
  if (status === null) return 'retry';
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 500 || status === 408 || status === 429) return 'retry';
  return 'final';
}

/** Retry-After as a delay in ms (delta-seconds or an HTTP date); null when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed: exponential
 * with jitter, at least what Retry-After asks, never more than maxDelayMs.
 */
export function nextDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  const exp = policy.baseDelayMs * policy.factor ** (attempt - 1);
  const spread = 1 + policy.jitter * (random() * 2 - 1);
  const backoff = Math.round(exp * spread);
  return Math.min(policy.maxDelayMs, Math.max(backoff, retryAfterMs ?? 0));
}
