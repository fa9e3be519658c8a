import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True when a Host header value (with its port) names this API on a loopback address. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  if (!m) return false;
  return LOOPBACK_HOSTS.has(m[1]!) && (m[2] === undefined ? port === 80 : Number(m[2]) === port);
}

/**
 * True when an Origin is absent or is this API on a loopback address (DNS rebinding guard),
 * served over `scheme` (`https:` when the API has its own certificate).
 */
export function isAllowedOrigin(
  origin: string | undefined,
  port: number,
  scheme: 'http:' | 'https:' = 'http:',
): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === scheme && isLoopbackHost(url.host, port);
}

/**
 * True when a Host header names exactly the configured public origin (`https://hooks.example.com`
 * → `hooks.example.com` or `hooks.example.com:443`).
 */
export function isPublicHost(host: string | undefined, publicOrigin: string | undefined): boolean {
  if (!host || !publicOrigin) return false;
  const want = new URL(publicOrigin);
  let got: URL;
  try {
    got = new URL(`${want.protocol}//${host}`);
  } catch {
    return false;
  }
  return !/[@/?#\\\s]/.test(host) && got.host === want.host;
}

/** True when an Origin is exactly the configured public origin. */
export function isPublicOrigin(
  origin: string | undefined,
  publicOrigin: string | undefined,
): boolean {
  if (!origin || !publicOrigin) return false;
  return origin === new URL(publicOrigin).origin;
}

/** The bearer token of a request, or null. */
export function bearer(req: IncomingMessage): string | null {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

/** Constant-time comparison of the request's bearer token with the run's token. */
export function hasToken(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (!m) return false;
  // Hash both sides so lengths match and timing does not depend on where they differ.
  const a = createHash('sha256').update(m[1]!).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
