import { deliveryIdHeaders } from '../../shared/providers';
import { DIGEST_BYTES, headerKey, quote } from './common';
import { fromHex, hmac, safeEqual, type HmacAlgorithm } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders } from './headers';
import { decide } from './verdict';

const SIG = 'X-Hub-Signature';
const WEAKNESS = 'no timestamp is signed, so a captured delivery can be replayed';
const ALGORITHMS: HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];

/**
 * Jira (Cloud) webhooks with a secret: WebSub-style `X-Hub-Signature: <method>=<hex>`, in
 * practice `sha256=`, an HMAC of the raw body. Webhooks without a secret are unsigned.
 * X-Atlassian-Webhook-Identifier identifies a delivery and is kept across retries.
 */
export const jira = defineScheme('jira', {
  defaultToleranceSec: null,
  weakness: WEAKNESS,
  detect: (h) => h.has('x-atlassian-webhook-identifier'),
  verify(req, h, ctx) {
    const values = h.all(SIG);
    const signatures: Buffer[] = [];
    const algorithms = new Set<HmacAlgorithm>();
    let problem: string | undefined;
    for (const item of values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean)) {
      const eq = item.indexOf('=');
      const method = item.slice(0, Math.max(eq, 0)).toLowerCase() as HmacAlgorithm;
      const sig = eq > 0 ? fromHex(item.slice(eq + 1)) : null;
      if (!ALGORITHMS.includes(method) || !sig || sig.length !== DIGEST_BYTES[method]) {
        problem ??= `${quote(item)} is not "sha256=<hex>"`;
        continue;
      }
      signatures.push(sig);
      algorithms.add(method);
    }
    return decide(
      ctx,
      {
        header: SIG,
        signatures: values.length === 0 ? null : signatures,
        malformed:
          values.length > 0 && signatures.length === 0 ? (problem ?? 'it is empty') : undefined,
        missingHint: 'Jira signs only webhooks that have a secret set.',
      },
      (secret) => [...algorithms].map((a) => hmac(a, secret, req.body)),
      safeEqual,
      WEAKNESS,
    );
  },
  sign(req, secret) {
    const sig = hmac('sha256', secret.trim(), req.body).toString('hex');
    return replaceHeaders(req.headers, [SIG], [[SIG, `sha256=${sig}`]]);
  },
  idempotencyKey: (_req, h) => headerKey(h, deliveryIdHeaders('jira')),
});
