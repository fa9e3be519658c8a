import { createHmac } from 'node:crypto';
import { shopify } from '../../../../src/core/signatures/shopify';
import { withHeader, type VerdictFixture } from '../verdict-suite';
import { input } from '../helpers';

// No official Node verifier is installed, so the expected HMAC is computed here from Shopify's
// description: base64(HMAC-SHA256(client secret as text, raw body)) in X-Shopify-Hmac-Sha256.
export const secret = 'shpss_0123456789abcdef0123456789abcdef';
export const other = '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';
export const body = '{"id":820982911946154508,"email":"jon@example.com","total_price":"199.65"}';

export const docsHmac = (key: string, b: string | Buffer) =>
  createHmac('sha256', key).update(b).digest('base64');

export function signed(_at: number, which: 'secret' | 'other' = 'secret') {
  return input({
    body,
    headers: [
      ['X-Shopify-Topic', 'orders/create'],
      ['X-Shopify-Hmac-Sha256', docsHmac(which === 'secret' ? secret : other, body)],
      ['X-Shopify-Shop-Domain', 'example.myshopify.com'],
      ['X-Shopify-Webhook-Id', 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043'],
      ['X-Shopify-Event-Id', '98880550-7158-44d4-b7cd-2c97c8a091b5'],
      ['X-Shopify-Triggered-At', '2026-11-27T12:00:00Z'],
    ],
  });
}

/** The shared verdict suite's fixture: deliveries signed independently of the scheme. */
export const fixture: VerdictFixture = {
  scheme: shopify,
  secret,
  other,
  signed,
  unsign: (req) => withHeader(req, 'x-shopify-hmac-sha256', null),
  malformed: {
    make: (req) => withHeader(req, 'X-Shopify-Hmac-Sha256', 'sha256=abc'),
    reason: 'base64 of an HMAC-SHA256',
  },
};
