/**
 * The provider catalogue: one row per provider, the data every layer derives its provider
 * knowledge from. `providerIds` (model.ts), the UI's display names and the engine's scheme
 * registry (src/core/signatures/registry.ts, typed `Record<ProviderId, SignatureScheme>`, so a
 * row without a scheme does not compile) all come from here. Code that is not data (how a
 * signature is read and computed, which headers make a signature scheme match) lives in the
 * provider's scheme module in src/core/signatures.
 *
 * The rows are in the order the UI lists providers and error messages name them.
 */

/** A header by which a sender names itself: a name, or names that must all be present. */
export type SenderHeader = string | readonly [string, ...string[]];

export interface ProviderRow {
  /** The id endpoints store and the contract accepts. */
  readonly id: string;
  /** The display name, as the provider writes it ("Lemon Squeezy"). */
  readonly name: string;
  /**
   * Position in `auto` detection, lowest first: the scheme whose signature headers match first
   * wins, so the specific ones come before the generic ones (SendGrid before Twilio, both being
   * Twilio headers; Lemon Squeezy's generic X-Signature + X-Event-Name pair late; the Standard
   * Webhooks family last, OpenAI and Svix before the plain standard). Unique.
   */
  readonly detectOrder: number;
  /**
   * The header naming the event type, and a body field appended after a dot (GitHub's
   * `action`: `pull_request.opened`). Headers are trusted in catalogue order; without one the
   * body's `type` / `event_type` / `event` field names the event.
   */
  readonly eventType?: { readonly header: string; readonly bodySuffix?: string };
  /**
   * Headers that carry the provider's delivery id, in the order trusted (the first present is
   * the duplicate key); `form` is what a fresh one looks like when a replay asks for a new id.
   */
  readonly deliveryId?: { readonly headers: readonly string[]; readonly form: 'uuid' | 'msg' };
  /**
   * Headers other than the signature by which the provider names itself as the sender (only
   * ones it documents): on an `auto` endpoint such a delivery without a signature is this
   * provider's with its signature missing. Tried in detection order.
   */
  readonly sender?: { readonly headers?: readonly SenderHeader[]; readonly userAgent?: RegExp };
}

/** The delivery id of the Standard Webhooks family: `webhook-id`, a `msg_…` id. */
const WEBHOOK_ID = { headers: ['webhook-id'], form: 'msg' } as const;
/** The delivery id of Svix and of the providers that send through Svix: `svix-id`, `msg_…`. */
const SVIX_ID = { headers: ['svix-id'], form: 'msg' } as const;
/** A delivery id that is a UUID, in the first of `headers` present. */
const uuidIn = (...headers: string[]) => ({ headers, form: 'uuid' }) as const;

export const providers = [
  {
    id: 'standard-webhooks',
    name: 'Standard Webhooks',
    detectOrder: 26,
    deliveryId: WEBHOOK_ID,
    sender: { headers: [['webhook-id', 'webhook-timestamp']] },
  },
  {
    id: 'openai',
    name: 'OpenAI',
    detectOrder: 21,
    deliveryId: WEBHOOK_ID,
    sender: { userAgent: /^OpenAI\//i },
  },
  {
    id: 'svix',
    name: 'Svix',
    detectOrder: 22,
    deliveryId: SVIX_ID,
    sender: { headers: ['svix-id'] },
  },
  {
    id: 'clerk',
    name: 'Clerk',
    detectOrder: 23,
    deliveryId: SVIX_ID,
  },
  {
    id: 'resend',
    name: 'Resend',
    detectOrder: 24,
    deliveryId: SVIX_ID,
  },
  {
    id: 'replicate',
    name: 'Replicate',
    detectOrder: 25,
    deliveryId: WEBHOOK_ID,
  },
  {
    id: 'stripe',
    name: 'Stripe',
    detectOrder: 3,
    sender: { userAgent: /^Stripe\// },
  },
  {
    id: 'github',
    name: 'GitHub',
    detectOrder: 10,
    eventType: { header: 'X-GitHub-Event', bodySuffix: 'action' },
    deliveryId: uuidIn('X-GitHub-Delivery'),
    sender: {
      headers: ['X-GitHub-Event', 'X-GitHub-Delivery', 'X-GitHub-Hook-ID'],
      userAgent: /^GitHub-Hookshot\//,
    },
  },
  {
    id: 'gitlab',
    name: 'GitLab',
    detectOrder: 11,
    eventType: { header: 'X-Gitlab-Event' },
    deliveryId: uuidIn('Idempotency-Key', 'X-Gitlab-Event-UUID', 'X-Gitlab-Webhook-UUID'),
  },
  {
    id: 'shopify',
    name: 'Shopify',
    detectOrder: 4,
    eventType: { header: 'X-Shopify-Topic' },
    deliveryId: uuidIn('X-Shopify-Event-Id', 'X-Shopify-Webhook-Id', 'Shopify-Webhook-Id'),
    sender: { headers: ['X-Shopify-Topic', 'X-Shopify-Webhook-Id', 'X-Shopify-Shop-Domain'] },
  },
  {
    id: 'slack',
    name: 'Slack',
    detectOrder: 12,
    sender: { userAgent: /^Slackbot / },
  },
  {
    id: 'twilio',
    name: 'Twilio',
    detectOrder: 2,
    deliveryId: uuidIn('I-Twilio-Idempotency-Token'),
    sender: { headers: ['I-Twilio-Idempotency-Token'], userAgent: /^TwilioProxy\// },
  },
  { id: 'discord', name: 'Discord', detectOrder: 7 },
  { id: 'paddle', name: 'Paddle', detectOrder: 5 },
  {
    id: 'linear',
    name: 'Linear',
    detectOrder: 13,
    deliveryId: uuidIn('Linear-Delivery'),
    sender: { headers: ['Linear-Event'], userAgent: /^Linear-Webhook/ },
  },
  {
    id: 'zoom',
    name: 'Zoom',
    detectOrder: 14,
    sender: { userAgent: /^Zoom Marketplace\// },
  },
  { id: 'square', name: 'Square', detectOrder: 6 },
  { id: 'sendgrid', name: 'SendGrid', detectOrder: 1 },
  { id: 'mailgun', name: 'Mailgun', detectOrder: 9 },
  {
    id: 'lemonsqueezy',
    name: 'Lemon Squeezy',
    detectOrder: 8,
    eventType: { header: 'X-Event-Name' },
  },
  { id: 'intercom', name: 'Intercom', detectOrder: 15 },
  { id: 'typeform', name: 'Typeform', detectOrder: 16 },
  { id: 'hubspot', name: 'HubSpot', detectOrder: 17 },
  { id: 'vercel', name: 'Vercel', detectOrder: 18 },
  {
    id: 'jira',
    name: 'Jira',
    detectOrder: 19,
    deliveryId: uuidIn('X-Atlassian-Webhook-Identifier'),
  },
  { id: 'generic-hmac', name: 'Generic HMAC', detectOrder: 20 },
] as const satisfies readonly ProviderRow[];

export type ProviderId = (typeof providers)[number]['id'];

/** Every provider id, in catalogue order. */
export const providerIds = providers.map((p) => p.id) as readonly ProviderId[] as readonly [
  ProviderId,
  ...ProviderId[],
];

/** A catalogue row with its id typed as a provider id. */
export type Provider = ProviderRow & { readonly id: ProviderId };

/** The rows, each typed as a `Provider`. */
export const providerRows: readonly Provider[] = providers;

const byId = new Map<string, Provider>(providerRows.map((p) => [p.id, p]));

/** The catalogue row of a provider id. */
export function providerRow(id: ProviderId): Provider {
  return byId.get(id)!;
}

/** The display name of a provider id (the id itself when it is not one). */
export function providerName(id: string): string {
  return byId.get(id)?.name ?? id;
}

/** The rows in `auto` detection order. */
export const detectionOrder: readonly Provider[] = [...providerRows].sort(
  (a, b) => a.detectOrder - b.detectOrder,
);

/** The headers that carry provider `id`'s delivery id, in the order trusted (none: empty). */
export function deliveryIdHeaders(id: ProviderId): readonly string[] {
  return providerRow(id).deliveryId?.headers ?? [];
}
