import { bodyKey, readSignatures } from './common';
import { hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders } from './headers';
import { decide } from './verdict';

const SIG = 'Typeform-Signature';
const WEAKNESS = 'no timestamp is signed, so a captured delivery can be replayed';

/** Typeform: `Typeform-Signature: sha256=<base64>`, HMAC-SHA256 of the raw body. */
export const typeform = defineScheme('typeform', {
  defaultToleranceSec: null,
  weakness: WEAKNESS,
  detect: (h) => h.has('typeform-signature'),
  verify(req, h, ctx) {
    const read = readSignatures(h.all(SIG), {
      prefix: 'sha256=',
      encoding: 'base64',
      bytes: 32,
      digest: 'HMAC-SHA256',
    });
    return decide(
      ctx,
      {
        header: SIG,
        ...read,
        missingHint: 'Typeform signs only webhooks that have a secret set.',
      },
      (secret) => hmac('sha256', secret, req.body),
      safeEqual,
      WEAKNESS,
    );
  },
  sign(req, secret) {
    const sig = hmac('sha256', secret.trim(), req.body).toString('base64');
    return replaceHeaders(req.headers, [SIG], [[SIG, `sha256=${sig}`]]);
  },
  idempotencyKey: (_req, _h, json) => bodyKey(json, 'event_id'),
});
