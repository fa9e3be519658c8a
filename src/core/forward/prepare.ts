import type { IncomingDelivery } from '../types';
import type { OutgoingRequest } from './send';

/**
 * Headers never passed on: those that describe one connection, not the message (RFC 9110
 * §7.6.1), and the sender's `Cookie`. No webhook provider sends cookies, and a cookie from a
 * public sender must not reach an app on localhost that may use cookie sessions. `Proxy-*`
 * headers are dropped too (below). `Authorization` is passed on: providers configured with
 * basic auth or a bearer token (Twilio's credentials in the URL, Zendesk, custom senders) put
 * their credential there for the app to check; Hookscope relays it only to the target you set.
 */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/** The parts of a stored delivery a forward needs. */
export type ForwardSource = Pick<IncomingDelivery, 'method' | 'headers' | 'body' | 'sourceIp'>;

/**
 * The request sent to the developer's app (forward, redrive, replay): the original method,
 * headers in order minus the ones above, Host set to the target, X-Forwarded-* added, and the
 * exact body bytes. The URL comes from `forwardUrl` (src/shared/forward-url.ts).
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
    if (NOT_FORWARDED.has(lower) || lower.startsWith('proxy-') || lower.startsWith('x-forwarded-'))
      continue;
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
