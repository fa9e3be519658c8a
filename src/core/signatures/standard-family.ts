import { standardWebhooksScheme } from './standard-webhooks';

// Providers that sign with Standard Webhooks. Clerk, Resend and Replicate send the same
// headers as Svix or the standard, so `auto` reports them as svix / standard-webhooks; pick
// the provider on the endpoint to get its name (and its schema).

export const standardWebhooks = standardWebhooksScheme({
  id: 'standard-webhooks',
  prefix: 'webhook',
  detect: (h) => h.has('webhook-signature'),
});

export const openai = standardWebhooksScheme({
  id: 'openai',
  prefix: 'webhook',
  detect: (h) => h.has('webhook-signature') && /^OpenAI\//i.test(h.get('user-agent') ?? ''),
});

export const svix = standardWebhooksScheme({
  id: 'svix',
  prefix: 'svix',
  detect: (h) => h.has('svix-signature'),
});

export const clerk = standardWebhooksScheme({
  id: 'clerk',
  prefix: 'svix',
  detect: () => false,
});

export const resend = standardWebhooksScheme({
  id: 'resend',
  prefix: 'svix',
  detect: () => false,
});

export const replicate = standardWebhooksScheme({
  id: 'replicate',
  prefix: 'webhook',
  detect: () => false,
});
