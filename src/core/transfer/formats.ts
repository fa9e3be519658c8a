import type { EventDetail } from '../../shared/model';
import type { IncomingDelivery } from '../types';
import { VERSION } from '../version';
import {
  base64,
  headerList,
  ImportError,
  isBoolean,
  isObj,
  isString,
  method,
  optional,
  parse,
  publicUrl,
  status,
  text,
  time,
} from './import-fields';

/** Hookscope's own fields on a HAR entry, so a round trip keeps every byte. */
interface HookscopeExtra {
  id: string;
  endpointId: string;
  sourceIp: string | null;
  viaTunnel: boolean;
  publicUrl: string | null;
  bodyBase64: string;
  /** The path and query as received: `request.url` is normalised by URL parsers (`..`, é). */
  path: string;
  query: string;
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
        path: e.path,
        query: e.query,
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

/**
 * Reads a HAR log back into deliveries. Throws an Error naming the entry and field when the
 * file is not a HAR log or an entry is not a request Hookscope can store; never a TypeError.
 */
export function fromHar(content: string): ImportedDelivery[] {
  const har = parse(content, '');
  const log = isObj(har) ? har.log : undefined;
  const entries = isObj(log) ? log.entries : undefined;
  if (!Array.isArray(entries)) throw new Error('not a HAR file: no log.entries');
  return entries.map((h: unknown, i) => {
    const where = `entry ${i}`;
    const req = isObj(h) ? h.request : undefined;
    if (!isObj(h) || !isObj(req) || typeof req.method !== 'string' || typeof req.url !== 'string') {
      throw new ImportError(`${where}: request.method and request.url are required`);
    }
    const x = h._hookscope;
    if (x !== undefined && !isObj(x)) {
      throw new ImportError(`${where}: _hookscope must be an object`);
    }
    let target: { path: string; query: string };
    if (x?.path !== undefined) {
      // Exported by Hookscope: the exact path and query (request.url is only for other tools).
      target = {
        path: text(x.path, where, '_hookscope.path'),
        query: text(x.query, where, '_hookscope.query', true),
      };
    } else {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        throw new ImportError(`${where}: request.url "${req.url.slice(0, 200)}" is not a URL`);
      }
      target = { path: url.pathname, query: url.search.slice(1) };
    }
    const rawHeaders = req.headers ?? [];
    if (!Array.isArray(rawHeaders)) {
      throw new ImportError(`${where}: request.headers must be a list`);
    }
    const pairs = rawHeaders.map((p: unknown) => (isObj(p) ? [p.name, p.value] : []));
    const post = req.postData;
    if (post !== undefined && !isObj(post)) {
      throw new ImportError(`${where}: request.postData must be an object`);
    }
    let body: Buffer = Buffer.alloc(0);
    if (x) body = base64(x.bodyBase64, where, '_hookscope.bodyBase64');
    else if (post?.encoding === 'base64') body = base64(post.text, where, 'postData.text');
    else if (post && post.text !== undefined) {
      if (typeof post.text !== 'string') {
        throw new ImportError(`${where}: postData.text must be a string`);
      }
      body = Buffer.from(post.text, 'utf8');
    }
    const response = isObj(h.response) ? h.response : {};
    return {
      delivery: {
        receivedAt: time(h.startedDateTime, where, 'startedDateTime'),
        method: method(req.method, where, 'request.method'),
        path: target.path,
        query: target.query,
        headers: headerList(pairs, where, 'request.headers'),
        body,
        sourceIp: optional(x?.sourceIp, isString, where, '_hookscope.sourceIp'),
        viaTunnel: optional(x?.viaTunnel, isBoolean, where, '_hookscope.viaTunnel') ?? false,
        publicUrl: publicUrl(x?.publicUrl, where, '_hookscope.publicUrl'),
      },
      responseStatus: status(response.status),
    };
  });
}

/**
 * Reads NDJSON (as written by toNdjson) back into deliveries. Throws an Error naming the line
 * and field when a line is not an event Hookscope can store; never a TypeError.
 */
export function fromNdjson(content: string): ImportedDelivery[] {
  return content
    .split('\n')
    .map((line, i) => ({ line, where: `line ${i + 1}` }))
    .filter(({ line }) => line.trim())
    .map(({ line, where }) => {
      const e = parse(line, `${where}: `);
      if (
        !isObj(e) ||
        typeof e.method !== 'string' ||
        typeof e.path !== 'string' ||
        !Array.isArray(e.headers)
      ) {
        throw new ImportError(`${where}: method, path and headers are required`);
      }
      const pairs = e.headers.map((p: unknown) => (Array.isArray(p) && p.length === 2 ? p : []));
      const body = e.body === undefined ? undefined : isObj(e.body) ? e.body : null;
      if (body === null) throw new ImportError(`${where}: body must be an object`);
      const response = isObj(e.response) ? e.response : {};
      return {
        delivery: {
          receivedAt: time(e.receivedAt, where, 'receivedAt'),
          method: method(e.method, where, 'method'),
          path: text(e.path, where, 'path'),
          query: text(e.query, where, 'query', true),
          headers: headerList(pairs, where, 'headers'),
          body:
            body?.base64 === undefined
              ? Buffer.alloc(0)
              : base64(body.base64, where, 'body.base64'),
          sourceIp: optional(e.sourceIp, isString, where, 'sourceIp'),
          viaTunnel: optional(e.viaTunnel, isBoolean, where, 'viaTunnel') ?? false,
          publicUrl: publicUrl(e.publicUrl, where, 'publicUrl'),
        },
        responseStatus: status(response.status),
      };
    });
}
