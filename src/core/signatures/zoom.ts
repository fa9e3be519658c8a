import { hmac, safeEqual } from './crypto';
import { quote, readSignatures } from './generic-hmac';
import { replaceHeaders } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

const SIG = 'x-zm-signature';
const TS = 'x-zm-request-timestamp';

/**
 * Zoom: `x-zm-signature: v0=<hex>`, HMAC-SHA256 of `v0:<x-zm-request-timestamp>:<body>` with the
 * app's Secret Token, timestamp in Unix seconds (five-minute window). endpoint.url_validation
 * requests are signed the same way.
 */
export const zoom: SignatureScheme = {
  id: 'zoom',
  name: 'Zoom',
  defaultToleranceSec: 300,
  weakness: null,
  detect: (h) => h.has(SIG) || h.has(TS),
  verify(req, h, ctx) {
    const read = readSignatures(h.all(SIG), {
      prefix: 'v0=',
      encoding: 'hex',
      bytes: 32,
      digest: 'HMAC-SHA256',
    });
    const ts = h.get(TS)?.trim();
    const tsOk = ts !== undefined && /^\d{1,12}$/.test(ts);
    let malformed = read.malformed;
    if (read.signatures !== null && malformed === undefined && !tsOk) {
      malformed = `the ${TS} header it signs must be Unix seconds, got ${ts === undefined ? 'nothing' : quote(ts)}`;
    }
    return decide(
      ctx,
      {
        header: SIG,
        ...read,
        malformed,
        timestampMs: tsOk ? Number(ts) * 1000 : undefined,
        missingHint: "Zoom signs with the event subscription's Secret Token.",
      },
      (secret) => hmac('sha256', secret, `v0:${ts}:`, req.body),
      safeEqual,
    );
  },
  sign(req, secret, now) {
    const ts = String(Math.floor(now / 1000));
    const sig = hmac('sha256', secret.trim(), `v0:${ts}:`, req.body).toString('hex');
    return replaceHeaders(
      req.headers,
      [SIG, TS],
      [
        [TS, ts],
        [SIG, `v0=${sig}`],
      ],
    );
  },
  // Zoom documents no delivery id that survives its retries (x-zm-trackingid identifies a
  // request; whether a retry keeps it is not documented), so the engine's body hash is used.
  idempotencyKey: () => null,
};
