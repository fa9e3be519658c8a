import type { HeaderBag } from './headers';
import { standardWebhooksScheme } from './standard-webhooks';

// Providers that sign with Standard Webhooks. Clerk, Resend and Replicate send the same
// headers as Svix or the standard, so `auto` reports them as svix / standard-webhooks; pick
// the provider on the endpoint to get its name (and its schema).

const never = (): boolean => false;
const signedWith = (header: string) => (h: HeaderBag) => h.has(header);

export const standardWebhooks = standardWebhooksScheme({
  id: 'standard-webhooks',
  prefix: 'webhook',
  detect: signedWith('webhook-signature'),
});
export const openai = standardWebhooksScheme({
  id: 'openai',
  prefix: 'webhook',
  detect: (h) => h.has('webhook-signature') && /^OpenAI\//i.test(h.get('user-agent') ?? ''),
});
export const svix = standardWebhooksScheme({
  id: 'svix',
  prefix: 'svix',
  detect: signedWith('svix-signature'),
});
export const clerk = standardWebhooksScheme({ id: 'clerk', prefix: 'svix', detect: never });
export const resend = standardWebhooksScheme({ id: 'resend', prefix: 'svix', detect: never });
export const replicate = standardWebhooksScheme({
  id: 'replicate',
  prefix: 'webhook',
  detect: never,
});
