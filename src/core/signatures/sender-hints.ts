import type { ProviderId } from '../../shared/model';
import type { HeaderBag } from './headers';

/**
 * Headers other than the signature by which a provider names itself as the sender (its
 * User-Agent, its event or delivery header), each with the words for the verdict's reason.
 * On an `auto` endpoint a delivery that carries one of these but no signature is that
 * provider's delivery with its signature missing, the way a forgery looks, not an unknown one.
 * Only headers the providers document; most specific first.
 */
const HINTS: [ProviderId, (h: HeaderBag) => string | null][] = [
  ['openai', (h) => userAgent(h, /^OpenAI\//i)],
  ['stripe', (h) => userAgent(h, /^Stripe\//)],
  [
    'github',
    (h) =>
      header(h, 'X-GitHub-Event') ??
      header(h, 'X-GitHub-Delivery') ??
      header(h, 'X-GitHub-Hook-ID') ??
      userAgent(h, /^GitHub-Hookshot\//),
  ],
  [
    'shopify',
    (h) =>
      header(h, 'X-Shopify-Topic') ??
      header(h, 'X-Shopify-Webhook-Id') ??
      header(h, 'X-Shopify-Shop-Domain'),
  ],
  ['slack', (h) => userAgent(h, /^Slackbot /)],
  ['linear', (h) => header(h, 'Linear-Event') ?? userAgent(h, /^Linear-Webhook/)],
  ['zoom', (h) => userAgent(h, /^Zoom Marketplace\//)],
  ['twilio', (h) => header(h, 'I-Twilio-Idempotency-Token') ?? userAgent(h, /^TwilioProxy\//)],
  ['svix', (h) => header(h, 'svix-id')],
  [
    'standard-webhooks',
    (h) => (h.has('webhook-id') && h.has('webhook-timestamp') ? 'webhook-id header' : null),
  ],
];

function header(h: HeaderBag, name: string): string | null {
  return h.has(name) ? `${name} header` : null;
}

function userAgent(h: HeaderBag, pattern: RegExp): string | null {
  const ua = h.get('user-agent');
  if (ua === undefined || !pattern.test(ua)) return null;
  return `User-Agent ${JSON.stringify(ua.length > 60 ? `${ua.slice(0, 60)}…` : ua)}`;
}

/** The provider the headers name as the sender, and by which header; null when none does. */
export function senderOf(h: HeaderBag): { id: ProviderId; by: string } | null {
  for (const [id, hint] of HINTS) {
    const by = hint(h);
    if (by !== null) return { id, by };
  }
  return null;
}
