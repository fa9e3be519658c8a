import type { ProviderId } from '../../shared/model';
import { commerceSchemes } from './group-commerce';
import { gitSaasSchemes } from './group-git-saas';
import type { HeaderBag } from './headers';
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

/** The configured provider's scheme, or with `auto` the first whose detect() matches. */
export function resolveScheme(provider: ProviderId | 'auto', h: HeaderBag): SignatureScheme | null {
  if (provider !== 'auto') return byId.get(provider) ?? null;
  return schemeList.find((s) => s.detect(h)) ?? null;
}
