import { HookscopeError } from '../../shared/errors';
import { fromHex, hmac, safeEqual } from './crypto';
import { replaceHeaders } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix s>;h1=<hex>[;h1=<hex>…]`, HMAC-SHA256 over
 * `${ts}:${raw body}` keyed with the notification destination's secret (`pdl_ntfset_…`, used
 * as text). Several h1 values appear while a secret is rotated. Paddle's SDKs allow 5 s of skew.
 * (Paddle Classic's `p_signature` body field is a different, retired scheme.)
 */

const HEADER = 'Paddle-Signature';

interface Parsed {
  ts: string | undefined;
  tsMs: number | undefined;
  signatures: Buffer[];
  malformed: string | undefined;
}

function parse(header: string): Parsed {
  let ts: string | undefined;
  const signatures: Buffer[] = [];
  const bad: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'ts') ts = value;
    else if (key === 'h1') {
      const sig = fromHex(value);
      if (sig && sig.length === 32) signatures.push(sig);
      else bad.push(JSON.stringify(value.slice(0, 40)));
    }
  }
  const okTs = ts !== undefined && /^\d{1,12}$/.test(ts);
  let malformed: string | undefined;
  if (ts === undefined)
    malformed = 'no ts=<timestamp> in it (expected "ts=<unix seconds>;h1=<hex>")';
  else if (!okTs) malformed = `ts= must be Unix seconds, got ${JSON.stringify(ts.slice(0, 40))}`;
  else if (signatures.length === 0) {
    malformed =
      bad.length > 0
        ? `h1= must be 64 hex digits, got ${bad.slice(0, 3).join(', ')}`
        : 'no h1=<signature> in it (expected "ts=<unix seconds>;h1=<hex>")';
  }
  return { ts, tsMs: okTs ? Number(ts) * 1000 : undefined, signatures, malformed };
}

export const paddle: SignatureScheme = {
  id: 'paddle',
  name: 'Paddle',
  defaultToleranceSec: 5,
  weakness: null,
  detect: (h) => h.has('paddle-signature'),
  verify(req, h, ctx) {
    const header = h.get(HEADER);
    const p = header === undefined ? null : parse(header);
    return decide(
      ctx,
      {
        header: HEADER,
        signatures: p ? p.signatures : null,
        malformed: p?.malformed,
        timestampMs: p?.tsMs,
      },
      (secret) => hmac('sha256', secret, `${p?.ts ?? ''}:`, req.body),
      safeEqual,
    );
  },
  sign(req, secret, now) {
    const key = secret.trim();
    if (!key) {
      throw new HookscopeError(
        'bad_input',
        "Paddle needs the notification destination's secret key",
      );
    }
    const ts = Math.floor(now / 1000);
    const sig = hmac('sha256', key, `${ts}:`, req.body).toString('hex');
    return replaceHeaders(req.headers, [HEADER], [[HEADER, `ts=${ts};h1=${sig}`]]);
  },
  idempotencyKey(_req, _h, json) {
    const id = isRecord(json) ? json.event_id : undefined;
    return typeof id === 'string' && id ? { key: id, source: 'body.event_id' } : null;
  },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
