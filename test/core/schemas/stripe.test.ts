import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../../src/core/schemas';
import { clone } from './helpers';

const check = (json: unknown) => checkSchema('stripe', json);

/** A payment_intent.succeeded event as Stripe sends it (data.object trimmed). */
const event: Stripe.EventBase = {
  id: 'evt_3QfEXAMPLE0000000000001',
  object: 'event',
  api_version: '2025-09-30.clover',
  created: 1764200000,
  data: {
    object: {
      id: 'pi_3QfEXAMPLE0000000000001',
      object: 'payment_intent',
      amount: 2000,
      currency: 'usd',
      status: 'succeeded',
      livemode: false,
      metadata: {},
    },
  },
  livemode: false,
  pending_webhooks: 1,
  request: { id: 'req_EXAMPLE0001', idempotency_key: 'b5a9f3a0-6d1e-4f8e-9c43-1f4b8d2e7a10' },
  type: 'payment_intent.succeeded',
};

describe('Stripe schema', () => {
  it('accepts a realistic event typed as the SDK event', () => {
    expect(check(clone(event))).toEqual({ status: 'valid', name: 'Stripe event' });
  });

  it('accepts what the SDK itself parses from a signed delivery', () => {
    const stripe = new Stripe('sk_test_not_used');
    const secret = 'whsec_test_secret';
    const payload = JSON.stringify(event);
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
    const parsed = stripe.webhooks.constructEvent(payload, header, secret);
    expect(check(parsed)).toEqual({ status: 'valid', name: 'Stripe event' });
  });

  it('accepts automatic events, *.updated events, Connect events and old request ids', () => {
    const automatic = { ...clone(event), request: { id: null, idempotency_key: null } };
    const updated = clone(event);
    updated.type = 'customer.updated';
    updated.data.previous_attributes = { email: 'old@example.com' };
    const connect = { ...clone(event), account: 'acct_1EXAMPLE', context: 'acct_1EXAMPLE' };
    const old = { ...clone(event), api_version: '2017-02-14', request: 'req_old' };
    const noVersion = { ...clone(event), api_version: null, request: null };
    for (const e of [automatic, updated, connect, old, noVersion]) {
      expect(check(e).status).toBe('valid');
    }
  });

  it('reports a missing id and wrong field types with their paths', () => {
    const { id: _id, ...noId } = event;
    expect(check(noId)).toEqual({
      status: 'invalid',
      name: 'Stripe event',
      issues: ['id: required, expected string'],
    });
    const bad = { ...clone(event), livemode: 'false', data: { object: 'pi_1' } };
    expect(check(bad).issues).toEqual([
      'data.object: expected object, received string',
      'livemode: expected boolean, received string',
    ]);
  });

  it('checks v2 event notifications ("thin" events) against their own envelope', () => {
    const thin = {
      id: 'evt_test_65R9Ijk8nfmZnBvQ0BP16R9Ijk8nfmZnB',
      object: 'v2.core.event',
      type: 'v1.billing.meter.error_report_triggered',
      livemode: false,
      created: '2024-09-17T06:20:52.246Z',
      related_object: {
        id: 'mtr_test_1',
        type: 'billing.meter',
        url: '/v1/billing/meters/mtr_test_1',
      },
    };
    expect(check(thin)).toEqual({ status: 'valid', name: 'Stripe event notification' });
    expect(check({ ...thin, created: 1726553652 }).issues).toEqual([
      'created: expected string, received number',
    ]);
  });
});
