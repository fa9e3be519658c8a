import { describe, expect, it } from 'vitest';
import { defaultTimeoutMs } from '../../../src/core/checkup/battery';
import {
  gradeBurst,
  gradeDuplicate,
  gradeLatency,
  gradeRejection,
  gradeValid,
  scoreOf,
  stats,
  type Limits,
} from '../../../src/core/checkup/grade';
import { deliveryTimeout } from '../../../src/core/checkup/timeouts';
import type { SendResult } from '../../../src/core/forward/send';

const res = (status: number | null, durationMs = 5, o: Partial<SendResult> = {}): SendResult => ({
  status,
  error: status === null ? 'timed out after 300 ms' : null,
  durationMs,
  headers: [],
  body: Buffer.from('{"ok":true}'),
  truncated: false,
  ...o,
});

const limits = (timeoutMs = 10_000): Limits => ({
  provider: 'Stripe',
  timeout: deliveryTimeout('stripe'),
  timeoutMs,
  warnMs: 2000,
});

describe('grading', () => {
  it('latency: pass under 2 s, warn over 2 s, fail over the provider timeout or without an answer', () => {
    const fast = [10, 12, 15, 11, 30].map((d) => res(200, d));
    expect(gradeLatency(fast, limits())).toMatchObject({ verdict: 'pass', fix: null });
    expect(gradeLatency(fast, limits()).summary).toBe(
      "p50 12 ms, p95 30 ms over 5 deliveries, one after the other; Stripe's delivery timeout is 10 s (Stripe publishes no number; Hookscope assumes 10 s).",
    );
    const slow = [2100, 2200, 2300, 2400, 2500].map((d) => res(200, d));
    const warn = gradeLatency(slow, limits());
    expect(warn.verdict).toBe('warn');
    expect(warn.summary).toContain('p50 2.3 s, p95 2.5 s');
    expect(warn.fix).toMatch(/^Acknowledge before heavy processing/);
    const over = [9000, 12_000].map((d) => res(200, d));
    expect(gradeLatency(over, limits(30_000))).toMatchObject({
      verdict: 'fail',
      fix: expect.stringMatching(/^Over Stripe's timeout, deliveries count as failed/),
    });
    const lost = gradeLatency([res(200), res(null, 300)], limits(300));
    expect(lost.verdict).toBe('fail');
    expect(lost.summary).toMatch(/^1 of 2 deliveries got no answer \(timed out after 300 ms\)/);
  });

  it('latency: timing error answers means nothing: skipped when none was 2xx, failed when some were not', () => {
    const errors = [3, 4, 5, 4, 3].map((d) => res(500, d));
    expect(gradeLatency(errors, limits())).toEqual({
      verdict: 'skip',
      summary:
        'Not measured: none of the 5 timed deliveries was accepted (5 × 500), and the time to an answer that is not 2xx says nothing about handling a delivery.',
      fix: null,
    });
    const some = [res(200, 10), res(500, 2), res(200, 30), res(401, 1), res(200, 20)];
    const graded = gradeLatency(some, limits());
    expect(graded.verdict).toBe('fail');
    expect(graded.summary).toBe(
      '2 of 5 valid deliveries, one after the other, were not accepted (1 × 500, 1 × 401); the 3 accepted: p50 20 ms, p95 30 ms.',
    );
    expect(graded.fix).toMatch(/^Every correctly signed delivery must get a 2xx/);
    const redirected = gradeLatency([res(200), res(302)], limits());
    expect(redirected.verdict).toBe('fail');
    expect(redirected.fix).toMatch(/^Providers do not follow redirects/);
  });

  it('stats: nearest-rank p50/p95 and the 2xx count', () => {
    const s = stats([res(200, 40), res(500, 10), res(200, 30), res(200, 20)]);
    expect(s).toEqual({ count: 4, ok: 3, p50Ms: 20, p95Ms: 40, maxMs: 40 });
    expect(stats([])).toEqual({ count: 0, ok: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 });
  });

  it('burst: any non-2xx fails and is counted by kind', () => {
    const g = gradeBurst([res(200), res(503), res(503), res(null, 300)], 2, limits());
    expect(g.verdict).toBe('fail');
    expect(g.summary).toBe(
      '3 of 4 deliveries at 2 at once were not answered 2xx: 2 × 503, 1 × timed out after 300 ms.',
    );
    expect(g.fix).toMatch(/^Your endpoint fails under a burst of 4 deliveries 2 at a time/);
    expect(gradeBurst([res(200, 3), res(201, 4)], 2, limits()).verdict).toBe('pass');
  });

  it('valid: 4xx, 404 and 5xx get their own fixes', () => {
    expect(gradeValid(res(401)).fix).toMatch(/rejected a delivery signed with the right secret/);
    expect(gradeValid(res(404)).fix).toBe('Nothing handles POST at this URL: check the path.');
    expect(gradeValid(res(500)).fix).toMatch(/^Your endpoint failed \(500\) on a valid delivery/);
    expect(gradeValid(res(null, 1, { error: 'ECONNREFUSED: connection refused' })).fix).toMatch(
      /^Nothing answered: start your app/,
    );
  });

  it('duplicate: the same answer, or a different one, is reported', () => {
    expect(gradeDuplicate(res(200), res(200)).summary).toBe(
      'Answered 200 in 5 ms (the same answer as the first time).',
    );
    expect(gradeDuplicate(res(200), res(202)).summary).toBe(
      'Answered 202 in 5 ms (the first answer was 200).',
    );
  });

  it('rejection: 4xx passes, 2xx fails with the probe fix, 5xx asks to catch the error', () => {
    const why = { what: 'a delivery signed with the wrong secret', acceptedFix: 'verify it' };
    expect(gradeRejection(res(401), why)).toMatchObject({ verdict: 'pass', fix: null });
    expect(gradeRejection(res(200), why)).toEqual({
      verdict: 'fail',
      summary: 'Accepted a delivery signed with the wrong secret: 200 in 5 ms.',
      fix: 'verify it',
    });
    expect(gradeRejection(res(500), why).fix).toMatch(/catch the verification error/);
    expect(gradeRejection(res(301), why).fix).toMatch(/^Reject it with 401 before any redirect/);
  });

  it('score: a warn counts half, skips are not graded; a failed must-pass fails the run', () => {
    expect(
      scoreOf([
        { verdict: 'pass', mustPass: true },
        { verdict: 'warn', mustPass: false },
        { verdict: 'skip', mustPass: true },
        { verdict: 'fail', mustPass: false },
      ]),
    ).toEqual({ score: 50, passed: true, counts: { pass: 1, warn: 1, skip: 1, fail: 1 } });
    expect(scoreOf([{ verdict: 'fail', mustPass: true }]).passed).toBe(false);
  });

  it("timeouts: the provider's documented figure, an assumption otherwise, at most 30 s by default", () => {
    expect(deliveryTimeout('slack')).toMatchObject({ ms: 3000, documented: true });
    expect(deliveryTimeout('shopify').ms).toBe(5000);
    expect(deliveryTimeout('vercel')).toMatchObject({ ms: 10_000, documented: false });
    expect(defaultTimeoutMs('github')).toBe(10_000);
    expect(defaultTimeoutMs('svix')).toBe(15_000);
  });
});
