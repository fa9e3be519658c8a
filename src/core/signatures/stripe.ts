import { HookscopeError } from '../../shared/errors';
import { bodyKey } from './common';
import { hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders } from './headers';
import { parseKeyedSignatureHeader } from './keyed-header';
import type { SecretForm } from './types';
import { decide } from './verdict';

/**
 * Stripe: `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 over
 * `${t}.${raw body}` keyed with the whole endpoint secret string (`whsec_…` as-is, not decoded).
 * Several v1 entries appear while a secret is being rolled; v0 (test-mode legacy) is ignored,
 * as stripe-node does.
 */

const FORMAT = { separator: ',', tsKey: 't', sigKey: 'v1' };
const HEADER = 'Stripe-Signature';

const secretForm: SecretForm = {
  expected:
    "whsec_… (the endpoint's signing secret: Developers → Webhooks → your endpoint → Signing secret, or the one `stripe listen` prints), not an API key",
  problem: (s) =>
    /^(sk|rk|pk)_(live|test)_/.test(s)
      ? 'it is a Stripe API key, which does not sign webhooks'
      : !s.startsWith('whsec_') || s.length === 'whsec_'.length
        ? 'it does not start with whsec_'
        : null,
};

export const stripe = defineScheme('stripe', {
  defaultToleranceSec: 300,
  weakness: null,
  secretForm,
  detect: (h) => h.has('stripe-signature'),
  verify(req, h, ctx) {
    const header = h.get('stripe-signature');
    const p = header === undefined ? null : parseKeyedSignatureHeader(header, FORMAT);
    const v = decide(
      ctx,
      {
        header: HEADER,
        signatures: p ? p.signatures : null,
        malformed: p?.malformed,
        timestampMs: p?.tsMs,
        missingHint: 'Stripe signs every webhook endpoint delivery; `stripe listen` signs too.',
        futureNote:
          "Stripe's own SDK (constructEvent) accepts future timestamps and rejects only old ones, so a handler built on it takes this delivery.",
      },
      (secret) => hmac('sha256', secret, `${p?.ts ?? ''}.`, req.body),
      safeEqual,
    );
    if (v.status === 'invalid' && p?.malformed === undefined) {
      const odd = ctx.secrets.findIndex((s) => secretForm.problem(s) !== null);
      if (odd !== -1) {
        return {
          ...v,
          reason: `${v.reason} Note: secret #${odd + 1} does not look like a signing secret for Stripe: ${secretForm.problem(ctx.secrets[odd]!)}; expected ${secretForm.expected}.`,
        };
      }
    }
    return v;
  },
  sign(req, secret, now) {
    const key = secret.trim();
    if (!key)
      throw new HookscopeError('bad_input', 'Stripe needs the endpoint signing secret (whsec_…)');
    const t = Math.floor(now / 1000);
    const sig = hmac('sha256', key, `${t}.`, req.body).toString('hex');
    return replaceHeaders(req.headers, [HEADER], [[HEADER, `t=${t},v1=${sig}`]]);
  },
  idempotencyKey: (_req, _h, json) => bodyKey(json, 'id'),
});
