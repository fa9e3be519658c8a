import { HookscopeError } from '../../shared/errors';
import type { GenericHmacConfig } from '../../shared/model';
import { DIGEST_BYTES, quote, readSignatures } from './common';
import { hmac, safeEqual } from './crypto';
import { defineScheme } from './define';
import { replaceHeaders } from './headers';
import type { VerifyResult } from './types';
import { decide } from './verdict';

/** Why a (possibly hand-edited) config cannot be used, or null. */
function configProblem(c: GenericHmacConfig): string | null {
  if (typeof c.header !== 'string' || c.header.trim() === '') return 'no signature header is set';
  if (!['sha1', 'sha256', 'sha512'].includes(c.algorithm)) {
    return `algorithm ${quote(String(c.algorithm))} is not sha1, sha256 or sha512`;
  }
  if (c.encoding !== 'hex' && c.encoding !== 'base64') {
    return `encoding ${quote(String(c.encoding))} is not hex or base64`;
  }
  if (c.signed === 'timestamp+body' && !c.timestampHeader?.trim()) {
    return 'the timestamp is signed but no timestamp header is set';
  }
  return null;
}

/** What makes a given config weak, or null. */
function configWeakness(c: GenericHmacConfig): string | null {
  const parts: string[] = [];
  if (c.algorithm === 'sha1') parts.push('HMAC-SHA1');
  if (c.signed !== 'timestamp+body') {
    parts.push('no timestamp is signed, so a captured request can be replayed');
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

/**
 * A configurable HMAC over the raw body (optionally `timestamp + separator + body`), for senders
 * without a dedicated scheme. Driven entirely by the endpoint's GenericHmacConfig; never detected.
 */
export const genericHmac = defineScheme('generic-hmac', {
  defaultToleranceSec: null,
  weakness: null,
  detect: () => false,
  verify(req, h, ctx): VerifyResult {
    const c = ctx.hmac;
    if (!c) {
      return {
        status: 'invalid',
        reason:
          'The generic-hmac settings are missing: set the signature header, algorithm (sha1, sha256 or sha512), encoding (hex or base64) and prefix on this endpoint to check its signatures.',
      };
    }
    const problem = configProblem(c);
    if (problem) {
      return {
        status: 'invalid',
        reason: `The generic-hmac settings are incomplete: ${problem}.`,
      };
    }
    const prefix = c.prefix ?? '';
    const read = readSignatures(h.all(c.header), {
      prefix,
      encoding: c.encoding,
      bytes: DIGEST_BYTES[c.algorithm],
      digest: `HMAC-${c.algorithm.toUpperCase()}`,
    });
    let malformed = read.malformed;
    let timestampMs: number | undefined;
    const tsHeader = c.signed === 'timestamp+body' ? c.timestampHeader! : null;
    const ts = tsHeader ? h.get(tsHeader) : undefined;
    if (tsHeader) {
      const unit = c.timestampUnit === 'ms' ? 'milliseconds' : 'seconds';
      if (ts === undefined || !/^\d{1,16}$/.test(ts.trim())) {
        if (read.signatures !== null && malformed === undefined) {
          malformed = `the ${tsHeader} header it signs must be Unix ${unit}, got ${ts === undefined ? 'nothing' : quote(ts)}`;
        }
      } else {
        timestampMs = Number(ts.trim()) * (c.timestampUnit === 'ms' ? 1 : 1000);
      }
    }
    return decide(
      ctx,
      { header: c.header, signatures: read.signatures, malformed, timestampMs },
      (secret) =>
        tsHeader
          ? hmac(c.algorithm, secret, ts!.trim(), c.separator ?? '.', req.body)
          : hmac(c.algorithm, secret, req.body),
      safeEqual,
      configWeakness(c),
    );
  },
  sign(req, secret, now, config) {
    if (!config || configProblem(config)) {
      throw new HookscopeError(
        'bad_input',
        `generic-hmac needs complete settings to sign: ${config ? configProblem(config) : 'none are set'}`,
      );
    }
    const key = secret.trim();
    const digest = (d: Buffer) =>
      config.encoding === 'hex' ? d.toString('hex') : d.toString('base64');
    if (config.signed === 'timestamp+body') {
      const tsHeader = config.timestampHeader!;
      const ts = String(config.timestampUnit === 'ms' ? now : Math.floor(now / 1000));
      const sig = hmac(config.algorithm, key, ts, config.separator ?? '.', req.body);
      return replaceHeaders(
        req.headers,
        [config.header, tsHeader],
        [
          [tsHeader, ts],
          [config.header, `${config.prefix ?? ''}${digest(sig)}`],
        ],
      );
    }
    const sig = hmac(config.algorithm, key, req.body);
    return replaceHeaders(
      req.headers,
      [config.header],
      [[config.header, `${config.prefix ?? ''}${digest(sig)}`]],
    );
  },
  idempotencyKey: () => null,
});
