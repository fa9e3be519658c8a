import Stripe from 'stripe';
import { stripe } from '../../../../src/core/signatures/stripe';
import { header, withHeader, type VerdictFixture } from '../verdict-suite';
import { input, NOW } from '../helpers';

export const client = new Stripe('sk_test_hookscope');
export const secret = 'whsec_test_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6';
export const other = 'whsec_test_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz';
export const body = JSON.stringify(
  {
    id: 'evt_1QabcDEFghiJKLmn',
    object: 'event',
    type: 'payment_intent.succeeded',
    created: NOW / 1000,
    data: { object: { id: 'pi_1', object: 'payment_intent', amount: 2000, currency: 'eur' } },
  },
  null,
  2,
);

/** A delivery signed by stripe-node's own test helper. */
export function signed(at: number, which: 'secret' | 'other' = 'secret') {
  const sig = client.webhooks.generateTestHeaderString({
    payload: body,
    secret: which === 'secret' ? secret : other,
    timestamp: Math.floor(at / 1000),
  });
  return input({
    body,
    headers: [
      ['Stripe-Signature', sig],
      ['Content-Type', 'application/json'],
    ],
  });
}

/** The shared verdict suite's fixture: deliveries signed independently of the scheme. */
export const fixture: VerdictFixture = {
  scheme: stripe,
  secret,
  other,
  signed,
  unsign: (req) => withHeader(req, 'stripe-signature', null),
  malformed: {
    make: (req) => withHeader(req, 'Stripe-Signature', 't=yesterday,v1=abc'),
    reason: 't= must be Unix seconds',
  },
  extraSignature: (req) => {
    const h = header(req, 'stripe-signature');
    const [t, v1] = h.split(',');
    return withHeader(
      req,
      'Stripe-Signature',
      `${t},v1=${'0'.repeat(64)},${v1},v0=${'f'.repeat(64)}`,
    );
  },
};
