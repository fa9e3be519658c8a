import { standardWebhooksScheme } from './standard-webhooks';

// Providers that sign with Standard Webhooks. Clerk, Resend and Replicate send the same
// headers as Svix or the standard, so `auto` reports them as svix / standard-webhooks; pick
// the provider on the endpoint to get its name (and its schema).

export const standardWebhooks = standardWebhooksScheme({
  id: 'standard-webhooks',
  name: 'Standard Webhooks',
  prefix: 'webhook',
  detect: (h) => h.has('webhook-signature'),
});

export const openai = standardWebhooksScheme({
  id: 'openai',
  name: 'OpenAI',
  prefix: 'webhook',
  detect: (h) => h.has('webhook-signature') && /^OpenAI\//i.test(h.get('user-agent') ?? ''),
});

export const svix = standardWebhooksScheme({
  id: 'svix',
  name: 'Svix',
  prefix: 'svix',
  detect: (h) => h.has('svix-signature'),
});

export const clerk = standardWebhooksScheme({
  id: 'clerk',
  name: 'Clerk',
  prefix: 'svix',
  detect: () => false,
});

export const resend = standardWebhooksScheme({
  id: 'resend',
  name: 'Resend',
  prefix: 'svix',
  detect: () => false,
});

export const replicate = standardWebhooksScheme({
  id: 'replicate',
  name: 'Replicate',
  prefix: 'webhook',
  detect: () => false,
});
