import { HookscopeError } from '../../shared/errors';
import { fromHex, hmac, safeEqual } from './crypto';
import { replaceHeaders } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

/**
 * Stripe: `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 over
 * `${t}.${raw body}` keyed with the whole endpoint secret string (`whsec_…` as-is, not decoded).
 * Several v1 entries appear while a secret is being rolled; v0 (test-mode legacy) is ignored,
 * as stripe-node does.
 */

const HEADER = 'Stripe-Signature';

interface Parsed {
  ts: string | undefined;
  tsMs: number | undefined;
  signatures: Buffer[];
  malformed: string | undefined;
}

/** Parses the header the way stripe-node does (`,`-separated `key=value`), strictly. */
function parse(header: string): Parsed {
  let ts: string | undefined;
  const signatures: Buffer[] = [];
  const bad: string[] = [];
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq === -1) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') ts = value;
    else if (key === 'v1') {
      const sig = fromHex(value);
      if (sig && sig.length === 32) signatures.push(sig);
      else bad.push(JSON.stringify(value.slice(0, 40)));
    }
  }
  let malformed: string | undefined;
  if (ts === undefined) malformed = 'no t=<timestamp> in it';
  else if (!/^\d{1,12}$/.test(ts)) {
    malformed = `t= must be Unix seconds, got ${JSON.stringify(ts.slice(0, 40))}`;
  } else if (signatures.length === 0) {
    malformed =
      bad.length > 0
        ? `v1= must be 64 hex digits, got ${bad.slice(0, 3).join(', ')}`
        : 'no v1=<signature> in it (expected "t=<unix seconds>,v1=<hex>")';
  }
  const tsMs = ts !== undefined && /^\d{1,12}$/.test(ts) ? Number(ts) * 1000 : undefined;
  return { ts, tsMs, signatures, malformed };
}

export const stripe: SignatureScheme = {
  id: 'stripe',
  name: 'Stripe',
  defaultToleranceSec: 300,
  weakness: null,
  detect: (h) => h.has('stripe-signature'),
  verify(req, h, ctx) {
    const header = h.get('stripe-signature');
    const p = header === undefined ? null : parse(header);
    const v = decide(
      ctx,
      {
        header: HEADER,
        signatures: p ? p.signatures : null,
        malformed: p?.malformed,
        timestampMs: p?.tsMs,
        missingHint: 'Stripe signs every webhook endpoint delivery; `stripe listen` signs too.',
      },
      (secret) => hmac('sha256', secret, `${p?.ts ?? ''}.`, req.body),
      safeEqual,
    );
    if (v.status === 'invalid' && p?.malformed === undefined) {
      const odd = ctx.secrets.findIndex((s) => !s.startsWith('whsec_'));
      if (odd !== -1) {
        return {
          ...v,
          reason: `${v.reason} Note: secret #${odd + 1} does not start with whsec_; Stripe signs with the endpoint's signing secret (whsec_…), not an API key.`,
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
  idempotencyKey(_req, _h, json) {
    const id = isRecord(json) ? json.id : undefined;
    return typeof id === 'string' && id ? { key: id, source: 'body.id' } : null;
  },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
