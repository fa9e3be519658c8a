import { createHash } from 'node:crypto';
import { deliveryIdHeaders } from '../../shared/providers';
import { headerKey } from './common';
import { safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders, type HeaderBag } from './headers';
import { standardWebhooksScheme } from './standard-webhooks';
import type { SignatureInput, VerifyContext, VerifyResult } from './types';
import { decide } from './verdict';

const TOKEN = 'X-Gitlab-Token';
const WEAKNESS =
  'a plain token, not a signature: the body is not protected and the token travels with every request';

/**
 * GitLab's optional signing token (behind the `webhook_signing_token` feature flag, GitLab 18.x)
 * follows Standard Webhooks: `webhook-id` (= Idempotency-Key), `webhook-timestamp`,
 * `webhook-signature: v1,<base64>`, secret `whsec_<base64>`.
 */
const signed = standardWebhooksScheme({
  id: 'gitlab',
  prefix: 'webhook',
  detect: () => false,
});

/** Tokens compared through a hash, so the comparison is constant-time whatever their lengths. */
const sameToken = (sent: Buffer, want: Buffer): boolean =>
  safeEqual(createHash('sha256').update(sent).digest(), createHash('sha256').update(want).digest());

function tokenVerdict(h: HeaderBag, ctx: VerifyContext): VerifyResult {
  const values = h.all(TOKEN);
  const empty = values.length > 0 && values.every((v) => v.trim() === '');
  return decide(
    ctx,
    {
      header: TOKEN,
      signatures: values.length === 0 ? null : values.map((t) => Buffer.from(t.trim())),
      malformed: empty ? 'it is empty' : undefined,
      missingHint: 'Set a Secret token on the webhook in GitLab to get it with every delivery.',
      kind: 'token',
      optional: true,
    },
    (secret) => Buffer.from(secret),
    sameToken,
    WEAKNESS,
  );
}

/**
 * GitLab: the webhook's Secret token is sent as is in `X-Gitlab-Token` and compared in constant
 * time. When GitLab also signs (`webhook-signature`), that signature is checked first.
 */
export const gitlab = defineScheme('gitlab', {
  defaultToleranceSec: null,
  weakness: WEAKNESS,
  detect: (h) => h.has('x-gitlab-event') || h.has('x-gitlab-token'),
  verify(req: SignatureInput, h, ctx) {
    if (!h.has('webhook-signature')) return tokenVerdict(h, ctx);
    const sig = signed.verify(req, h, ctx);
    if (!h.has(TOKEN) || sig.status !== 'invalid') return sig;
    // Both sent: the token may be what is configured here (the signing token is separate).
    const token = tokenVerdict(h, ctx);
    if (token.status !== 'valid') return sig;
    return {
      status: 'valid',
      reason: `${token.reason} The webhook-signature header did not verify (add GitLab's signing token, whsec_…, to check it): ${sig.reason}`,
    };
  },
  sign(req, secret, now) {
    const key = secret.trim();
    if (key.startsWith('whsec_')) {
      // A signing token: sign as GitLab does, webhook-id being the Idempotency-Key.
      const has = (n: string) => req.headers.some(([k]) => k.toLowerCase() === n);
      const idem = req.headers.find(([k]) => k.toLowerCase() === 'idempotency-key')?.[1];
      const headers: [string, string][] =
        !has('webhook-id') && idem ? [...req.headers, ['webhook-id', idem]] : req.headers;
      return signed.sign({ ...req, headers }, key, now, null);
    }
    return replaceHeaders(req.headers, [TOKEN], [[TOKEN, key]]);
  },
  idempotencyKey: (_req, h) => headerKey(h, deliveryIdHeaders('gitlab')),
});
