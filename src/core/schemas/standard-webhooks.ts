import { z } from 'zod';
import { checkWithZod, isObject, type SchemaResult } from './issues';

// Payload envelopes of the Standard Webhooks family. The Standard Webhooks spec
// (standard-webhooks.md, "Payload structure") only recommends `{type, timestamp, data}` and
// allows `data` to be squashed into the top level; Svix delivers whatever JSON object its
// customer sends; Clerk and Resend use their own variants. So each provider gets only what is
// sure for it.

const DateTime = z.iso.datetime({ offset: true, local: true });
const Data = z.object({});

/** The envelope the Standard Webhooks spec recommends. */
export const StandardWebhooksEnvelope = z.object({
  type: z.string().min(1),
  timestamp: DateTime,
  data: Data,
});

/** Svix's message API only takes a JSON object as payload; nothing else is fixed. */
export const SvixPayload = z.object({});

/** Clerk: `{data, object: "event", type, timestamp (Unix ms), instance_id}`. */
export const ClerkEvent = z.object({
  type: z.string().min(1),
  object: z.literal('event').optional(),
  data: Data,
  timestamp: z.number().optional(),
  instance_id: z.string().optional(),
});

/** Resend: `{type, created_at (ISO 8601), data}`. */
export const ResendEvent = z.object({
  type: z.string().min(1),
  created_at: DateTime,
  data: Data,
});

const envelopeKeys = ['type', 'timestamp', 'data'];

/**
 * Checks a Standard Webhooks body. A body that uses none of the envelope's fields is 'none'
 * (the envelope is a recommendation, e.g. Replicate sends a bare prediction); one that uses
 * any of them is checked against the whole envelope.
 */
export function checkStandardWebhooks(json: unknown): SchemaResult {
  if (isObject(json) && !envelopeKeys.some((k) => k in json)) return { status: 'none' };
  return checkWithZod('Standard Webhooks envelope', StandardWebhooksEnvelope, json);
}

/** Checks a Svix body: a JSON object. */
export function checkSvix(json: unknown): SchemaResult {
  return checkWithZod('Svix message payload', SvixPayload, json);
}

/** Checks a Clerk body. */
export function checkClerk(json: unknown): SchemaResult {
  return checkWithZod('Clerk event', ClerkEvent, json);
}

/** Checks a Resend body. */
export function checkResend(json: unknown): SchemaResult {
  return checkWithZod('Resend event', ResendEvent, json);
}
