import Stripe from 'stripe';

const sdk = new Stripe('sk_test_x');

/**
 * The Stripe-Signature header Stripe's own SDK makes for `payload` with `secret`, signed at
 * `timestamp` (Unix seconds), or now.
 */
export function stripeSignature(payload: string, secret: string, timestamp?: number): string {
  return sdk.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

/** A `charge.succeeded` event as Stripe sends it, with the event id `id`. */
export function stripeChargeEvent(id: string): string {
  return JSON.stringify({
    id,
    object: 'event',
    type: 'charge.succeeded',
    api_version: '2024-06-20',
    created: 1,
    data: { object: {} },
    livemode: false,
    pending_webhooks: 1,
    request: null,
  });
}
