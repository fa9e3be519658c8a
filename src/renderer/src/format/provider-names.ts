const NAMES: Record<string, string> = {
  'standard-webhooks': 'Standard Webhooks',
  openai: 'OpenAI',
  svix: 'Svix',
  clerk: 'Clerk',
  resend: 'Resend',
  replicate: 'Replicate',
  stripe: 'Stripe',
  github: 'GitHub',
  gitlab: 'GitLab',
  shopify: 'Shopify',
  slack: 'Slack',
  twilio: 'Twilio',
  discord: 'Discord',
  paddle: 'Paddle',
  linear: 'Linear',
  zoom: 'Zoom',
  square: 'Square',
  sendgrid: 'SendGrid',
  mailgun: 'Mailgun',
  lemonsqueezy: 'Lemon Squeezy',
  intercom: 'Intercom',
  typeform: 'Typeform',
  hubspot: 'HubSpot',
  vercel: 'Vercel',
  jira: 'Jira',
  'generic-hmac': 'generic HMAC',
  auto: 'detect from headers',
};

/** The display name of a provider id (the id itself when unknown). */
export function providerName(id: string): string {
  return NAMES[id] ?? id;
}
