import type { ProviderId } from '../../shared/model';
import { commerceSchemes } from './group-commerce';
import { gitSaasSchemes } from './group-git-saas';
import type { HeaderBag } from './headers';
import { senderOf } from './sender-hints';
import { clerk, openai, replicate, resend, standardWebhooks, svix } from './standard-family';
import type { SignatureScheme } from './types';

/** Every scheme in detection order: specific ones first, the generic standard last. */
export const schemeList: SignatureScheme[] = [
  ...commerceSchemes,
  ...gitSaasSchemes,
  openai,
  svix,
  clerk,
  resend,
  replicate,
  standardWebhooks,
];

const byId = new Map<ProviderId, SignatureScheme>(schemeList.map((s) => [s.id, s]));

/** The scheme of a provider id, or undefined when none is registered. */
export function schemeById(id: ProviderId): SignatureScheme | undefined {
  return byId.get(id);
}

/**
 * Warnings for secrets that do not have the form the provider's scheme needs (e.g. an API key
 * where Stripe wants its whsec_ signing secret), each naming the expected form; the secrets
 * themselves are never quoted. Empty for `auto` and schemes that accept any string.
 */
export function secretWarnings(provider: ProviderId | 'auto', secrets: string[]): string[] {
  const scheme = provider === 'auto' ? undefined : byId.get(provider);
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
  if (provider !== 'auto') return byId.get(provider) ?? null;
  const signed = schemeList.find((s) => s.detect(h));
  if (signed) return signed;
  const sender = senderOf(h);
  return sender ? (byId.get(sender.id) ?? null) : null;
}

/**
 * Why an `auto` endpoint took an unsigned delivery for `scheme`'s provider ("its User-Agent
 * \"OpenAI/1.0 …\""), or null when its headers do not name it.
 */
export function recognisedBy(scheme: SignatureScheme, h: HeaderBag): string | null {
  const sender = senderOf(h);
  return sender?.id === scheme.id ? sender.by : null;
}
