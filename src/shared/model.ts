import { z } from 'zod';

/** Provider ids of DESIGN.md §5; `auto` detects the provider from the request headers. */
export const providerIds = [
  'standard-webhooks',
  'openai',
  'svix',
  'clerk',
  'resend',
  'replicate',
  'stripe',
  'github',
  'gitlab',
  'shopify',
  'slack',
  'twilio',
  'discord',
  'paddle',
  'linear',
  'zoom',
  'square',
  'sendgrid',
  'mailgun',
  'lemonsqueezy',
  'intercom',
  'typeform',
  'hubspot',
  'vercel',
  'jira',
  'generic-hmac',
] as const;
export const ProviderId = z.enum(providerIds);
export type ProviderId = z.infer<typeof ProviderId>;

/** HTTP header name: RFC 9110 token characters. */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');
/** Header value: no CR, LF or NUL (they would split the response). */
const HeaderValue = z.string().regex(/^[^\r\n\0]*$/, 'header values cannot contain CR, LF or NUL');

/** The response an endpoint gives to each delivery. */
export const EndpointResponse = z.object({
  status: z.number().int().min(200).max(599),
  headers: z
    .array(z.tuple([HeaderName, HeaderValue]))
    .max(100)
    .optional(),
  body: z.string().max(1_000_000).optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
});
export type EndpointResponse = z.infer<typeof EndpointResponse>;

/** An endpoint path prefix: starts with `/`, no query, no trailing slash except `/` itself. */
export const EndpointPath = z
  .string()
  .min(1)
  .max(512)
  .regex(/^\/[^?#\s]*$/, 'must start with / and contain no spaces, ? or #')
  .transform((p) => (p.length > 1 ? p.replace(/\/+$/, '') || '/' : p));

/**
 * The generic HMAC scheme's settings: which header carries the signature, how it is computed
 * and encoded, and what is signed (the body, or a timestamp header's value + separator + body).
 */
export const GenericHmacConfig = z
  .object({
    header: HeaderName,
    algorithm: z.enum(['sha1', 'sha256', 'sha512']),
    encoding: z.enum(['hex', 'base64']),
    /** Text before the signature in the header, e.g. `sha256=`. */
    prefix: z.string().max(50).default(''),
    signed: z.enum(['body', 'timestamp+body']).default('body'),
    timestampHeader: HeaderName.optional(),
    /** Between the timestamp and the body when both are signed. */
    separator: z.string().max(8).default('.'),
    timestampUnit: z.enum(['s', 'ms']).default('s'),
  })
  .refine((c) => c.signed === 'body' || c.timestampHeader !== undefined, {
    message: 'timestampHeader is required when the timestamp is signed',
    path: ['timestampHeader'],
  });
export type GenericHmacConfig = z.infer<typeof GenericHmacConfig>;

export const Endpoint = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  provider: z.union([ProviderId, z.literal('auto')]),
  /** How many secrets are configured; the secrets themselves never leave the engine. */
  secretCount: z.number().int().min(0),
  toleranceSec: z.number().int().min(0).nullable(),
  forwardTo: z.string().nullable(),
  response: EndpointResponse,
  /** Settings of the generic-hmac provider; null otherwise. */
  hmac: GenericHmacConfig.nullable(),
  /** Answer deliveries whose signature is invalid, stale or missing with this (e.g. 401). */
  invalidSignatureResponse: EndpointResponse.nullable(),
  /** Answer duplicate deliveries with this instead of `response`. */
  duplicateResponse: EndpointResponse.nullable(),
  /** The endpoint's own JSON Schema for payloads (replaces the provider's built-in one). */
  jsonSchema: z.unknown().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const SignatureStatus = z.enum([
  'valid',
  'invalid',
  'stale',
  'missing',
  'no-secret',
  'none',
]);
export type SignatureStatus = z.infer<typeof SignatureStatus>;
export const SchemaStatus = z.enum(['valid', 'invalid', 'none']);
export const ForwardStatus = z.enum(['none', 'pending', 'ok', 'retrying', 'failed', 'dead']);

/** What lists and the live stream carry for one delivery; never the body. */
export const EventSummary = z.object({
  id: z.string(),
  /** Insertion order; pages use it (`beforeSeq`). */
  seq: z.number().int(),
  /** The store's change sequence at this summary's last change; the live stream's cursor. */
  rev: z.number().int(),
  receivedAt: z.string(),
  endpointId: z.string(),
  method: z.string(),
  path: z.string(),
  size: z.number().int(),
  contentType: z.string().nullable(),
  viaTunnel: z.boolean(),
  /** The provider's event type (body `type`, X-GitHub-Event + action, ...), when there is one. */
  eventType: z.string().nullable(),
  /** For async AI jobs: the job the event is about (OpenAI `data.id`: batch, response, ...). */
  jobId: z.string().nullable(),
  signature: z.object({ status: SignatureStatus, provider: z.string().nullable() }),
  idempotency: z.object({ duplicateOf: z.string().nullable(), deliveryCount: z.number().int() }),
  schema: z.object({ status: SchemaStatus }),
  forward: z.object({ status: ForwardStatus }),
  response: z.object({ status: z.number().int() }),
});
export type EventSummary = z.infer<typeof EventSummary>;

export const ForwardAttempt = z.object({
  id: z.string(),
  eventId: z.string(),
  targetUrl: z.string(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
  at: z.string(),
  attempt: z.number().int(),
});
export type ForwardAttempt = z.infer<typeof ForwardAttempt>;

export const EventDetail = EventSummary.extend({
  query: z.string(),
  sourceIp: z.string().nullable(),
  publicUrl: z.string().nullable(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  body: z.object({ base64: z.string(), size: z.number().int(), text: z.string().optional() }),
  signature: z.object({
    status: SignatureStatus,
    provider: z.string().nullable(),
    reason: z.string(),
  }),
  idempotency: z.object({
    key: z.string().nullable(),
    source: z.string().nullable(),
    duplicateOf: z.string().nullable(),
    deliveryCount: z.number().int(),
  }),
  schema: z.object({
    status: SchemaStatus,
    name: z.string().optional(),
    issues: z.array(z.string()).optional(),
  }),
  forwards: z.array(ForwardAttempt),
});
export type EventDetail = z.infer<typeof EventDetail>;

export const TunnelState = z.object({
  state: z.enum(['off', 'connecting', 'online', 'reconnecting', 'error']),
  publicUrl: z.string().optional(),
  message: z.string().optional(),
});
export type TunnelState = z.infer<typeof TunnelState>;

export const Settings = z.object({
  retention: z.object({
    /** Keep at most this many events (oldest removed first); null = unlimited. */
    maxEvents: z.number().int().min(1).nullable(),
    /** Remove events older than this many days; null = forever. */
    maxAgeDays: z.number().min(0).nullable(),
  }),
});
export type Settings = z.infer<typeof Settings>;
