import { wholeDetail } from '../../src/shared/event-body';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventDetail } from '../../src/shared/model';
import { startEngine, type TestEngine } from '../helpers/engine';
import { stripeSignature } from '../helpers/stripe';

const secret = 'whsec_' + Buffer.from('duplicates-test-secret-32-bytes!').toString('base64');

let t: TestEngine;
beforeEach(async () => {
  t = await startEngine();
});
afterEach(() => t.stop());

/** POSTs to the receiver and returns the answer's status and the stored event. */
async function post(
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; event: EventDetail }> {
  const res = await fetch(`${t.receiverUrl}${path}`, { method: 'POST', body, headers });
  await res.text();
  const { items } = await t.client.listEvents({ limit: 1 });
  return {
    status: res.status,
    event: await wholeDetail(t.client, await t.client.getEvent({ id: items[0]!.id })),
  };
}

describe('duplicate detection', () => {
  it('a body hash matches only on the same path: the same body on three paths is three first deliveries', async () => {
    const body = '{"status":"ok"}';
    const firsts = [await post('/a', body), await post('/b', body), await post('/c', body)];
    for (const { event } of firsts) {
      expect(event.idempotency).toMatchObject({
        duplicateOf: null,
        deliveryCount: 1,
        source: 'body hash',
        byBodyHash: true,
      });
    }
    expect(firsts[0]!.event.idempotency.key).toMatch(/^sha256:[0-9a-f]{64} on \/a$/);

    const again = await post('/a', body);
    expect(again.event.idempotency).toMatchObject({
      duplicateOf: firsts[0]!.event.id,
      deliveryCount: 2,
      byBodyHash: true,
    });
    const { items } = await t.client.listEvents({ duplicatesOnly: true });
    expect(items.map((e) => [e.id, e.idempotency.byBodyHash])).toEqual([[again.event.id, true]]);
  });

  it('a delivery id or Idempotency-Key matches across paths of the endpoint: a retry, not "same body"', async () => {
    const first = await post('/x', 'one', { 'Idempotency-Key': 'order-7' });
    const retry = await post('/y', 'two', { 'Idempotency-Key': 'order-7' });
    expect(retry.event.idempotency).toMatchObject({
      duplicateOf: first.event.id,
      deliveryCount: 2,
      source: 'Idempotency-Key header',
    });
    expect(retry.event.idempotency.byBodyHash).toBeUndefined();

    await t.client.saveEndpoint({
      name: 'Stripe',
      path: '/s',
      provider: 'stripe',
      secrets: [secret],
    });
    const evt = JSON.stringify({ id: 'evt_same', type: 'charge.succeeded' });
    const signed = (): Record<string, string> => ({
      'Stripe-Signature': stripeSignature(evt, secret),
    });
    const stripeFirst = await post('/s/1', evt, signed());
    const stripeAgain = await post('/s/2', evt, signed());
    expect(stripeAgain.event.idempotency).toMatchObject({
      duplicateOf: stripeFirst.event.id,
      source: 'body.id',
    });
  });

  it('a forged delivery that guesses an id first does not make the real one a duplicate', async () => {
    await t.client.saveEndpoint({
      name: 'Stripe',
      path: '/s',
      provider: 'stripe',
      secrets: [secret],
      duplicateResponse: { status: 409 },
    });
    const evt = JSON.stringify({ id: 'evt_guessed', type: 'charge.succeeded' });
    const forged = await post('/s', evt, {
      'Stripe-Signature': `t=${Math.floor(Date.now() / 1000)},v1=00`,
    });
    expect(forged.event.signature.status).toBe('invalid');
    const real = await post('/s', evt, {
      'Stripe-Signature': stripeSignature(evt, secret),
    });
    expect(real.status).toBe(200);
    expect(real.event.idempotency).toMatchObject({ duplicateOf: null, deliveryCount: 1 });
  });

  it('the duplicate response and forwarding options apply to same-body matches too', async () => {
    await t.client.saveEndpoint({
      name: 'Dedup',
      path: '/dedup',
      duplicateResponse: { status: 208 },
    });
    expect((await post('/dedup', 'same')).status).toBe(200);
    expect((await post('/dedup', 'same')).status).toBe(208);
    expect((await post('/dedup/other', 'same')).status).toBe(200);
  });
});

describe('an unsigned delivery on an endpoint with a secret', () => {
  it('cannot claim a delivery id: the signed one with that id is still the first, answered and forwarded', async () => {
    await t.client.saveEndpoint({
      name: 'Auto',
      path: '/auto',
      secrets: [secret],
      duplicateResponse: { status: 299 },
    });
    const guessed = await post('/auto', '{"id":"evt_other"}', { 'Idempotency-Key': 'evt_A1' });
    expect(guessed.event.signature.status).toBe('none');
    const evt = '{"id":"evt_A1","object":"event","type":"invoice.paid"}';
    const real = await post('/auto', evt, {
      'Stripe-Signature': stripeSignature(evt, secret),
    });
    expect(real.event.signature.status).toBe('valid');
    expect(real.status).toBe(200);
    expect(real.event.idempotency).toMatchObject({ duplicateOf: null, deliveryCount: 1 });
  });
});
