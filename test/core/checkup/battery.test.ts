import { afterEach, describe, expect, it } from 'vitest';
import { runBattery, type BatteryOptions } from '../../../src/core/checkup/battery';
import { choosePayload } from '../../../src/core/checkup/payload';
import { send } from '../../../src/core/forward/send';
import type { Checkup, ProbeId, ProbeVerdict } from '../../../src/shared/checkup';
import type { ProviderId } from '../../../src/shared/model';
import {
  GITHUB_SECRET,
  OPENAI_SECRET,
  STRIPE_SECRET,
  SVIX_SECRET,
  githubVerify,
  noVerify,
  openaiVerify,
  receiverPool,
  stripeVerify,
  svixVerify,
  type Receiver,
} from './receivers';

const pool = receiverPool();
afterEach(() => pool.closeAll());
const receiver = pool.start;

/** A run against `r` (Stripe unless told), with a small burst to keep the tests quick. */
function run(
  r: Receiver,
  o: Partial<BatteryOptions> & { provider?: ProviderId; sample?: string } = {},
): Promise<Checkup> {
  const provider = o.provider ?? 'stripe';
  return runBattery(
    {
      target: r.url,
      provider,
      secret: STRIPE_SECRET,
      hmac: null,
      payload: choosePayload(provider, o.sample),
      endpointId: null,
      burst: { count: 20, concurrency: 5 },
      latencySamples: 3,
      ...o,
    },
    { send, clock: Date.now },
  );
}

const verdicts = (c: Checkup): Record<ProbeId, ProbeVerdict> =>
  Object.fromEntries(c.probes.map((p) => [p.id, p.verdict])) as Record<ProbeId, ProbeVerdict>;
const probe = (c: Checkup, id: ProbeId) => c.probes.find((p) => p.id === id)!;

const ALL_PASS: Record<ProbeId, ProbeVerdict> = {
  valid: 'pass',
  duplicate: 'pass',
  forged: 'pass',
  tampered: 'pass',
  stale: 'pass',
  unsigned: 'pass',
  latency: 'pass',
  burst: 'pass',
  redirect: 'pass',
};

describe('check-up battery against reference receivers', () => {
  it('a correct Stripe receiver (stripe-node constructEvent, dedupe by event id) passes every probe, with the default 61 requests', async () => {
    const r = await receiver({ verify: stripeVerify() });
    const c = await run(r, { burst: undefined, latencySamples: undefined });
    expect(verdicts(c)).toEqual(ALL_PASS);
    expect(c).toMatchObject({
      score: 100,
      passed: true,
      requests: 61,
      sample: 'stripe.payment_intent.succeeded',
    });
    expect(c.counts).toEqual({ pass: 9, fail: 0, warn: 0, skip: 0 });
    expect(r.received()).toBe(61);
    expect(probe(c, 'burst').stats).toMatchObject({ count: 50, ok: 50 });
    expect(probe(c, 'latency').stats).toMatchObject({ count: 5, ok: 5 });
    // The duplicate is exactly the first delivery again.
    expect(probe(c, 'duplicate').request).toEqual(probe(c, 'valid').request);
    // The reference receiver answers a repeat with another body; the report says so.
    expect(probe(c, 'duplicate').summary).toMatch(
      /^Answered 200 in .* \(the first answer was 200, with a different body\)\.$/,
    );
    expect(probe(c, 'forged').summary).toMatch(
      /^Rejected a delivery signed with the wrong secret: 400/,
    );
    expect(JSON.stringify(c)).not.toContain(STRIPE_SECRET);
  });

  it('correct OpenAI (webhooks.unwrap) and Svix (svix Webhook.verify, generic event) receivers pass every probe', async () => {
    const oa = await receiver({ verify: openaiVerify });
    const a = await run(oa, { provider: 'openai', secret: OPENAI_SECRET });
    expect(verdicts(a)).toEqual(ALL_PASS);
    expect(a.sample).toBe('openai.batch.completed');
    const sv = await receiver({ verify: svixVerify });
    const b = await run(sv, { provider: 'svix', secret: SVIX_SECRET });
    expect(verdicts(b)).toEqual(ALL_PASS);
    expect(b.sample).toBe('generic');
  });

  it('a correct GitHub receiver (@octokit/webhooks-methods) passes; stale is skipped with the reason', async () => {
    const r = await receiver({ verify: githubVerify });
    const c = await run(r, { provider: 'github', secret: GITHUB_SECRET });
    expect(verdicts(c)).toEqual({ ...ALL_PASS, stale: 'skip' });
    expect(probe(c, 'stale')).toMatchObject({ request: null, response: null, fix: null });
    expect(probe(c, 'stale').summary).toMatch(/^GitHub signs no timestamp/);
    expect(c).toMatchObject({ score: 100, passed: true, requests: 5 + 3 + 20 });
  });

  it('no verification at all fails forged, tampered, stale and unsigned, saying so', async () => {
    const r = await receiver({ verify: noVerify });
    const c = await run(r);
    expect(verdicts(c)).toEqual({
      ...ALL_PASS,
      forged: 'fail',
      tampered: 'fail',
      stale: 'fail',
      unsigned: 'fail',
    });
    expect(c).toMatchObject({ passed: false, score: 56 });
    expect(probe(c, 'forged').fix).toMatch(
      /^Your endpoint accepted a delivery signed with the wrong secret: it does not verify signatures/,
    );
    expect(probe(c, 'tampered').summary).toMatch(
      /^Accepted a body changed after it was signed: 200/,
    );
    expect(probe(c, 'unsigned').fix).toContain('answer 401 when Stripe-Signature is missing');
    expect(probe(c, 'stale').fix).toContain('it does not check the timestamp');
  });

  it('verification without a timestamp check fails only stale', async () => {
    const r = await receiver({ verify: stripeVerify(1e9) });
    const c = await run(r);
    expect(verdicts(c)).toEqual({ ...ALL_PASS, stale: 'fail' });
    expect(probe(c, 'stale').summary).toMatch(
      /^Accepted a delivery signed 10 min ago, past Stripe's 300 s tolerance: 200/,
    );
  });

  it('duplicates answered 409 or 500 fail only the duplicate probe (burst deliveries are distinct)', async () => {
    const r409 = await receiver({ verify: stripeVerify(), duplicateStatus: 409 });
    const a = await run(r409);
    expect(verdicts(a)).toEqual({ ...ALL_PASS, duplicate: 'fail' });
    expect(probe(a, 'duplicate').summary).toMatch(
      /^Answered 409 in .* to the same delivery sent again/,
    );
    expect(probe(a, 'duplicate').fix).toContain('answer a known delivery id with 2xx');
    const r500 = await receiver({ verify: stripeVerify(), duplicateStatus: 500 });
    const b = await run(r500);
    expect(verdicts(b)).toEqual({ ...ALL_PASS, duplicate: 'fail' });
    expect(probe(b, 'duplicate').fix).toMatch(
      /^Your endpoint failed \(500\) on a delivery it had already seen/,
    );
  });

  it('a receiver slower than the timeout fails valid; the timed probes are not run', async () => {
    const r = await receiver({ verify: stripeVerify(), delayMs: 1500 });
    // The fast answers (duplicate, the rejections) have 500 ms; the valid one needs 1.5 s.
    const c = await run(r, { timeoutMs: 500 });
    expect(verdicts(c)).toEqual({ ...ALL_PASS, valid: 'fail', latency: 'fail', burst: 'fail' });
    expect(probe(c, 'valid').summary).toBe(
      'Answered no answer (timed out after 500 ms) to a correctly signed delivery.',
    );
    expect(probe(c, 'valid').fix).toContain('Acknowledge before heavy processing');
    expect(probe(c, 'burst').summary).toBe(
      'Not run: the valid delivery got no answer (timed out after 500 ms).',
    );
    // Seen on arrival, so the repeat is acknowledged at once.
    expect(probe(c, 'duplicate').response?.status).toBe(200);
    expect(r.received()).toBe(6);
    expect(c.requests).toBe(6);
  });

  it('a receiver that answers slowly but in time warns on latency and burst', async () => {
    const r = await receiver({ verify: stripeVerify(), delayMs: 150 });
    const c = await run(r, { warnMs: 100, burst: { count: 10, concurrency: 5 } });
    expect(verdicts(c)).toEqual({ ...ALL_PASS, latency: 'warn', burst: 'warn' });
    expect(probe(c, 'latency').fix).toMatch(/^Acknowledge before heavy processing/);
    expect(probe(c, 'latency').summary).toContain(
      "Stripe's delivery timeout is 10 s (Stripe publishes no number; Hookscope assumes 10 s)",
    );
    expect(probe(c, 'latency').stats!.p50Ms).toBeGreaterThanOrEqual(150);
    expect(c).toMatchObject({ passed: true, score: 89 });
  });

  it('a receiver that answers 500 to every valid delivery: latency is not measured (skipped, saying why)', async () => {
    const r = await receiver({ verify: stripeVerify(), newStatus: 500 });
    const c = await run(r);
    expect(verdicts(c)).toMatchObject({ valid: 'fail', latency: 'skip', burst: 'fail' });
    expect(probe(c, 'latency').summary).toBe(
      'Not measured: none of the 3 timed deliveries was accepted (3 × 500), and the time to an answer that is not 2xx says nothing about handling a delivery.',
    );
    expect(probe(c, 'latency').stats).toMatchObject({ count: 3, ok: 0 });
  });

  it('a receiver that redirects new valid deliveries fails valid, burst and redirect; latency is not measured', async () => {
    const r = await receiver({ verify: stripeVerify(), redirectTo: '/webhooks/' });
    const c = await run(r);
    expect(verdicts(c)).toEqual({
      ...ALL_PASS,
      valid: 'fail',
      // Timing redirects measures nothing: not graded (it used to pass).
      latency: 'skip',
      burst: 'fail',
      redirect: 'fail',
    });
    expect(probe(c, 'redirect').summary).toBe(
      '24 of 29 answers were redirects (302 to /webhooks/), in: valid, latency, burst.',
    );
    expect(probe(c, 'redirect').response?.status).toBe(302);
    expect(probe(c, 'valid').fix).toMatch(/^Providers do not follow redirects/);
  });
});
