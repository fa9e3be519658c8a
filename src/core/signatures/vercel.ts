import { bodyHmacSha1Scheme } from './body-hmac';
import { bodyKey } from './common';

const SIG = 'x-vercel-signature';

/**
 * Vercel: `x-vercel-signature: <hex>`, HMAC-SHA1 of the raw body with the webhook's secret (or
 * the integration's client secret).
 */
export const vercel = bodyHmacSha1Scheme({
  id: 'vercel',
  header: SIG,
  prefix: '',
  message: 'delivery',
  missingHint: 'Vercel signs with the secret shown when the webhook was created.',
  detect: (h) => h.has(SIG),
  idempotencyKey: (_req, _h, json) => bodyKey(json, 'id'),
});
