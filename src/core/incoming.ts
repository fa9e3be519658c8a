import type { IncomingMessage } from 'node:http';
import { isTrusted, normalizeIp } from './net';
import type { IncomingDelivery } from './types';

const EMPTY = Buffer.alloc(0);
/** A host name or IPv4 (or a bracketed IPv6), with an optional port. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** A request line as HTTP/1 spells it (method token, target, version). */
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}) (\S{1,8192}) HTTP\/\d(?:\.\d)?\r?$/;
/** Header lines kept from the bytes of a request the HTTP parser refused. */
const UNREAD_HEADERS_KEPT = 100;

/** Path and query of a request target (absolute-form targets keep only their path and query). */
function splitTarget(raw: string): { target: string; path: string; query: string } {
  let target = raw;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (abs) target = target.slice(abs[0].length) || '/';
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  return { target, path: path || '/', query: q === -1 ? '' : target.slice(q + 1) };
}

/** A delivery whose body is not read yet; no public URL unless it says one. */
function bodyless(
  d: Omit<IncomingDelivery, 'body' | 'publicUrl'> & { publicUrl?: string | null },
): IncomingDelivery {
  return { ...d, body: EMPTY, publicUrl: d.publicUrl ?? null };
}

/** True when the socket peer is one whose X-Forwarded-* headers are believed. */
export function isForwarder(peer: string | null, viaTunnel: boolean, trusted: string[]): boolean {
  return viaTunnel || (peer !== null && isTrusted(peer, trusted));
}

/** The delivery without its body (filled in once read), with the client it came from. */
export function describeRequest(
  req: IncomingMessage,
  receivedAt: number,
  viaTunnel: boolean,
  trusted: string[],
): IncomingDelivery {
  const raw = req.rawHeaders;
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
  const { target, path, query } = splitTarget(req.url ?? '/');

  const peer = normalizeIp(req.socket.remoteAddress ?? null);
  let sourceIp = peer;
  let publicUrl: string | null = null;
  if (isForwarder(peer, viaTunnel, trusted)) {
    sourceIp = clientFromForwardedFor(req.headers['x-forwarded-for'], trusted) ?? peer;
    const proto = first(req.headers['x-forwarded-proto']) ?? (viaTunnel ? 'https' : 'http');
    const host = first(req.headers['x-forwarded-host']) ?? req.headers.host;
    // Only a well-formed origin: these headers come from outside.
    if (host && /^https?$/i.test(proto) && HOST.test(host)) {
      publicUrl = `${proto.toLowerCase()}://${host}${target}`;
    }
  }
  const method = req.method ?? 'GET';
  return bodyless({ receivedAt, method, path, query, headers, sourceIp, viaTunnel, publicUrl });
}

/**
 * What can be read of a request the HTTP parser refused, from the bytes it was refused on
 * (a parse error may come in a later chunk than the request line): the method, path and
 * first header lines when they are there, else method `?` on `/`.
 */
export function unreadRequest(
  bytes: Buffer | undefined,
  receivedAt: number,
  sourceIp: string | null,
  viaTunnel: boolean,
): IncomingDelivery {
  const lines = (bytes ?? EMPTY).toString('latin1').split('\n');
  const line = REQUEST_LINE.exec(lines[0] ?? '');
  const headers: [string, string][] = [];
  if (line) {
    for (const l of lines.slice(1, 1 + UNREAD_HEADERS_KEPT)) {
      const colon = l.indexOf(':');
      if (colon <= 0) break;
      headers.push([l.slice(0, colon), l.slice(colon + 1).trim()]);
    }
  }
  const { path, query } = splitTarget(line?.[2] ?? '/');
  const method = line?.[1] ?? '?';
  return bodyless({ receivedAt, method, path, query, headers, sourceIp, viaTunnel });
}

function first(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s?.split(',')[0]?.trim() || undefined;
}

/** The client address from X-Forwarded-For: the rightmost entry that is not a trusted proxy. */
export function clientFromForwardedFor(
  header: string | string[] | undefined,
  trusted: string[],
): string | null {
  if (!header) return null;
  const parts = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((p) => normalizeIp(p.trim()))
    .filter((p): p is string => !!p);
  for (let i = parts.length - 1; i >= 0; i--) {
    if (!isTrusted(parts[i]!, trusted) || i === 0) return parts[i]!;
  }
  return null;
}
