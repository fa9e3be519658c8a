import type { EventDetail } from '../../shared/model';
import type { IncomingDelivery } from '../types';
import { VERSION } from '../version';

/** Hookscope's own fields on a HAR entry, so a round trip keeps every byte. */
interface HookscopeExtra {
  id: string;
  endpointId: string;
  sourceIp: string | null;
  viaTunnel: boolean;
  publicUrl: string | null;
  bodyBase64: string;
}

interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: { name: string; value: string }[];
    queryString: { name: string; value: string }[];
    cookies: never[];
    headersSize: number;
    bodySize: number;
    postData?: { mimeType: string; text: string; encoding?: 'base64' };
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: never[];
    cookies: never[];
    content: { size: number; mimeType: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  _hookscope?: HookscopeExtra;
}

/** A delivery read back from a file, with the status it was answered with. */
export interface ImportedDelivery {
  delivery: IncomingDelivery;
  responseStatus: number;
}

function queryPairs(query: string): { name: string; value: string }[] {
  return [...new URLSearchParams(query)].map(([name, value]) => ({ name, value }));
}

/** Events as a HAR 1.2 log (bodies that are not UTF-8 as base64; exact bytes in `_hookscope`). */
export function toHar(events: EventDetail[]): string {
  const entries: HarEntry[] = events.map((e) => {
    const host = e.headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? 'localhost';
    const target = e.query ? `${e.path}?${e.query}` : e.path;
    return {
      startedDateTime: e.receivedAt,
      time: 0,
      request: {
        method: e.method,
        url: e.publicUrl ?? `http://${host}${target}`,
        httpVersion: 'HTTP/1.1',
        headers: e.headers.map(([name, value]) => ({ name, value })),
        queryString: queryPairs(e.query),
        cookies: [],
        headersSize: -1,
        bodySize: e.body.size,
        ...(e.body.size > 0
          ? {
              postData:
                e.body.text !== undefined
                  ? { mimeType: e.contentType ?? '', text: e.body.text }
                  : {
                      mimeType: e.contentType ?? '',
                      text: e.body.base64,
                      encoding: 'base64' as const,
                    },
            }
          : {}),
      },
      response: {
        status: e.response.status,
        statusText: '',
        httpVersion: 'HTTP/1.1',
        headers: [],
        cookies: [],
        content: { size: 0, mimeType: '' },
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: { send: 0, wait: 0, receive: 0 },
      _hookscope: {
        id: e.id,
        endpointId: e.endpointId,
        sourceIp: e.sourceIp,
        viaTunnel: e.viaTunnel,
        publicUrl: e.publicUrl,
        bodyBase64: e.body.base64,
      },
    };
  });
  return JSON.stringify(
    { log: { version: '1.2', creator: { name: 'Hookscope', version: VERSION }, entries } },
    null,
    2,
  );
}

/** Events as NDJSON: one EventDetail per line. */
export function toNdjson(events: EventDetail[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
}

/** Reads a HAR log back into deliveries; throws an Error saying what is wrong. */
export function fromHar(text: string): ImportedDelivery[] {
  let har: { log?: { entries?: HarEntry[] } };
  try {
    har = JSON.parse(text) as typeof har;
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`, { cause: err });
  }
  const entries = har.log?.entries;
  if (!Array.isArray(entries)) throw new Error('not a HAR file: no log.entries');
  return entries.map((h, i) => {
    const req = h.request;
    if (!req || typeof req.method !== 'string' || typeof req.url !== 'string') {
      throw new Error(`entry ${i}: request.method and request.url are required`);
    }
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new Error(`entry ${i}: request.url "${req.url}" is not a URL`);
    }
    const x = h._hookscope;
    const body = x
      ? Buffer.from(x.bodyBase64, 'base64')
      : req.postData
        ? Buffer.from(
            req.postData.text ?? '',
            req.postData.encoding === 'base64' ? 'base64' : 'utf8',
          )
        : Buffer.alloc(0);
    const at = Date.parse(h.startedDateTime);
    return {
      delivery: {
        receivedAt: Number.isNaN(at) ? Date.now() : at,
        method: req.method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: (req.headers ?? []).map(
          (p) => [String(p.name), String(p.value)] as [string, string],
        ),
        body,
        sourceIp: x?.sourceIp ?? null,
        viaTunnel: x?.viaTunnel ?? false,
        publicUrl: x?.publicUrl ?? null,
      },
      responseStatus: Number.isInteger(h.response?.status) ? h.response.status : 200,
    };
  });
}

/** Reads NDJSON (as written by toNdjson) back into deliveries. */
export function fromNdjson(text: string): ImportedDelivery[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      let e: EventDetail;
      try {
        e = JSON.parse(line) as EventDetail;
      } catch (err) {
        throw new Error(`line ${i + 1}: not JSON: ${(err as Error).message}`, { cause: err });
      }
      if (typeof e.method !== 'string' || typeof e.path !== 'string' || !Array.isArray(e.headers)) {
        throw new Error(`line ${i + 1}: method, path and headers are required`);
      }
      const at = Date.parse(e.receivedAt);
      return {
        delivery: {
          receivedAt: Number.isNaN(at) ? Date.now() : at,
          method: e.method,
          path: e.path,
          query: e.query ?? '',
          headers: e.headers,
          body: Buffer.from(e.body?.base64 ?? '', 'base64'),
          sourceIp: e.sourceIp ?? null,
          viaTunnel: e.viaTunnel ?? false,
          publicUrl: e.publicUrl ?? null,
        },
        responseStatus: e.response?.status ?? 200,
      };
    });
}
