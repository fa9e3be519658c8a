import type { ProviderId } from '../../shared/model';
import { quote, readSignatures } from './common';
import { hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders } from './headers';
import type { SignatureScheme } from './types';
import { decide } from './verdict';

/**
 * The `v0` scheme Slack introduced and Zoom copied: `<sig header>: v0=<hex>`, HMAC-SHA256 of
 * `v0:<timestamp>:<body>`, the timestamp in Unix seconds in its own header, five-minute window.
 * Detected by either header.
 */
export function v0HmacScheme(o: {
  id: ProviderId;
  sigHeader: string;
  tsHeader: string;
  missingHint: string;
  idempotencyKey: SignatureScheme['idempotencyKey'];
}): SignatureScheme {
  const { sigHeader: SIG, tsHeader: TS } = o;
  return defineScheme(o.id, {
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
          missingHint: o.missingHint,
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
    idempotencyKey: o.idempotencyKey,
  });
}
