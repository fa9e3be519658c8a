import { HookscopeError } from '../../shared/errors';
import type { GenericHmacConfig } from '../../shared/model';
import { fromBase64, fromHex, hmac, safeEqual, type HmacAlgorithm } from './crypto';
import { replaceHeaders } from './headers';
import type { SignatureScheme, VerifyResult } from './types';
import { decide, type Observed } from './verdict';

/** A header value shortened and quoted for a reason (control characters escaped). */
export function quote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

export type SignatureEncoding = 'hex' | 'base64';

/**
 * Reads signatures from every value of a header: each value may hold one signature or several
 * separated by spaces or commas, each `prefix` + hex/base64. A header with some unreadable
 * entries still yields the readable ones; `malformed` is set only when none could be read.
 * `bytes` is the digest length the scheme produces (a shorter one is reported, not compared).
 */
export function readSignatures(
  values: string[],
  o: { prefix: string; encoding: SignatureEncoding; bytes?: number; digest?: string },
): Pick<Observed, 'signatures' | 'malformed'> {
  if (values.length === 0) return { signatures: null };
  const signatures: Buffer[] = [];
  const problems: string[] = [];
  const form = `"${o.prefix}<${o.encoding}>"`;
  // A prefix such as "Bearer " contains a separator: then each header value is one signature.
  const splittable = !/[\s,]/.test(o.prefix);
  for (const value of values) {
    const items = splittable ? value.split(/[\s,]+/).filter(Boolean) : [value];
    for (const item of items) {
      if (item.slice(0, o.prefix.length).toLowerCase() !== o.prefix.toLowerCase()) {
        problems.push(`${quote(item)} is not ${form}`);
        continue;
      }
      const rest = item.slice(o.prefix.length);
      const sig = o.encoding === 'hex' ? fromHex(rest) : fromBase64(rest);
      if (!sig) problems.push(`${quote(item)} is not ${form}`);
      else if (o.bytes !== undefined && sig.length !== o.bytes) {
        problems.push(
          `${quote(item)} decodes to ${sig.length} bytes, not the ${o.bytes} of ${o.digest ?? 'the digest'}`,
        );
      } else signatures.push(sig);
    }
  }
  if (signatures.length > 0) return { signatures };
  return { signatures, malformed: problems[0] ?? 'it is empty' };
}

/** Digest length in bytes of each HMAC algorithm. */
export const DIGEST_BYTES: Record<HmacAlgorithm, number> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

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
export const genericHmac: SignatureScheme = {
  id: 'generic-hmac',
  name: 'Generic HMAC',
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
};
