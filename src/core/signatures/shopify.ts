import { HookscopeError } from '../../shared/errors';
import { deliveryIdHeaders } from '../../shared/providers';
import { headerKey } from './common';
import { fromBase64, hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders, type HeaderBag } from './headers';
import { decide } from './verdict';

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the raw body keyed with the app's
 * client secret (as text). Shopify's newer Events deliveries send the same value in
 * `Shopify-Hmac-Sha256` (and `Shopify-Webhook-Id`); both spellings are read. Nothing time-based
 * is signed (`X-Shopify-Triggered-At` is not covered by the HMAC).
 */

const SIG = 'X-Shopify-Hmac-Sha256';
const EVENTS_SIG = 'Shopify-Hmac-Sha256';
const WEAKNESS = 'no timestamp, so a captured delivery can be replayed';

function sigHeader(h: HeaderBag): { name: string; value: string } | null {
  for (const name of [SIG, EVENTS_SIG]) {
    const value = h.get(name);
    if (value !== undefined) return { name, value };
  }
  return null;
}

export const shopify = defineScheme('shopify', {
  defaultToleranceSec: null,
  weakness: WEAKNESS,
  detect: (h) =>
    (h.has('x-shopify-hmac-sha256') && h.has('x-shopify-topic')) ||
    (h.has('shopify-hmac-sha256') && h.has('shopify-webhook-id')),
  verify(req, h, ctx) {
    const found = sigHeader(h);
    let signatures: Buffer[] | null = null;
    let malformed: string | undefined;
    if (found) {
      const sig = fromBase64(found.value.trim());
      if (sig && sig.length === 32) signatures = [sig];
      else {
        signatures = [];
        malformed = `expected the base64 of an HMAC-SHA256 (44 characters), got ${JSON.stringify(found.value.slice(0, 60))}`;
      }
    }
    return decide(
      ctx,
      { header: found?.name ?? SIG, signatures, malformed },
      (secret) => hmac('sha256', secret, req.body),
      safeEqual,
      WEAKNESS,
    );
  },
  sign(req, secret) {
    const key = secret.trim();
    if (!key) throw new HookscopeError('bad_input', "Shopify needs the app's client secret");
    const h = new Map(req.headers.map(([n]) => [n.toLowerCase(), n]));
    // Keep the spelling the delivery used (webhooks vs. Events).
    const name = !h.has(SIG.toLowerCase()) && h.has(EVENTS_SIG.toLowerCase()) ? EVENTS_SIG : SIG;
    const sig = hmac('sha256', key, req.body).toString('base64');
    return replaceHeaders(req.headers, [SIG, EVENTS_SIG], [[name, sig]]);
  },
  idempotencyKey: (_req, h) => headerKey(h, deliveryIdHeaders('shopify')),
});
