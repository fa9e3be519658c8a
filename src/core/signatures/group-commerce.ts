import { discord } from './discord';
import { lemonsqueezy } from './lemonsqueezy';
import { mailgun } from './mailgun';
import { paddle } from './paddle';
import { sendgrid } from './sendgrid';
import { shopify } from './shopify';
import { square } from './square';
import { stripe } from './stripe';
import { twilio } from './twilio';
import type { SignatureScheme } from './types';

/**
 * Schemes of this group, most specific detection first: SendGrid before Twilio (both are Twilio
 * headers, SendGrid's name is longer), the single distinctive headers next, and Lemon Squeezy's
 * generic X-Signature + X-Event-Name pair last. Mailgun signs inside the body and never detects.
 */
export const commerceSchemes: SignatureScheme[] = [
  sendgrid,
  twilio,
  stripe,
  shopify,
  paddle,
  square,
  discord,
  lemonsqueezy,
  mailgun,
];
