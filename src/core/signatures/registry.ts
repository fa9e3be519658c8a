import type { ProviderId } from '../../shared/model';
import { detectionOrder } from '../../shared/providers';
import { discord } from './discord';
import { genericHmac } from './generic-hmac';
import { github } from './github';
import { gitlab } from './gitlab';
import type { HeaderBag } from './headers';
import { hubspot } from './hubspot';
import { intercom } from './intercom';
import { jira } from './jira';
import { lemonsqueezy } from './lemonsqueezy';
import { linear } from './linear';
import { mailgun } from './mailgun';
import { paddle } from './paddle';
import { senderOf } from './sender-hints';
import { sendgrid } from './sendgrid';
import { shopify } from './shopify';
import { slack } from './slack';
import { square } from './square';
import { clerk, openai, replicate, resend, standardWebhooks, svix } from './standard-family';
import { stripe } from './stripe';
import { twilio } from './twilio';
import { typeform } from './typeform';
import type { SignatureScheme } from './types';
import { vercel } from './vercel';
import { zoom } from './zoom';

/**
 * The scheme of every provider in the catalogue (src/shared/providers.ts), keyed by its id: a
 * catalogue row without a scheme here does not compile.
 */
export const schemes: Record<ProviderId, SignatureScheme> = {
  'standard-webhooks': standardWebhooks,
  openai,
  svix,
  clerk,
  resend,
  replicate,
  stripe,
  github,
  gitlab,
  shopify,
  slack,
  twilio,
  discord,
  paddle,
  linear,
  zoom,
  square,
  sendgrid,
  mailgun,
  lemonsqueezy,
  intercom,
  typeform,
  hubspot,
  vercel,
  jira,
  'generic-hmac': genericHmac,
};

/** Every scheme in the catalogue's detection order: specific ones first, the generic standard last. */
export const schemeList: SignatureScheme[] = detectionOrder.map((p) => schemes[p.id]);

/** The scheme of a provider id, or undefined when none is registered. */
export function schemeById(id: ProviderId): SignatureScheme | undefined {
  return Object.hasOwn(schemes, id) ? schemes[id] : undefined;
}

/**
 * Warnings for secrets that do not have the form the provider's scheme needs (e.g. an API key
 * where Stripe wants its whsec_ signing secret), each naming the expected form; the secrets
 * themselves are never quoted. Empty for `auto` and schemes that accept any string.
 */
export function secretWarnings(provider: ProviderId | 'auto', secrets: string[]): string[] {
  const scheme = provider === 'auto' ? undefined : schemeById(provider);
  const form = scheme?.secretForm;
  if (!scheme || !form) return [];
  const trimmed = secrets.map((s) => s.trim()).filter(Boolean);
  return trimmed.flatMap((secret, i) => {
    const problem = form.problem(secret);
    if (problem === null) return [];
    const which = trimmed.length === 1 ? 'The secret' : `Secret #${i + 1}`;
    return [
      `${which} does not look like a signing secret for ${scheme.name}: ${problem}. Expected ${form.expected}. Deliveries will not verify with it.`,
    ];
  });
}

/**
 * The configured provider's scheme, or with `auto` the first whose detect() matches its
 * signature headers, else the provider its other headers name (User-Agent, event header):
 * that provider's delivery without a signature, verified as `missing`.
 */
export function resolveScheme(provider: ProviderId | 'auto', h: HeaderBag): SignatureScheme | null {
  if (provider !== 'auto') return schemeById(provider) ?? null;
  const signed = schemeList.find((s) => s.detect(h));
  if (signed) return signed;
  const sender = senderOf(h);
  return sender ? (schemeById(sender.id) ?? null) : null;
}

/**
 * Why an `auto` endpoint took an unsigned delivery for `scheme`'s provider ("its User-Agent
 * \"OpenAI/1.0 …\""), or null when its headers do not name it.
 */
export function recognisedBy(scheme: SignatureScheme, h: HeaderBag): string | null {
  const sender = senderOf(h);
  return sender?.id === scheme.id ? sender.by : null;
}
