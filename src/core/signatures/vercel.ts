import { hmac, safeEqual } from './crypto';
import { readSignatures } from './generic-hmac';
import { replaceHeaders } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

const SIG = 'x-vercel-signature';
const WEAKNESS =
  'HMAC-SHA1 (a weak hash) and no timestamp is signed, so a captured delivery can be replayed';

/**
 * Vercel: `x-vercel-signature: <hex>`, HMAC-SHA1 of the raw body with the webhook's secret (or
 * the integration's client secret).
 */
export const vercel: SignatureScheme = {
  id: 'vercel',
  name: 'Vercel',
  defaultToleranceSec: null,
  weakness: WEAKNESS,
  detect: (h) => h.has(SIG),
  verify(req, h, ctx) {
    const read = readSignatures(h.all(SIG), {
      prefix: '',
      encoding: 'hex',
      bytes: 20,
      digest: 'HMAC-SHA1',
    });
    return decide(
      ctx,
      {
        header: SIG,
        ...read,
        missingHint: 'Vercel signs with the secret shown when the webhook was created.',
      },
      (secret) => hmac('sha1', secret, req.body),
      safeEqual,
      WEAKNESS,
    );
  },
  sign(req, secret) {
    const sig = hmac('sha1', secret.trim(), req.body).toString('hex');
    return replaceHeaders(req.headers, [SIG], [[SIG, sig]]);
  },
  idempotencyKey(_req, _h, json) {
    const id = (json as { id?: unknown } | null | undefined)?.id;
    return typeof id === 'string' && id ? { key: id, source: 'body.id' } : null;
  },
};
