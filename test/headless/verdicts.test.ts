import { readFileSync } from 'node:fs';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { stripeChargeEvent, stripeSignature } from '../helpers/stripe';

const fixture = (p: string): string =>
  readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const OPENAI_SECRET = 'whsec_' + Buffer.from('openai-endpoint-secret-32-bytes!').toString('base64');
const UA = 'OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)';

let s: ServeProcess;
beforeAll(async () => {
  s = await startServe();
});
afterAll(() => s.dispose());

async function call<T>(name: string, input: unknown = {}): Promise<T> {
  const res = await s.api(name, input);
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

interface Detail {
  id: string;
  eventType: string | null;
  jobId: string | null;
  signature: { status: string; provider: string | null; reason: string };
  idempotency: {
    key: string | null;
    source: string | null;
    duplicateOf: string | null;
    deliveryCount: number;
  };
  schema: { status: string; name?: string; issues?: string[] };
  response: { status: number };
}

/** POSTs to the receiver and returns the stored event's detail and the HTTP status. */
async function deliver(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${s.receiverUrl}${path}`, { method: 'POST', body, headers });
  await res.text();
  const { items } = await call<{ items: { id: string }[] }>('listEvents', { limit: 1 });
  return { status: res.status, event: await call<Detail>('getEvent', { id: items[0]!.id }) };
}

describe('verdicts, duplicates and schemas through hookscope serve', () => {
  it('OpenAI: valid, then a re-delivery is duplicate #2; wrong secret is invalid and gets 401', async () => {
    await call('saveEndpoint', {
      name: 'OpenAI',
      path: '/openai',
      provider: 'openai',
      secrets: [OPENAI_SECRET],
      invalidSignatureResponse: { status: 401, body: 'bad signature' },
    });
    const body = fixture('openai/batch.completed.json');
    const wh = new Webhook(OPENAI_SECRET);
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': UA,
      'webhook-id': 'wh_test_1',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': wh.sign('wh_test_1', now, body),
    };
    const first = await deliver('/openai/webhooks', body, headers);
    expect(first.status).toBe(200);
    expect(first.event.signature).toMatchObject({ status: 'valid', provider: 'openai' });
    expect(first.event.schema).toEqual({ status: 'valid', name: 'OpenAI batch.completed' });
    expect(first.event.eventType).toBe('batch.completed');
    const batchId = (JSON.parse(body) as { data: { id: string } }).data.id;
    expect(first.event.jobId).toBe(batchId);
    expect(first.event.idempotency).toMatchObject({
      key: 'wh_test_1',
      source: 'webhook-id header',
      duplicateOf: null,
    });

    const again = await deliver('/openai/webhooks', body, headers);
    expect(again.event.idempotency).toMatchObject({
      duplicateOf: first.event.id,
      deliveryCount: 2,
    });
    const firstNow = await call<Detail>('getEvent', { id: first.event.id });
    expect(firstNow.idempotency.deliveryCount).toBe(2);

    const forged = new Webhook(
      'whsec_' + Buffer.from('some-other-secret-of-32-bytes!!!').toString('base64'),
    );
    const bad = await deliver('/openai/webhooks', body, {
      ...headers,
      'webhook-id': 'wh_test_2',
      'webhook-signature': forged.sign('wh_test_2', now, body),
    });
    expect(bad.status).toBe(401);
    expect(bad.event.signature.status).toBe('invalid');
    expect(bad.event.signature.reason).toMatch(/matches the configured secret/);
    expect(bad.event.response.status).toBe(401);

    const jobs = await call<{ items: { id: string }[] }>('listEvents', { jobId: batchId });
    expect(jobs.items.map((e) => e.id).sort()).toEqual(
      [first.event.id, again.event.id, bad.event.id].sort(),
    );
  });

  it('Stripe: detected with auto, no secret configured → no-secret; stale once a secret is set', async () => {
    const body = stripeChargeEvent('evt_1');
    const secret = 'whsec_stripe_test_secret';
    const header = stripeSignature(body, secret, Math.floor(Date.now() / 1000) - 3600);
    const noSecret = await deliver('/stripe', body, {
      'stripe-signature': header,
      'content-type': 'application/json',
    });
    expect(noSecret.event.signature).toMatchObject({ status: 'no-secret', provider: 'stripe' });
    expect(noSecret.event.idempotency).toMatchObject({ key: 'evt_1', source: 'body.id' });
    expect(noSecret.event.eventType).toBe('charge.succeeded');

    await call('saveEndpoint', {
      name: 'Stripe',
      path: '/stripe',
      provider: 'stripe',
      secrets: [secret],
    });
    const stale = await deliver('/stripe', body, { 'stripe-signature': header });
    expect(stale.event.signature.status).toBe('stale');
    // A second boundary may pass between signing and receiving.
    expect(stale.event.signature.reason).toMatch(/too old: 360[01] s old.*300 s tolerance/);
    expect(stale.event.idempotency.duplicateOf).toBeNull(); // another endpoint: a first delivery there
  });

  it('Stripe: a timestamp 600 s ahead is "from the future (clock skew)", answered as a bad signature and listed under problems', async () => {
    const secret = 'whsec_stripe_future_secret';
    await call('saveEndpoint', {
      name: 'Stripe ahead',
      path: '/stripe-ahead',
      provider: 'stripe',
      secrets: [secret],
      invalidSignatureResponse: { status: 401 },
    });
    const body = JSON.stringify({ id: 'evt_future', object: 'event', type: 'charge.succeeded' });
    const header = stripeSignature(body, secret, Math.floor(Date.now() / 1000) + 600);
    const ahead = await deliver('/stripe-ahead', body, { 'stripe-signature': header });
    expect(ahead.status).toBe(401);
    expect(ahead.event.signature.status).toBe('future');
    expect(ahead.event.signature.reason).toMatch(
      /from the future \(clock skew\): 60\d s in the future/,
    );
    expect(ahead.event.signature.reason).toContain("Stripe's own SDK");
    expect(ahead.event.signature.reason).not.toMatch(/too old|stale/i);
    const problems = await call<{ items: { id: string }[] }>('listEvents', {
      signatureStatus: ['invalid', 'stale', 'future', 'missing'],
    });
    expect(problems.items.map((e) => e.id)).toContain(ahead.event.id);
  });

  it('GitHub: a real payload signed by octokit is valid; a missing signature is missing', async () => {
    const secret = "It's a Secret to Everybody";
    await call('saveEndpoint', {
      name: 'GitHub',
      path: '/github',
      provider: 'github',
      secrets: [secret],
    });
    const body = fixture('github/push.payload.json');
    const headers = {
      'x-github-event': 'push',
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-hub-signature-256': await githubSign(secret, body),
      'content-type': 'application/json',
    };
    const ok = await deliver('/github', body, headers);
    expect(ok.event.signature.status).toBe('valid');
    expect(ok.event.schema).toMatchObject({ status: 'valid', name: 'GitHub push' });
    expect(ok.event.eventType).toBe('push');
    const { ['x-hub-signature-256']: _sig, ...unsigned } = headers;
    const missing = await deliver('/github', body, { ...unsigned, 'x-github-delivery': 'other' });
    expect(missing.event.signature.status).toBe('missing');
  });

  it("checks the endpoint's own JSON Schema and refuses a broken one at save time", async () => {
    await call('saveEndpoint', {
      name: 'Jobs',
      path: '/jobs',
      jsonSchema: {
        type: 'object',
        required: ['job_id'],
        properties: { job_id: { type: 'string' } },
      },
    });
    const bad = await deliver('/jobs', '{"job_id":42}', { 'content-type': 'application/json' });
    expect(bad.event.schema).toMatchObject({ status: 'invalid', name: 'endpoint JSON Schema' });
    expect(bad.event.schema.issues![0]).toMatch(/job_id/);
    const good = await deliver('/jobs', '{"job_id":"j_1"}', {});
    expect(good.event.schema.status).toBe('valid');

    const res = await s.api('saveEndpoint', {
      name: 'Broken',
      path: '/broken',
      jsonSchema: { type: 'nonsense' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'bad_input', issues: [{ path: ['jsonSchema'] }] },
    });
  });

  it('answers duplicates with the configured duplicate response', async () => {
    await call('saveEndpoint', {
      name: 'Dedup',
      path: '/dedup',
      duplicateResponse: { status: 208, body: 'seen' },
    });
    const first = await fetch(`${s.receiverUrl}/dedup`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'k1' },
      body: 'a',
    });
    expect(first.status).toBe(200);
    const second = await fetch(`${s.receiverUrl}/dedup`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'k1' },
      body: 'b',
    });
    expect(second.status).toBe(208);
    expect(await second.text()).toBe('seen');
  });
});
