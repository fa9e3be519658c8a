import type { IncomingDelivery } from '../types';
import type { OutgoingRequest } from './send';

/** Headers that describe one connection, not the message: never passed on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/** The parts of a stored delivery a forward needs. */
export type ForwardSource = Pick<
  IncomingDelivery,
  'method' | 'path' | 'query' | 'headers' | 'body' | 'sourceIp'
>;

/**
 * The URL a delivery is forwarded to: the target, plus the part of the path after the
 * endpoint's prefix when `appendSuffix` (so `/stripe/events` on endpoint `/stripe` goes to
 * `<target>/events`), plus the original query string.
 */
export function forwardUrl(
  target: string,
  endpointPath: string,
  src: ForwardSource,
  appendSuffix = true,
): string {
  const url = new URL(target);
  if (appendSuffix) {
    const suffix = endpointPath === '/' ? src.path : src.path.slice(endpointPath.length);
    if (suffix && suffix !== '/')
      url.pathname =
        url.pathname.replace(/\/$/, '') + (suffix.startsWith('/') ? suffix : `/${suffix}`);
  }
  if (src.query) url.search = url.search ? `${url.search}&${src.query}` : `?${src.query}`;
  return url.toString();
}

/**
 * The request sent to the developer's app: the original method, headers in order minus
 * hop-by-hop ones, Host set to the target, X-Forwarded-* added, and the exact body bytes.
 */
export function forwardRequest(
  src: ForwardSource,
  url: string,
  originalHost: string | null,
): OutgoingRequest {
  const target = new URL(url);
  const headers: [string, string][] = [['Host', target.host]];
  for (const [n, v] of src.headers) {
    const lower = n.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower.startsWith('x-forwarded-')) continue;
    headers.push([n, v]);
  }
  const xff = src.headers.filter(([n]) => n.toLowerCase() === 'x-forwarded-for').map(([, v]) => v);
  if (src.sourceIp) xff.push(src.sourceIp);
  if (xff.length > 0) headers.push(['X-Forwarded-For', xff.join(', ')]);
  const proto = src.headers.find(([n]) => n.toLowerCase() === 'x-forwarded-proto')?.[1] ?? 'http';
  headers.push(['X-Forwarded-Proto', proto]);
  if (originalHost) headers.push(['X-Forwarded-Host', originalHost]);
  headers.push(['Content-Length', String(src.body.length)]);
  return { method: src.method, url, headers, body: src.body };
}
