import { hmac, safeEqual } from './crypto';
import { readSignatures } from './generic-hmac';
import { replaceHeaders } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

const SIG = 'X-Hub-Signature';
const WEAKNESS =
  'HMAC-SHA1 (a weak hash) and no timestamp is signed, so a captured notification can be replayed';

/**
 * Intercom: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the raw body with the app's client
 * secret. Detected from the User-Agent, as GitHub-style headers are shared with others.
 */
export const intercom: SignatureScheme = {
  id: 'intercom',
  name: 'Intercom',
  defaultToleranceSec: null,
  weakness: WEAKNESS,
  detect: (h) => /intercom/i.test(h.get('user-agent') ?? ''),
  verify(req, h, ctx) {
    const read = readSignatures(h.all(SIG), {
      prefix: 'sha1=',
      encoding: 'hex',
      bytes: 20,
      digest: 'HMAC-SHA1',
    });
    return decide(
      ctx,
      {
        header: SIG,
        ...read,
        missingHint: "Intercom signs with the app's client secret (Developer Hub, Basic Info).",
      },
      (secret) => hmac('sha1', secret, req.body),
      safeEqual,
      WEAKNESS,
    );
  },
  sign(req, secret) {
    const sig = hmac('sha1', secret.trim(), req.body).toString('hex');
    return replaceHeaders(req.headers, [SIG], [[SIG, `sha1=${sig}`]]);
  },
  idempotencyKey(_req, _h, json) {
    // A notification_event's id (notif_…) stays the same across delivery attempts, while the
    // body's delivery_attempts changes, so the body hash would not catch retries.
    const id = (json as { id?: unknown } | null | undefined)?.id;
    return typeof id === 'string' && id ? { key: id, source: 'body.id' } : null;
  },
};
