import {
  clerk,
  openai,
  replicate,
  resend,
  standardWebhooks,
  svix,
} from '../../../../src/core/signatures/standard-family';
import type { ProviderId } from '../../../../src/shared/model';
import type { VerdictFixture } from '../verdict-suite';
import { fixture as discord } from './discord';
import { fixture as lemonsqueezy } from './lemonsqueezy';
import { fixture as mailgun } from './mailgun';
import { fixture as paddle } from './paddle';
import { saasFixtures } from './saas';
import { fixture as sendgrid } from './sendgrid';
import { fixture as shopify } from './shopify';
import { fixture as square } from './square';
import { standardFixture } from './standard';
import { fixture as stripe } from './stripe';
import { fixture as twilio } from './twilio';

/**
 * The shared verdict suite's "sign" fixture of every provider in the catalogue: a provider
 * without one does not compile.
 */
export const signFixtures: Record<ProviderId, VerdictFixture> = {
  'standard-webhooks': standardFixture(standardWebhooks, 'webhook'),
  openai: standardFixture(openai, 'webhook'),
  svix: standardFixture(svix, 'svix'),
  clerk: standardFixture(clerk, 'svix'),
  resend: standardFixture(resend, 'svix'),
  replicate: standardFixture(replicate, 'webhook'),
  stripe,
  shopify,
  twilio,
  discord,
  paddle,
  square,
  sendgrid,
  mailgun,
  lemonsqueezy,
  ...saasFixtures,
};
