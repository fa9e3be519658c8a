import { gzipSync } from 'node:zlib';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { topLevelFields } from '../../src/core/json-fields';
import { rawRequest } from '../helpers/http';
import { startEngine, type TestEngine } from '../helpers/engine';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const secret = 'whsec_large_and_encoded_bodies';

async function engine(): Promise<TestEngine> {
  const t = await startEngine();
  cleanups.push(() => t.stop());
  await t.client.saveEndpoint({
    name: 'Stripe',
    path: '/stripe',
    provider: 'stripe',
    secrets: [secret],
  });
  return t;
}

/** A Stripe event as Stripe orders it: `type` after a large `data`. */
function stripeEvent(id: string, type: string, filler: number): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2024-06-20',
    created: 1_700_000_000,
    data: { object: { id: 'in_1', object: 'invoice', lines: { blob: 'x'.repeat(filler) } } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
}

/** Sends `body` signed by Stripe's SDK over the exact bytes sent. */
async function send(t: TestEngine, body: Buffer, headers: [string, string][] = []) {
  const sig = new Stripe('sk_test_x').webhooks.generateTestHeaderString({
    payload: body.toString('latin1'),
    secret,
  });
  // The SDK signs a string; sign the raw bytes the same way so a gzip body verifies as sent.
  const ts = /t=(\d+)/.exec(sig)![1]!;
  const { createHmac } = await import('node:crypto');
  const v1 = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${ts}.`), body]))
    .digest('hex');
  const res = await rawRequest(t.receiverUrl, {
    path: '/stripe',
    headers: [
      ['Content-Type', 'application/json'],
      ['Stripe-Signature', `t=${ts},v1=${v1}`],
      ...headers,
    ],
    body,
  });
  expect(res.status).toBe(200);
  const { items } = await t.client.listEvents({ limit: 1 });
  return t.client.getEvent({ id: items[0]!.id });
}

describe('a body over 5 MB', () => {
  it('keeps its event type and delivery id (read from its top-level fields) and says its schema was not checked', async () => {
    const t = await engine();
    const body = Buffer.from(stripeEvent('evt_big', 'invoice.paid', 6 * 1024 * 1024));
    const first = await send(t, body);
    expect(first.eventType).toBe('invoice.paid');
    expect(first.signature.status).toBe('valid');
    expect(first.idempotency).toMatchObject({ key: 'evt_big', duplicateOf: null });
    expect(first.idempotency.byBodyHash).toBeFalsy();
    expect(first.schema).toEqual({
      status: 'none',
      issues: ['(root): not checked: the body is larger than 5 MB'],
    });
    // The same event id again, with a different body: a duplicate by its id, not its hash.
    const again = await send(
      t,
      Buffer.from(stripeEvent('evt_big', 'invoice.paid', 6 * 1024 * 1024 + 1)),
    );
    expect(again.idempotency).toMatchObject({ key: 'evt_big', duplicateOf: first.id });
    expect((await t.client.listEvents({ eventType: 'invoice.paid' })).items).toHaveLength(2);
  });
});

describe('a gzip body', () => {
  it('is read decoded for its event type, delivery id, duplicates, the event-type filter and the schema; the signature stays over the raw bytes', async () => {
    const t = await engine();
    const json = stripeEvent('evt_gz', 'customer.created', 10);
    const body = gzipSync(json);
    const first = await send(t, body, [['Content-Encoding', 'gzip']]);
    expect(first.signature.status).toBe('valid');
    expect(first.eventType).toBe('customer.created');
    expect(first.idempotency).toMatchObject({ key: 'evt_gz', source: expect.stringMatching(/id/) });
    expect(first.schema.status).not.toBe('none');
    expect(first.schema.name).toMatch(/stripe/i);
    const again = await send(t, gzipSync(json, { level: 1 }), [['Content-Encoding', 'gzip']]);
    expect(again.idempotency.duplicateOf).toBe(first.id);
    const filtered = await t.client.listEvents({ eventType: 'customer.created' });
    expect(filtered.items.map((e) => e.id).sort()).toEqual([first.id, again.id].sort());
  });

  it('one that decodes past the display cap says its schema was not checked, and why', async () => {
    const t = await engine();
    await t.client.saveEndpoint({
      name: 'Own',
      path: '/own',
      provider: 'stripe',
      jsonSchema: { type: 'object', required: ['id'] },
    });
    const body = gzipSync(stripeEvent('evt_bomb', 'invoice.paid', 8 * 1024 * 1024));
    await rawRequest(t.receiverUrl, {
      path: '/own',
      headers: [['Content-Encoding', 'gzip']],
      body,
    });
    const { items } = await t.client.listEvents({ limit: 1 });
    const e = await t.client.getEvent({ id: items[0]!.id });
    expect(e.eventType).toBeNull(); // its type sits after the part decoded
    expect(e.idempotency.key).toBe('evt_bomb'); // its id is at the start
    expect(e.schema.issues).toEqual([
      expect.stringMatching(/not checked: the body is decoded to more than \d+(\.\d)? MB/),
    ]);
  });
});

describe('topLevelFields', () => {
  it('reads scalar top-level fields from both ends, never nested ones, whatever sits between', () => {
    const body = Buffer.from(
      '{ "id" : "evt_\\"1", "n": 2, "data": {"type":"nested","s":"}\\\\"}, "ok": true,"request":{"id":null}, "type":"a.b" }',
    );
    expect(topLevelFields(body, 30)).toEqual({ id: 'evt_"1', n: 2, type: 'a.b' });
    expect(topLevelFields(body)).toEqual({ id: 'evt_"1', n: 2, ok: true, type: 'a.b' });
    expect(topLevelFields(Buffer.from('[1,2]'))).toBeNull();
    expect(topLevelFields(Buffer.from('{"a":'))).toEqual({});
  });
});
