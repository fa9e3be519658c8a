import { deliveryIdHeaders } from '../../shared/providers';
import { headerKey, readSignatures } from './common';
import { hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders } from './headers';
import { decide } from './verdict';

const SIG256 = 'X-Hub-Signature-256';
const SIG1 = 'X-Hub-Signature';
const NO_TIMESTAMP = 'no timestamp is signed, so a captured delivery can be replayed';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body with the webhook
 * secret. The legacy `X-Hub-Signature: sha1=<hex>` (HMAC-SHA1) is checked only when the SHA-256
 * header is absent. No timestamp; X-GitHub-Delivery identifies the delivery.
 */
export const github = defineScheme('github', {
  defaultToleranceSec: null,
  weakness: NO_TIMESTAMP,
  detect: (h) =>
    h.has('x-github-event') &&
    (h.has('x-hub-signature-256') || h.has('x-hub-signature') || h.has('x-github-delivery')),
  verify(req, h, ctx) {
    const legacy = !h.has(SIG256) && h.has(SIG1);
    const read = legacy
      ? readSignatures(h.all(SIG1), {
          prefix: 'sha1=',
          encoding: 'hex',
          bytes: 20,
          digest: 'HMAC-SHA1',
        })
      : readSignatures(h.all(SIG256), {
          prefix: 'sha256=',
          encoding: 'hex',
          bytes: 32,
          digest: 'HMAC-SHA256',
        });
    return decide(
      ctx,
      {
        header: legacy ? SIG1 : SIG256,
        ...read,
        missingHint: 'Set a secret on the webhook in GitHub to get signed deliveries.',
      },
      (secret) => hmac(legacy ? 'sha1' : 'sha256', secret, req.body),
      safeEqual,
      legacy
        ? `only the legacy ${SIG1} header (HMAC-SHA1, a weak hash) is present, not ${SIG256}; ${NO_TIMESTAMP}`
        : NO_TIMESTAMP,
    );
  },
  sign(req, secret) {
    const key = secret.trim();
    // GitHub sends both headers when a secret is set.
    return replaceHeaders(
      req.headers,
      [SIG256, SIG1],
      [
        [SIG1, `sha1=${hmac('sha1', key, req.body).toString('hex')}`],
        [SIG256, `sha256=${hmac('sha256', key, req.body).toString('hex')}`],
      ],
    );
  },
  idempotencyKey: (_req, h) => headerKey(h, deliveryIdHeaders('github')),
});
