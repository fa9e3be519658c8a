import type { ProviderId } from '../../shared/model';
import { readSignatures } from './common';
import { hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders, type HeaderBag } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

const WEAKNESS = 'HMAC-SHA1 (a weak hash) and no timestamp is signed, so a captured';

/**
 * The plain scheme Intercom and Vercel use: one header holding `<prefix><hex>`, HMAC-SHA1 of
 * the raw body with the secret, no timestamp.
 */
export function bodyHmacSha1Scheme(o: {
  id: ProviderId;
  header: string;
  /** Before the hex digest: `sha1=` (Intercom) or nothing (Vercel). */
  prefix: string;
  /** What one message is called in the weakness ("notification", "delivery"). */
  message: string;
  missingHint: string;
  detect: (h: HeaderBag) => boolean;
  idempotencyKey: SignatureScheme['idempotencyKey'];
}): SignatureScheme {
  const weakness = `${WEAKNESS} ${o.message} can be replayed`;
  return defineScheme(o.id, {
    defaultToleranceSec: null,
    weakness,
    detect: o.detect,
    verify(req, h, ctx) {
      const read = readSignatures(h.all(o.header), {
        prefix: o.prefix,
        encoding: 'hex',
        bytes: 20,
        digest: 'HMAC-SHA1',
      });
      return decide(
        ctx,
        { header: o.header, ...read, missingHint: o.missingHint },
        (secret) => hmac('sha1', secret, req.body),
        safeEqual,
        weakness,
      );
    },
    sign(req, secret) {
      const sig = hmac('sha1', secret.trim(), req.body).toString('hex');
      return replaceHeaders(req.headers, [o.header], [[o.header, `${o.prefix}${sig}`]]);
    },
    idempotencyKey: o.idempotencyKey,
  });
}
