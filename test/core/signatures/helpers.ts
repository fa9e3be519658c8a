import { HeaderBag } from '../../../src/core/signatures/headers';
import type {
  SignatureInput,
  SignatureScheme,
  VerifyContext,
  VerifyResult,
} from '../../../src/core/signatures/types';
import type { GenericHmacConfig } from '../../../src/shared/model';

/** A fixed "now" for signature tests: 2026-11-27T12:00:00Z. */
export const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

/** Builds a SignatureInput; body as string or bytes, headers as pairs. */
export function input(o: {
  body?: string | Buffer;
  headers?: [string, string][];
  method?: string;
  path?: string;
  query?: string;
  url?: string;
}): SignatureInput {
  const path = o.path ?? '/hooks';
  const query = o.query ?? '';
  return {
    method: o.method ?? 'POST',
    path,
    query,
    headers: o.headers ?? [],
    body: typeof o.body === 'string' ? Buffer.from(o.body) : (o.body ?? Buffer.alloc(0)),
    url: o.url ?? `https://hooks.example.com${path}${query ? `?${query}` : ''}`,
  };
}

/** Verifies `req` with `scheme` at NOW (or `now`) with the given secrets. */
export function verify(
  scheme: SignatureScheme,
  req: SignatureInput,
  secrets: string[],
  opts: { now?: number; toleranceSec?: number; hmac?: GenericHmacConfig | null } = {},
): VerifyResult {
  const ctx: VerifyContext = {
    secrets: secrets.map((s) => s.trim()).filter(Boolean),
    now: opts.now ?? NOW,
    toleranceSec: opts.toleranceSec ?? scheme.defaultToleranceSec ?? 300,
    hmac: opts.hmac ?? null,
  };
  return scheme.verify(req, new HeaderBag(req.headers), ctx);
}

/** Converts a Headers-like record to pairs. */
export function pairs(h: Record<string, string>): [string, string][] {
  return Object.entries(h);
}
