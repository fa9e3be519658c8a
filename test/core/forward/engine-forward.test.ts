import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../../helpers/http';
import { startEngine, type TestEngine } from '../../helpers/engine';

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

async function engine(): Promise<TestEngine> {
  const t = await startEngine({ retry: { baseDelayMs: 10, maxDelayMs: 50, jitter: 0 } });
  cleanups.push(() => t.stop());
  return t;
}

/** Resolves when an attempt for `eventId` matching `pred` is pushed. */
function attempt(t: TestEngine, pred: (a: { status: number | null; attempt: number }) => boolean) {
  return new Promise<void>((resolve) =>
    t.client.on('forward.attempt', (a) => pred(a) && resolve()),
  );
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
    const done = attempt(t, (a) => a.status === 200);
    const res = await rawRequest(t.receiverUrl, {
      path: '/stripe/events?x=1',
      body: '{"id":"evt_1"}',
    });
    expect(res.status).toBe(200);
    await done;
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
    await t.client.saveSettings({
      forwarding: { paused: false, concurrency: 2, timeoutMs: 2000, maxAttempts: 2 },
    });
    await t.client.saveEndpoint({ id: 'default', name: 'App', path: '/', forwardTo: target.url });
    const dead = attempt(t, (a) => a.attempt === 2);
    await rawRequest(t.receiverUrl, { path: '/x', body: 'a' });
    await dead;
    const dlq = await t.client.listDeadLetters({});
    expect(dlq.items).toHaveLength(1);
    expect(dlq.items[0]).toMatchObject({
      attempts: 2,
      lastStatus: 500,
      event: { path: '/x', forward: { status: 'dead' } },
    });
    expect((await t.client.listEvents({ forwardStatus: ['dead'] })).items).toHaveLength(1);

    ok = true;
    const delivered = attempt(t, (a) => a.status === 200);
    expect(await t.client.redriveDeadLetters({ all: true })).toEqual({ redriven: 1 });
    await delivered;
    expect((await t.client.listDeadLetters({})).items).toEqual([]);
    expect((await t.client.getEvent({ id: dlq.items[0]!.eventId })).forward.status).toBe('ok');
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
    const first = attempt(t, () => true);
    await rawRequest(t.receiverUrl, { headers: [['Idempotency-Key', 'k']], body: 'a' });
    await first;
    await rawRequest(t.receiverUrl, { headers: [['Idempotency-Key', 'k']], body: 'a' });
    const { items } = await t.client.listEvents({});
    expect(items.map((e) => e.forward.status)).toEqual(['none', 'ok']);
    expect(target.received).toHaveLength(1);
  });
});

describe('replay', () => {
  const secret = 'whsec_' + Buffer.from('replay-secret-of-thirty-two-byte').toString('base64');

  it('re-signs a 10-minute-old Standard Webhooks event so the official verifier accepts it', async () => {
    const wh = new Webhook(secret);
    const verdicts: string[] = [];
    const target = await app((req, body, res) => {
      try {
        wh.verify(body.toString(), req.headers as Record<string, string>);
        verdicts.push('ok');
        res.writeHead(200);
      } catch (err) {
        verdicts.push((err as Error).message);
        res.writeHead(400);
      }
      res.end();
    });
    const t = await engine();
    await t.client.saveEndpoint({
      name: 'OpenAI',
      path: '/openai',
      provider: 'openai',
      secrets: [secret],
      forwardTo: target.url,
    });
    await t.client.saveSettings({
      forwarding: { paused: true, concurrency: 1, timeoutMs: 2000, maxAttempts: 1 },
    });
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
    expect(verdicts).toEqual([expect.stringMatching(/too old/i), 'ok', 'ok']);
    const detail = await t.client.getEvent({ id });
    expect(detail.forwards.map((a) => [a.kind, a.status])).toEqual([
      ['replay', 400],
      ['replay', 200],
      ['replay', 200],
    ]);
  });

  it('re-signs an edited Stripe event so constructEvent accepts it', async () => {
    const stripeSecret = 'whsec_stripe_replay';
    const stripe = new Stripe('sk_test_x');
    const seen: string[] = [];
    const target = await app((req, body, res) => {
      try {
        const ev = stripe.webhooks.constructEvent(
          body,
          req.headers['stripe-signature'] as string,
          stripeSecret,
        );
        seen.push(ev.type);
        res.writeHead(200);
      } catch {
        res.writeHead(400);
      }
      res.end();
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
    const header = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: stripeSecret,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
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
