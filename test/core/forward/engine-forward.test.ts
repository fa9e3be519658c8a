import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../../helpers/http';
import { startEngine, type TestEngine } from '../../helpers/engine';
import { stripeSignature } from '../../helpers/stripe';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A local app on port 0; `handle` decides each answer. */
async function app(handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void) {
  const received: { url: string; headers: Record<string, string>; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ url: req.url!, headers: req.headers as Record<string, string>, body });
      handle(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/**
 * An app checking each delivery with `verify` (which throws to refuse): 200 and 'ok' in
 * `state.verdicts`, or 400 and the error's message; 503 while `state.ok` is false.
 */
async function verifyingApp(
  verify: (req: IncomingMessage, body: Buffer) => void,
  state = { ok: true, verdicts: [] as string[] },
) {
  const target = await app((req, body, res) => {
    if (!state.ok) return res.writeHead(503).end();
    try {
      verify(req, body);
      state.verdicts.push('ok');
      res.writeHead(200).end();
    } catch (err) {
      state.verdicts.push((err as Error).message);
      res.writeHead(400).end();
    }
  });
  return { target, state };
}

async function engine(): Promise<TestEngine> {
  const t = await startEngine({ retry: { baseDelayMs: 10, maxDelayMs: 50, jitter: 0 } });
  cleanups.push(() => t.stop());
  return t;
}

/** Sets forwarding: running unless `paused`, two at a time unless `concurrency`, 2 s timeout. */
function forwarding(
  t: TestEngine,
  f: { paused?: boolean; concurrency?: number; maxAttempts: number },
): Promise<unknown> {
  return t.client.saveSettings({
    forwarding: { paused: false, concurrency: 2, timeoutMs: 2000, ...f },
  });
}

/** Resolves when an attempt for `eventId` matching `pred` is pushed. */
function attempt(t: TestEngine, pred: AttemptPred) {
  return new Promise<void>((resolve) =>
    t.client.on('forward.attempt', (a) => pred(a) && resolve()),
  );
}

type AttemptPred = (a: { status: number | null; attempt: number }) => boolean;

/** Sends `req` to the receiver and waits for a forward attempt matching `settled`; its answer. */
async function deliver(t: TestEngine, req: Parameters<typeof rawRequest>[1], settled: AttemptPred) {
  const done = attempt(t, settled);
  const res = await rawRequest(t.receiverUrl, req);
  await done;
  return res;
}

/** Redrives dead letters and waits for an attempt matching `settled`; the engine's answer. */
async function redrive(
  t: TestEngine,
  input: Parameters<TestEngine['client']['redriveDeadLetters']>[0],
  settled: AttemptPred,
) {
  const done = attempt(t, settled);
  const r = await t.client.redriveDeadLetters(input);
  await done;
  return r;
}

/** The first dead letter listed (the tests here make one at a time). */
async function firstDeadLetter(t: TestEngine) {
  const [letter] = (await t.client.listDeadLetters({})).items;
  return letter!;
}

describe('forwarding through the engine', () => {
  it('forwards live after the ack, retries 503s and ends delivered; attempts show on the event', async () => {
    let calls = 0;
    const target = await app((_req, _b, res) => {
      res.writeHead(++calls < 3 ? 503 : 200);
      res.end(calls < 3 ? 'busy' : 'thanks');
    });
    const t = await engine();
    await t.client.saveEndpoint({
      name: 'App',
      path: '/stripe',
      forwardTo: `${target.url}/webhooks`,
    });
    const res = await deliver(
      t,
      { path: '/stripe/events?x=1', body: '{"id":"evt_1"}' },
      (a) => a.status === 200,
    );
    expect(res.status).toBe(200);
    const { items } = await t.client.listEvents({});
    const e = await t.client.getEvent({ id: items[0]!.id });
    expect(e.forward.status).toBe('ok');
    expect(e.forwards.map((a) => [a.kind, a.attempt, a.status])).toEqual([
      ['live', 1, 503],
      ['live', 2, 503],
      ['live', 3, 200],
    ]);
    expect(e.forwards[2]!.response).toMatchObject({ text: 'thanks', truncated: false });
    expect(target.received.map((r) => r.url)).toEqual([
      '/webhooks/events?x=1',
      '/webhooks/events?x=1',
      '/webhooks/events?x=1',
    ]);
    expect(target.received[0]!.body.toString()).toBe('{"id":"evt_1"}');
  });

  it('dead-letters a delivery the app keeps refusing, lists it, and redrives it once fixed', async () => {
    let ok = false;
    const target = await app((_req, _b, res) => {
      res.writeHead(ok ? 200 : 500);
      res.end();
    });
    const t = await engine();
    await forwarding(t, { maxAttempts: 2 });
    await t.client.saveEndpoint({ id: 'default', name: 'App', path: '/', forwardTo: target.url });
    await deliver(t, { path: '/x', body: 'a' }, (a) => a.attempt === 2);
    const dlq = await t.client.listDeadLetters({});
    expect(dlq.items).toHaveLength(1);
    expect(dlq.items[0]).toMatchObject({
      attempts: 2,
      lastStatus: 500,
      event: { path: '/x', forward: { status: 'dead' } },
    });
    expect((await t.client.listEvents({ forwardStatus: ['dead'] })).items).toHaveLength(1);

    ok = true;
    expect(await redrive(t, { all: true }, (a) => a.status === 200)).toEqual({
      redriven: 1,
      items: [
        {
          id: dlq.items[0]!.id,
          eventId: dlq.items[0]!.eventId,
          targetUrl: `${target.url}/x`,
          refused: null,
          resigned: false,
          warning: null,
        },
      ],
    });
    expect((await t.client.listDeadLetters({})).items).toEqual([]);
    expect((await t.client.getEvent({ id: dlq.items[0]!.eventId })).forward.status).toBe('ok');
  });

  it("redrives to the endpoint's current target (the one fixed after the failure) and says where", async () => {
    const fixed = await app((_req, _b, res) => res.end('ok'));
    // A port that was just free: the first target refuses connections.
    const closed = await app((_req, _b, res) => res.end());
    cleanups.pop()!();
    const t = await engine();
    await forwarding(t, { maxAttempts: 2 });
    const ep = await t.client.saveEndpoint({
      name: 'Shop',
      path: '/shop',
      forwardTo: `${closed.url}/old`,
    });
    await deliver(t, { path: '/shop/orders?x=1', body: 'a' }, (a) => a.attempt === 2);
    const letter = await firstDeadLetter(t);
    expect(letter.targetUrl).toBe(`${closed.url}/old/orders?x=1`);

    await t.client.saveEndpoint({
      id: ep.id,
      name: 'Shop',
      path: '/shop',
      forwardTo: `${fixed.url}/new`,
    });
    expect(await redrive(t, { ids: [letter.id] }, (a) => a.status === 200)).toEqual({
      redriven: 1,
      items: [
        {
          id: letter.id,
          eventId: letter.eventId,
          targetUrl: `${fixed.url}/new/orders?x=1`,
          refused: null,
          resigned: false,
          warning: null,
        },
      ],
    });
    expect(fixed.received.map((r) => r.url)).toEqual(['/new/orders?x=1']);
    const attempts = (await t.client.getEvent({ id: letter.eventId })).forwards;
    expect(attempts.map((a) => [a.kind, a.targetUrl, a.status])).toEqual([
      ['live', `${closed.url}/old/orders?x=1`, null],
      ['live', `${closed.url}/old/orders?x=1`, null],
      ['redrive', `${fixed.url}/new/orders?x=1`, 200],
    ]);
  });

  it("sends queued and retrying forwards to the endpoint's target as fixed while they waited", async () => {
    const fixed = await app((_req, _b, res) => res.end('ok'));
    const failing = await app((_req, _b, res) => res.writeHead(503).end('down'));
    const t = await engine();
    const ep = await t.client.saveEndpoint({
      name: 'Shop',
      path: '/shop',
      forwardTo: `${failing.url}/old`,
    });
    // One retrying: its first attempt got a 503.
    await forwarding(t, { maxAttempts: 50 });
    await deliver(t, { path: '/shop/a', body: 'a' }, (a) => a.status === 503);
    // One queued while forwarding is paused.
    await forwarding(t, { paused: true, maxAttempts: 50 });
    await rawRequest(t.receiverUrl, { path: '/shop/b?x=1', body: 'b' });

    await t.client.saveEndpoint({
      id: ep.id,
      name: 'Shop',
      path: '/shop',
      forwardTo: `${fixed.url}/new`,
    });
    await forwarding(t, { maxAttempts: 50 });
    await expect
      .poll(() => fixed.received.map((r) => r.url).sort())
      .toEqual(['/new/a', '/new/b?x=1']);
    const { items } = await t.client.listEvents({});
    await expect
      .poll(async () => (await t.client.listEvents({})).items.map((e) => e.forward.status))
      .toEqual(['ok', 'ok']);
    const a = await t.client.getEvent({ id: items.find((e) => e.path === '/shop/a')!.id });
    expect(a.forwards.map((f) => [f.targetUrl, f.status]).at(-1)).toEqual([
      `${fixed.url}/new/a`,
      200,
    ]);
    expect(a.forwards[0]).toMatchObject({ targetUrl: `${failing.url}/old/a`, status: 503 });
  });

  it('dead-letters a queued forward whose endpoint has no target any more, saying so (nothing sent)', async () => {
    const target = await app((_req, _b, res) => res.end('ok'));
    const t = await engine();
    await forwarding(t, { paused: true, maxAttempts: 3 });
    const ep = await t.client.saveEndpoint({
      name: 'Shop',
      path: '/shop',
      forwardTo: `${target.url}/hooks`,
    });
    await rawRequest(t.receiverUrl, { path: '/shop/a', body: 'a' });
    await t.client.saveEndpoint({ id: ep.id, name: 'Shop', path: '/shop', forwardTo: null });
    const refused = attempt(t, (a) => a.status === null);
    await forwarding(t, { maxAttempts: 3 });
    await refused;
    const letter = await firstDeadLetter(t);
    expect(letter.lastError).toBe('not sent: endpoint "Shop" has no forward target now');
    expect((await t.client.getEvent({ id: letter.eventId })).forward.status).toBe('dead');
    expect(target.received).toEqual([]);
  });

  it('refuses to redrive (400, nothing queued) when the endpoint has no target now; a refused path stays refused', async () => {
    const target = await app((_req, _b, res) => res.end());
    const t = await engine();
    const ep = await t.client.saveEndpoint({
      name: 'Shop',
      path: '/shop',
      forwardTo: `${target.url}/hooks`,
    });
    await rawRequest(t.receiverUrl, { path: '/shop/%2e%2e/admin', body: 'a' });
    const letter = await firstDeadLetter(t);
    expect(letter.lastError).toMatch(/^refused: the received path \/shop\/%2e%2e\/admin/);

    const again = await t.client.redriveDeadLetters({ all: true });
    expect(again).toEqual({
      redriven: 0,
      items: [
        {
          id: letter.id,
          eventId: letter.eventId,
          targetUrl: `${target.url}/hooks`,
          refused: expect.stringMatching(/^refused: the received path \/shop\/%2e%2e\/admin/),
          resigned: false,
          warning: null,
        },
      ],
    });
    expect((await t.client.listDeadLetters({})).items).toHaveLength(1);

    await t.client.saveEndpoint({ id: ep.id, name: 'Shop', path: '/shop', forwardTo: null });
    await expect(t.client.redriveDeadLetters({ all: true })).rejects.toMatchObject({
      code: 'bad_input',
      message:
        'nothing redriven: endpoint "Shop" has no forward target now; set one (its dead letters then go there), or purge those dead letters',
    });
    expect(target.received).toEqual([]);
    const attempts = (await t.client.getEvent({ id: letter.eventId })).forwards;
    expect(attempts.map((a) => [a.kind, a.status])).toEqual([
      ['live', null],
      ['redrive', null],
    ]);
  });

  it('does not forward duplicates when the endpoint says so', async () => {
    const target = await app((_req, _b, res) => res.end());
    const t = await engine();
    await t.client.saveEndpoint({
      id: 'default',
      name: 'App',
      path: '/',
      forwardTo: target.url,
      forwardDuplicates: false,
    });
    await deliver(t, { headers: [['Idempotency-Key', 'k']], body: 'a' }, () => true);
    await rawRequest(t.receiverUrl, { headers: [['Idempotency-Key', 'k']], body: 'a' });
    const { items } = await t.client.listEvents({});
    expect(items.map((e) => e.forward.status)).toEqual(['none', 'ok']);
    expect(target.received).toHaveLength(1);
  });
});

describe('path confinement', () => {
  it('refuses a received path that would leave the target (any spelling): recorded, dead-lettered at once, nothing sent', async () => {
    const target = await app((_req, _b, res) => res.end('ok'));
    const t = await engine();
    await t.client.saveEndpoint({
      name: 'Stripe',
      path: '/stripe',
      forwardTo: `${target.url}/webhooks`,
    });
    const hostile = [
      '/stripe/../../admin/delete-all',
      '/stripe/%2e%2e/%2e%2e/admin/delete-all',
      '/stripe/%2E./admin',
      '/stripe/..%5c..%5cadmin',
      '/stripe/..\\..\\admin',
      '/stripe/a%2f..%2f..%2fadmin',
      '/stripe/%252e%252e/admin',
      '/stripe/..;/admin',
      '/stripe/a%00b',
    ];
    const announced: string[] = [];
    t.client.on('forward.attempt', (a) => announced.push(a.error ?? ''));
    for (const path of hostile) {
      const res = await rawRequest(t.receiverUrl, {
        method: 'DELETE',
        path,
        headers: [
          ['Authorization', 'Bearer sender'],
          ['Cookie', 'session=admin'],
        ],
        body: '{}',
      });
      expect(res.status, path).toBe(200); // stored and acked as before
    }
    const { items } = await t.client.listEvents({});
    expect(items).toHaveLength(hostile.length);
    expect(items.map((e) => e.forward.status)).toEqual(hostile.map(() => 'dead'));
    const dead = await t.client.listDeadLetters({});
    expect(dead.items).toHaveLength(hostile.length);
    const first = items.find((e) => e.path === hostile[0])!;
    const detail = await t.client.getEvent({ id: first.id });
    expect(detail.forwards).toEqual([
      expect.objectContaining({
        kind: 'live',
        status: null,
        targetUrl: `${target.url}/webhooks`,
        error:
          'refused: the received path /stripe/../../admin/delete-all would leave the forward target\'s path /webhooks (dot segment "..")',
        response: null,
      }),
    ]);
    await expect.poll(() => announced.length).toBe(hostile.length);
    expect(announced.every((e) => e.startsWith('refused: the received path /stripe/'))).toBe(true);

    // A plain path still goes through, with Authorization and without the sender's Cookie.
    await deliver(
      t,
      {
        path: '/stripe/events/1',
        headers: [
          ['Authorization', 'Bearer sender'],
          ['Cookie', 'session=admin'],
        ],
        body: '{}',
      },
      (a) => a.status === 200,
    );
    expect(target.received.map((r) => r.url)).toEqual(['/webhooks/events/1']);
    expect(target.received[0]!.headers.authorization).toBe('Bearer sender');
    expect(target.received[0]!.headers.cookie).toBeUndefined();
  });
});

describe('redrive with re-signing', () => {
  const stripeSecret = 'whsec_redrive_secret_for_stripe_tests';

  /** An app verifying with Stripe's SDK (default tolerance 300 s); 503 until `ok`. */
  async function stripeApp() {
    const stripe = new Stripe('sk_test_x');
    return verifyingApp(
      (req, body) =>
        stripe.webhooks.constructEvent(
          body.toString(),
          req.headers['stripe-signature'] as string,
          stripeSecret,
        ),
      { ok: false, verdicts: [] },
    );
  }

  /** An engine forwarding one at a time, one attempt, from a Stripe endpoint at /stripe to `stripeApp()`. */
  async function stripeEngine(endpoint: { secrets?: string[]; toleranceSec?: number }) {
    const { target, state } = await stripeApp();
    const t = await engine();
    await forwarding(t, { concurrency: 1, maxAttempts: 1 });
    await t.client.saveEndpoint({
      name: 'Stripe',
      path: '/stripe',
      provider: 'stripe',
      ...endpoint,
      forwardTo: target.url,
    });
    return { target, state, t };
  }

  /** A Stripe delivery signed by Stripe's SDK 10 minutes ago, dead-lettered at once. */
  async function deadStripeDelivery(t: TestEngine, path: string) {
    const body = '{"id":"evt_redrive","object":"event","type":"invoice.paid"}';
    const header = stripeSignature(body, stripeSecret, Math.floor(Date.now() / 1000) - 600);
    await deliver(
      t,
      { path, headers: [['Stripe-Signature', header]], body },
      (a) => a.attempt === 1,
    );
    return firstDeadLetter(t);
  }

  it("signs each attempt again with the endpoint's secret, so Stripe's SDK accepts a 10-minute-old delivery", async () => {
    const { target, state, t } = await stripeEngine({ secrets: [stripeSecret] });
    const letter = await deadStripeDelivery(t, '/stripe/hook');
    expect(letter.resign).toEqual({ possible: true, why: null });
    expect((await t.client.getEvent({ id: letter.eventId })).deadLetterResign).toEqual({
      possible: true,
      why: null,
    });
    state.ok = true;

    // As it is: the app's SDK refuses the old timestamp, and the answer warned about it.
    const plain = await redrive(t, { ids: [letter.id] }, (a) => a.attempt === 1);
    expect(plain.items[0]).toMatchObject({ resigned: false });
    expect(plain.items[0]!.warning).toBe(
      'sent with its original signature, which may be stale: Stripe accepts a signature for 300 s after it was made (the tolerance); redrive with re-signing to sign it again',
    );
    expect(state.verdicts[0]).toMatch(/timestamp outside the tolerance zone/i);

    // Re-signed at send time: accepted.
    const again = await firstDeadLetter(t);
    const resigned = await redrive(t, { ids: [again.id], resign: true }, (a) => a.status === 200);
    expect(resigned).toMatchObject({ redriven: 1, items: [{ resigned: true, warning: null }] });
    expect(state.verdicts).toEqual([expect.any(String), 'ok']);
    expect(target.received[2]!.body.toString()).toBe(target.received[0]!.body.toString());
    expect((await t.client.getEvent({ id: letter.eventId })).forward.status).toBe('ok');
  });

  it('never re-signs a delivery whose signature did not verify: a forged body keeps its forged signature', async () => {
    const { target, state, t } = await stripeEngine({ secrets: [stripeSecret] });
    // A stranger's body with a made-up signature: stored as invalid, forwarded, dead-lettered.
    const forged = '{"id":"evt_forged","object":"event","type":"payment_intent.succeeded"}';
    await deliver(
      t,
      {
        path: '/stripe/hook',
        headers: [['Stripe-Signature', `t=${Math.floor(Date.now() / 1000)},v1=${'ab'.repeat(32)}`]],
        body: forged,
      },
      (a) => a.attempt === 1,
    );
    const letter = await firstDeadLetter(t);
    expect(letter.resign).toEqual({
      possible: false,
      why: 'its signature was not verified when it arrived (invalid signature): only a delivery Hookscope verified is signed again, so a forged body never gets a real signature',
    });
    state.ok = true;
    const r = await redrive(t, { all: true, resign: true }, (a) => a.attempt === 1);
    expect(r.items[0]).toMatchObject({ resigned: false });
    // Its warning is that it was never verified, not that a valid signature may be stale.
    expect(r.items[0]!.warning).toMatch(
      /^sent as it arrived, not signed again: its signature was not verified/,
    );
    expect(r.items[0]!.warning).not.toMatch(/stale|tolerance/);
    // The app got the forged signature as sent, and its SDK refused it.
    expect(target.received[1]!.headers['stripe-signature']).toBe(
      target.received[0]!.headers['stripe-signature'],
    );
    expect(state.verdicts.at(-1)).toMatch(/signature/i);
  });

  it('where it cannot re-sign (no secret), says the original signature may be stale, naming the tolerance', async () => {
    const { target, state, t } = await stripeEngine({ toleranceSec: 120 });
    const letter = await deadStripeDelivery(t, '/stripe/hook');
    expect(letter.resign).toEqual({ possible: false, why: 'endpoint "Stripe" has no secret' });
    state.ok = true;
    const r = await redrive(t, { all: true, resign: true }, (a) => a.attempt === 1);
    expect(r.items[0]).toMatchObject({
      resigned: false,
      warning:
        'sent with its original signature, which may be stale: Stripe accepts a signature for 120 s after it was made (the tolerance); it cannot be re-signed: endpoint "Stripe" has no secret',
    });
    expect(target.received[1]!.headers['stripe-signature']).toBe(
      target.received[0]!.headers['stripe-signature'],
    );
  });
});

describe('replay', () => {
  const secret = 'whsec_' + Buffer.from('replay-secret-of-thirty-two-byte').toString('base64');

  it('re-signs a 10-minute-old Standard Webhooks event so the official verifier accepts it', async () => {
    const wh = new Webhook(secret);
    const { target, state } = await verifyingApp((req, body) =>
      wh.verify(body.toString(), req.headers as Record<string, string>),
    );
    const t = await engine();
    await t.client.saveEndpoint({
      name: 'OpenAI',
      path: '/openai',
      provider: 'openai',
      secrets: [secret],
      forwardTo: target.url,
    });
    await forwarding(t, { paused: true, concurrency: 1, maxAttempts: 1 });
    const body =
      '{"id":"evt_old","object":"event","created_at":1,"type":"batch.completed","data":{"id":"batch_1"}}';
    const old = new Date(Date.now() - 10 * 60_000);
    await rawRequest(t.receiverUrl, {
      path: '/openai',
      headers: [
        ['webhook-id', 'msg_original'],
        ['webhook-timestamp', String(Math.floor(old.getTime() / 1000))],
        ['webhook-signature', wh.sign('msg_original', old, body)],
      ],
      body,
    });
    const { items } = await t.client.listEvents({});
    const id = items[0]!.id;
    expect(items[0]!.signature.status).toBe('stale');

    const plain = await t.client.replayEvent({ id });
    expect(plain.status).toBe(400); // the app rejects the old timestamp
    const resigned = await t.client.replayEvent({ id, resign: true });
    expect(resigned).toMatchObject({ kind: 'replay', status: 200 });
    expect(target.received[1]!.headers['webhook-id']).toBe('msg_original');
    const fresh = await t.client.replayEvent({ id, resign: true, newDeliveryId: true });
    expect(fresh.status).toBe(200);
    expect(target.received[2]!.headers['webhook-id']).not.toBe('msg_original');
    expect(state.verdicts).toEqual([expect.stringMatching(/too old/i), 'ok', 'ok']);
    const detail = await t.client.getEvent({ id });
    expect(detail.forwards.map((a) => [a.kind, a.status])).toEqual([
      ['replay', 400],
      ['replay', 200],
      ['replay', 200],
    ]);
  });

  it("a new delivery id replaces every delivery-id header of the catalogue (Shopify's new spelling too)", async () => {
    const target = await app((_req, _body, res) => res.writeHead(200).end());
    const t = await engine();
    await t.client.saveEndpoint({
      name: 'Shopify',
      path: '/shop',
      provider: 'shopify',
      secrets: ['shpss_key'],
      forwardTo: target.url,
    });
    const body = '{"id":1}';
    await rawRequest(t.receiverUrl, {
      path: '/shop',
      headers: [
        ['Shopify-Hmac-Sha256', createHmac('sha256', 'shpss_key').update(body).digest('base64')],
        ['Shopify-Webhook-Id', 'wh_original'],
        ['Shopify-Topic', 'orders/create'],
      ],
      body,
    });
    const { items } = await t.client.listEvents({});
    expect(items[0]!.signature.status).toBe('valid');
    const fresh = await t.client.replayEvent({ id: items[0]!.id, newDeliveryId: true });
    expect(fresh.status).toBe(200);
    const sent = target.received.at(-1)!.headers;
    expect(sent['shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent['shopify-topic']).toBe('orders/create');
  });

  it('re-signs an edited Stripe event so constructEvent accepts it', async () => {
    const stripeSecret = 'whsec_stripe_replay';
    const stripe = new Stripe('sk_test_x');
    const seen: string[] = [];
    const { target } = await verifyingApp((req, body) => {
      const ev = stripe.webhooks.constructEvent(
        body,
        req.headers['stripe-signature'] as string,
        stripeSecret,
      );
      seen.push(ev.type);
    });
    const t = await engine();
    await t.client.saveEndpoint({
      id: 'default',
      name: 'Stripe',
      path: '/',
      provider: 'stripe',
      secrets: [stripeSecret],
    });
    const body = JSON.stringify({
      id: 'evt_1',
      object: 'event',
      type: 'charge.succeeded',
      data: { object: {} },
    });
    const header = stripeSignature(body, stripeSecret, Math.floor(Date.now() / 1000) - 3600);
    await rawRequest(t.receiverUrl, { headers: [['Stripe-Signature', header]], body });
    const { items } = await t.client.listEvents({});
    const edited = body.replace('charge.succeeded', 'charge.refunded');
    const r = await t.client.replayEvent({
      id: items[0]!.id,
      targetUrl: target.url,
      resign: true,
      edits: { body: edited },
    });
    expect(r.status).toBe(200);
    expect(seen).toEqual(['charge.refunded']);
  });

  it('says clearly when there is nowhere to send or nothing to sign with', async () => {
    const t = await engine();
    await rawRequest(t.receiverUrl, { body: 'x' });
    const { items } = await t.client.listEvents({});
    await expect(t.client.replayEvent({ id: items[0]!.id })).rejects.toMatchObject({
      code: 'bad_input',
      message: expect.stringMatching(/nowhere to send it/),
    });
    await expect(
      t.client.replayEvent({ id: items[0]!.id, targetUrl: 'http://127.0.0.1:9/', resign: true }),
    ).rejects.toMatchObject({
      code: 'bad_input',
      message: expect.stringMatching(/cannot re-sign/),
    });
    await expect(
      t.client.replayEvent({ id: 'nope', targetUrl: 'http://127.0.0.1:9/' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('replay: where it goes and what it refuses', () => {
  it('takes targetUrl as a base like a forward target: the (edited) path after the endpoint prefix and the query go under it', async () => {
    const target = await app((_req, _b, res) => res.end());
    const t = await engine();
    await t.client.saveEndpoint({
      name: 'Stripe',
      path: '/stripe',
      forwardTo: `${target.url}/webhooks`,
    });
    await forwarding(t, { paused: true, concurrency: 1, maxAttempts: 1 });
    await rawRequest(t.receiverUrl, { path: '/stripe/events?x=1', body: '{}' });
    const [e] = (await t.client.listEvents({})).items;
    const sent = [
      await t.client.replayEvent({ id: e!.id }),
      await t.client.replayEvent({ id: e!.id, targetUrl: `${target.url}/other` }),
      await t.client.replayEvent({
        id: e!.id,
        targetUrl: `${target.url}/other`,
        edits: { path: '/stripe/edited/1' },
      }),
      await t.client.replayEvent({ id: e!.id, edits: { path: '/stripe' } }),
    ];
    expect(sent.map((a) => a.targetUrl)).toEqual([
      `${target.url}/webhooks/events?x=1`,
      `${target.url}/other/events?x=1`,
      `${target.url}/other/edited/1?x=1`,
      `${target.url}/webhooks?x=1`,
    ]);
    expect(target.received.map((r) => r.url)).toEqual([
      '/webhooks/events?x=1',
      '/other/events?x=1',
      '/other/edited/1?x=1',
      '/webhooks?x=1',
    ]);
  });

  it('records a refused attempt for a stored path that would leave the target; refuses such an edited path with 400', async () => {
    const target = await app((_req, _b, res) => res.end());
    const t = await engine();
    await t.client.saveEndpoint({ name: 'Stripe', path: '/stripe' });
    await rawRequest(t.receiverUrl, { path: '/stripe/%2e%2e/admin', body: '{}' });
    await rawRequest(t.receiverUrl, { path: '/stripe/ok', body: '{}' });
    const [ok, hostile] = (await t.client.listEvents({})).items;
    const refused = await t.client.replayEvent({
      id: hostile!.id,
      targetUrl: `${target.url}/app`,
    });
    expect(refused).toMatchObject({
      kind: 'replay',
      status: null,
      targetUrl: `${target.url}/app`,
      error:
        'refused: the received path /stripe/%2e%2e/admin would leave the replay target\'s path /app (dot segment "%2e%2e")',
    });
    expect((await t.client.getEvent({ id: hostile!.id })).forwards).toHaveLength(1);
    for (const path of ['/stripe/../admin', '/other/x', '/stripe/%5cadmin']) {
      await expect(
        t.client.replayEvent({ id: ok!.id, targetUrl: `${target.url}/app`, edits: { path } }),
      ).rejects.toMatchObject({
        code: 'bad_input',
        message: expect.stringMatching(/^refused: the edited path /),
        issues: [{ path: ['edits', 'path'], message: expect.stringMatching(/^refused: /) }],
      });
    }
    expect(target.received).toEqual([]);
  });

  it('answers 400 naming the field for a method or header edit that cannot be sent', async () => {
    const t = await engine();
    await rawRequest(t.receiverUrl, { body: '{}' });
    const [e] = (await t.client.listEvents({})).items;
    const bad: [unknown, (string | number)[]][] = [
      [{ method: 'GE T' }, ['edits', 'method']],
      [{ method: 'POST\r\nX: 1' }, ['edits', 'method']],
      [{ headers: [['X-A', 'line\r\nX-Injected: 1']] }, ['edits', 'headers', 0, 1]],
      [{ headers: [['X-A', 'nul\u0000']] }, ['edits', 'headers', 0, 1]],
      [{ headers: [['X-A', 'euro €']] }, ['edits', 'headers', 0, 1]],
      [{ headers: [['Bad Name', 'v']] }, ['edits', 'headers', 0, 0]],
      [{ headers: [['', 'v']] }, ['edits', 'headers', 0, 0]],
      [{ path: 'no-slash' }, ['edits', 'path']],
      [{ path: '/x?y=1' }, ['edits', 'path']],
    ];
    for (const [edits, field] of bad) {
      await expect(
        t.client.replayEvent({
          id: e!.id,
          targetUrl: 'http://127.0.0.1:9/',
          edits: edits as { method?: string },
        }),
        JSON.stringify(edits),
      ).rejects.toMatchObject({ code: 'bad_input', issues: [{ path: field }] });
    }
  });
});

describe('bulk replay', () => {
  it('replays a selection oldest first, whatever order the ids come in', async () => {
    const target = await app((_req, _b, res) => res.end());
    const t = await engine();
    for (const p of ['/1', '/2', '/3']) await rawRequest(t.receiverUrl, { path: p, body: p });
    const ids = (await t.client.listEvents({})).items.map((e) => e.id); // newest first
    const { items } = await t.client.replayEvents({ ids, targetUrl: target.url });
    expect(items.map((a) => [a.kind, a.status])).toEqual([
      ['replay', 200],
      ['replay', 200],
      ['replay', 200],
    ]);
    expect(target.received.map((r) => r.body.toString())).toEqual(['/1', '/2', '/3']);
  });
});

describe('re-signing a body-timestamped scheme', () => {
  it('moves Linear’s webhookTimestamp to now, so a 10-minute-old event is no longer stale', async () => {
    const { linear } = await import('../../../src/core/signatures/linear');
    const { HeaderBag } = await import('../../../src/core/signatures/headers');
    const secret = 'lin_wh_secret';
    const verdicts: string[] = [];
    const target = await app((req, body, res) => {
      const headers = Object.entries(req.headers).map(
        ([n, v]) => [n, String(v)] as [string, string],
      );
      const v = linear.verify(
        { method: 'POST', path: '/', query: '', headers, body, url: 'http://x/' },
        new HeaderBag(headers),
        { secrets: [secret], now: Date.now(), toleranceSec: 60, hmac: null },
      );
      verdicts.push(v.status);
      res.end();
    });
    const t = await engine();
    await t.client.saveEndpoint({
      id: 'default',
      name: 'Linear',
      path: '/',
      provider: 'linear',
      secrets: [secret],
    });
    const old = Date.now() - 10 * 60_000;
    const body = `{"action":"create","type":"Issue","data":{"id":"i1"},"webhookTimestamp":${old}}`;
    await rawRequest(t.receiverUrl, {
      headers: [
        [
          'Linear-Signature',
          linear.sign(
            { method: 'POST', path: '/', query: '', headers: [], body: Buffer.from(body), url: '' },
            secret,
            old,
            null,
          )[0]![1],
        ],
      ],
      body,
    });
    const [e] = (await t.client.listEvents({})).items;
    expect(e!.signature.status).toBe('stale');
    await t.client.replayEvent({ id: e!.id, targetUrl: target.url });
    await t.client.replayEvent({ id: e!.id, targetUrl: target.url, resign: true });
    expect(verdicts).toEqual(['stale', 'valid']);
    expect(target.received[1]!.body.toString()).toMatch(
      /^\{"action":"create","type":"Issue","data":\{"id":"i1"\},"webhookTimestamp":\d+\}$/,
    );
  });
});
