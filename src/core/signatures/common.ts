import { fromBase64, fromHex, type HmacAlgorithm } from './crypto';
import type { HeaderBag } from './headers';
import type { IdempotencyKey } from './types';
import type { Observed } from './verdict';

// Helpers every scheme module shares: reading signature headers, quoting what was sent in a
// reason, and reading the delivery id from headers or the body.

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

/** A JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first of `names` present with a non-blank value, as a delivery id naming its header. */
export function headerKey(h: HeaderBag, names: readonly string[]): IdempotencyKey | null {
  for (const name of names) {
    const v = h.get(name)?.trim();
    if (v) return { key: v, source: `${name} header` };
  }
  return null;
}

/** The body's top-level string `field` (non-empty) as a delivery id, from `body.<field>`. */
export function bodyKey(json: unknown, field: string): IdempotencyKey | null {
  const id = isRecord(json) ? json[field] : undefined;
  return typeof id === 'string' && id ? { key: id, source: `body.${field}` } : null;
}

/**
 * Verdicts whose signature checked out over the stored body (stale or from the future: only
 * its time was off). Only such a delivery may be re-signed or be the first of its delivery id.
 */
export const VERIFIED_SIGNATURES: ReadonlySet<string> = new Set(['valid', 'stale', 'future']);
