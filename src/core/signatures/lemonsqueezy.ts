import { HookscopeError } from '../../shared/errors';
import { fromHex, hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders } from './headers';
import { decide } from './verdict';

/**
 * Lemon Squeezy: `X-Signature: <hex>`, HMAC-SHA256 hex digest of the raw body keyed with the
 * signing secret typed in when the webhook was created. `X-Event-Name` names the event. Nothing
 * time-based is signed and no delivery id is sent.
 */

const HEADER = 'X-Signature';
const WEAKNESS = 'no timestamp, so a captured delivery can be replayed';

export const lemonsqueezy = defineScheme('lemonsqueezy', {
  defaultToleranceSec: null,
  weakness: WEAKNESS,
  // X-Signature alone is too generic; Lemon Squeezy always sends X-Event-Name with it.
  detect: (h) => h.has('x-signature') && h.has('x-event-name'),
  verify(req, h, ctx) {
    const header = h.get(HEADER);
    let signatures: Buffer[] | null = null;
    let malformed: string | undefined;
    if (header !== undefined) {
      const sig = fromHex(header.trim());
      if (sig && sig.length === 32) signatures = [sig];
      else {
        signatures = [];
        malformed = `expected an HMAC-SHA256 hex digest (64 hex digits), got ${JSON.stringify(header.slice(0, 70))}`;
      }
    }
    return decide(
      ctx,
      { header: HEADER, signatures, malformed },
      (secret) => hmac('sha256', secret, req.body),
      safeEqual,
      WEAKNESS,
    );
  },
  sign(req, secret) {
    const key = secret.trim();
    if (!key)
      throw new HookscopeError('bad_input', "Lemon Squeezy needs the webhook's signing secret");
    return replaceHeaders(
      req.headers,
      [HEADER],
      [[HEADER, hmac('sha256', key, req.body).toString('hex')]],
    );
  },
  // Lemon Squeezy documents no delivery or event id (data.id is the resource, shared by every
  // event about it), so duplicates fall back to the generic body hash.
  idempotencyKey: () => null,
});
