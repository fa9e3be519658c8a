import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** HMAC of `parts` (concatenated) with `key`. */
export function hmac(
  algorithm: HmacAlgorithm,
  key: string | Buffer,
  ...parts: (string | Buffer)[]
): Buffer {
  const h = createHmac(algorithm, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Constant-time equality; false (not a throw) when lengths differ. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decodes hex strictly (even length, hex digits only); null when it is not hex. */
export function fromHex(s: string): Buffer | null {
  return /^(?:[0-9a-fA-F]{2})+$/.test(s) ? Buffer.from(s, 'hex') : null;
}

/** Decodes standard or URL-safe base64 strictly; null when it is not base64. */
export function fromBase64(s: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s) || s.length % 4 === 1) return null;
  return Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64');
}
