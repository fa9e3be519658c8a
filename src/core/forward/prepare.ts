import { isIP } from 'node:net';
import type { IncomingDelivery } from '../types';
import type { OutgoingRequest } from './send';

/**
 * Headers never passed on (README, "Forwarded headers"):
 * - those that describe one connection, not the message (RFC 9110 §7.6.1), and any header the
 *   sender names in its own `Connection` header;
 * - the sender's `Cookie` and `Proxy-*`: no webhook provider sends cookies, and a cookie from a
 *   public sender must not reach an app on localhost that may use cookie sessions;
 * - headers that make a framework or proxy believe another path, method, origin or client
 *   than the one Hookscope received (`X-Original-URL`, `X-HTTP-Method-Override`, `Forwarded`,
 *   `X-Real-IP`, `X-Forwarded-*`, ...): a public sender must not pick them. The ones that say
 *   who sent it and where (`Forwarded`, `X-Forwarded-For/-Proto/-Host`, `X-Real-IP`) are set
 *   again from what Hookscope itself knows.
 * `Authorization` is passed on: providers configured with basic auth or a bearer token
 * (Twilio's credentials in the URL, Zendesk, custom senders) put their credential there for the
 * app to check; Hookscope relays it only to the target you set.
 */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'host',
  'content-length',
  'cookie',
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'x-original-url',
  'x-rewrite-url',
  'x-original-host',
  'x-original-method',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

/** A header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A host name or IPv4 (or a bracketed IPv6), with an optional port. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The parts of a stored delivery a forward needs. */
export type ForwardSource = Pick<IncomingDelivery, 'method' | 'headers' | 'body' | 'sourceIp'> &
  Partial<Pick<IncomingDelivery, 'publicUrl'>>;

/** The header names the sender's `Connection` headers list (lower case). */
function connectionNamed(headers: [string, string][]): Set<string> {
  const named = new Set<string>();
  for (const [n, v] of headers) {
    if (n.toLowerCase() !== 'connection') continue;
    for (const part of v.split(',')) {
      const name = part.trim().toLowerCase();
      if (TOKEN.test(name)) named.add(name);
    }
  }
  return named;
}

/** True for a header a public sender may not pass on to the app (see NOT_FORWARDED). */
function dropped(lower: string, named: Set<string>): boolean {
  return (
    NOT_FORWARDED.has(lower) ||
    named.has(lower) ||
    lower.startsWith('proxy-') ||
    lower.startsWith('x-forwarded-')
  );
}

/** The origin the request reached Hookscope on: the public URL's, else the Host it named. */
function receivedOn(
  src: ForwardSource,
  originalHost: string | null,
): { proto: string; host: string | null } {
  if (src.publicUrl && URL.canParse(src.publicUrl)) {
    const u = new URL(src.publicUrl);
    return { proto: u.protocol.slice(0, -1), host: u.host };
  }
  // The receiver listens on plain HTTP; a Host that is not a host name is not passed on.
  return { proto: 'http', host: originalHost && HOST.test(originalHost) ? originalHost : null };
}

/** An RFC 7239 `Forwarded` value (IPv6 bracketed and quoted, a host with a port quoted). */
function forwardedValue(ip: string | null, proto: string, host: string | null): string {
  const parts: string[] = [];
  if (ip) parts.push(isIP(ip) === 6 ? `for="[${ip}]"` : `for=${ip}`);
  if (host) parts.push(/^[A-Za-z0-9.-]+$/.test(host) ? `host=${host}` : `host="${host}"`);
  parts.push(`proto=${proto}`);
  return parts.join(';');
}

/**
 * The request sent to the developer's app (forward, redrive, replay, check-up payloads): the
 * original method, headers in order minus the ones above, Host set to the target, the
 * forwarding headers set from what Hookscope knows (the client address it believed, the
 * public URL or Host the request arrived on), and the exact body bytes. The URL comes from
 * `forwardUrl` (src/shared/forward-url.ts).
 */
export function forwardRequest(
  src: ForwardSource,
  url: string,
  originalHost: string | null,
): OutgoingRequest {
  const target = new URL(url);
  const headers: [string, string][] = [['Host', target.host]];
  const named = connectionNamed(src.headers);
  for (const [n, v] of src.headers) {
    if (!dropped(n.toLowerCase(), named)) headers.push([n, v]);
  }
  const { proto, host } = receivedOn(src, originalHost);
  const ip = src.sourceIp && isIP(src.sourceIp) ? src.sourceIp : null;
  headers.push(['Forwarded', forwardedValue(ip, proto, host)]);
  if (ip) headers.push(['X-Forwarded-For', ip], ['X-Real-IP', ip]);
  headers.push(['X-Forwarded-Proto', proto]);
  if (host) headers.push(['X-Forwarded-Host', host]);
  headers.push(['Content-Length', String(src.body.length)]);
  return { method: src.method, url, headers, body: src.body };
}
