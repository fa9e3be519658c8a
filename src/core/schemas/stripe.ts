import { z } from 'zod';
import { checkWithZod, isObject, type SchemaResult } from './issues';

// Stripe's event envelopes, after the stripe SDK (23.1) types: `EventBase` in
// node_modules/stripe/esm/resources/Events.d.ts (snapshot events) and in
// resources/V2/Core/Events.d.ts (event notifications, "thin" events). `type` is not checked
// against the SDK's list: Stripe adds event types often.

const JsonObject = z.record(z.string(), z.unknown());

/** A snapshot event (`object: "event"`), what classic webhook endpoints receive. */
export const StripeEvent = z.object({
  id: z.string(),
  object: z.literal('event'),
  account: z.string().optional(),
  api_version: z.string().nullable(),
  context: z.string().optional(),
  /** Unix seconds. */
  created: z.number(),
  data: z.object({
    object: JsonObject,
    previous_attributes: JsonObject.optional(),
  }),
  livemode: z.boolean(),
  pending_webhooks: z.number(),
  // API versions before 2017-05-25 render `request` as the request id string.
  request: z
    .union([
      z.object({ id: z.string().nullable(), idempotency_key: z.string().nullable() }),
      z.string(),
    ])
    .nullable(),
  type: z.string().min(1),
});

/** An event notification (`object: "v2.core.event"`) sent to event destinations. */
export const StripeEventNotification = z.object({
  id: z.string(),
  object: z.literal('v2.core.event'),
  context: z.string().optional(),
  created: z.iso.datetime({ offset: true }),
  livemode: z.boolean(),
  type: z.string().min(1),
});

/** Checks a Stripe webhook body: a snapshot event, or a v2 event notification. */
export function checkStripe(json: unknown): SchemaResult {
  if (isObject(json) && json.object === 'v2.core.event') {
    return checkWithZod('Stripe event notification', StripeEventNotification, json);
  }
  return checkWithZod('Stripe event', StripeEvent, json);
}
