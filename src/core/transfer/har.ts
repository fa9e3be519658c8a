import { STATUS_CODES } from 'node:http';
import type { EventDetail } from '../../shared/model';
import { VERSION } from '../version';
import type { ImportedDelivery } from './formats';
import { exportedId, exportedVerdicts, type ExportedVerdicts } from './verdicts';
import { harEntrySpans } from './har-split';
import {
  base64,
  delivery,
  ImportError,
  isObj,
  list,
  parse,
  status,
  storedResponse,
  text,
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
  /** The verdicts it was exported with, kept on import. */
  verdicts?: ExportedVerdicts;
}

type NameValue = { name: string; value: string };

interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: NameValue[];
    queryString: NameValue[];
    cookies: never[];
    headersSize: number;
    bodySize: number;
    postData?: { mimeType: string; text: string; encoding?: 'base64' };
  };
  /** What Hookscope answered (headers and body as configured then; status only when unknown). */
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: NameValue[];
    cookies: never[];
    content: { size: number; mimeType: string; text?: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  /** `wait`: the response delay the endpoint was configured with. */
  timings: { send: number; wait: number; receive: number };
  _hookscope?: HookscopeExtra;
}

const pairs = (headers: [string, string][]): NameValue[] =>
  headers.map(([name, value]) => ({ name, value }));

const headerOf = (headers: [string, string][], name: string): string | undefined =>
  headers.find(([n]) => n.toLowerCase() === name)?.[1];

/** The start of a HAR 1.2 log, up to its first entry. */
export const HAR_HEAD = `{\n  "log": {\n    "version": "1.2",\n    "creator": ${JSON.stringify({ name: 'Hookscope', version: VERSION })},\n    "entries": [\n`;
/** The end of a HAR log, after its last entry. */
export const HAR_TAIL = '\n    ]\n  }\n}\n';

/** One event as a HAR entry (a body that is not UTF-8 as base64; exact bytes in `_hookscope`). */
export function harEntry(e: EventDetail): HarEntry {
  const host = headerOf(e.headers, 'host') ?? 'localhost';
  const target = e.query ? `${e.path}?${e.query}` : e.path;
  const answer = e.response;
  const answered = answer.headers ?? [];
  const answerBody = answer.body ?? '';
  const answerSize = Buffer.byteLength(answerBody);
  return {
    startedDateTime: e.receivedAt,
    time: answer.delayMs ?? 0,
    request: {
      method: e.method,
      url: e.publicUrl ?? `http://${host}${target}`,
      httpVersion: 'HTTP/1.1',
      headers: pairs(e.headers),
      queryString: [...new URLSearchParams(e.query)].map(([name, value]) => ({ name, value })),
      cookies: [],
      headersSize: -1,
      bodySize: e.body.size,
      ...(e.body.size > 0
        ? {
            postData:
              e.body.text !== undefined
                ? { mimeType: e.contentType ?? '', text: e.body.text }
                : { mimeType: e.contentType ?? '', text: e.body.base64, encoding: 'base64' },
          }
        : {}),
    },
    response: {
      status: answer.status,
      statusText: STATUS_CODES[answer.status] ?? '',
      httpVersion: 'HTTP/1.1',
      headers: pairs(answered),
      cookies: [],
      content: {
        size: answerSize,
        mimeType: headerOf(answered, 'content-type') ?? '',
        ...(answer.body !== undefined ? { text: answerBody } : {}),
      },
      redirectURL: headerOf(answered, 'location') ?? '',
      headersSize: -1,
      bodySize: answer.body !== undefined ? answerSize : -1,
    },
    cache: {},
    timings: { send: 0, wait: answer.delayMs ?? 0, receive: 0 },
    _hookscope: {
      id: e.id,
      endpointId: e.endpointId,
      sourceIp: e.sourceIp,
      viaTunnel: e.viaTunnel,
      publicUrl: e.publicUrl,
      bodyBase64: e.body.base64,
      path: e.path,
      query: e.query,
      verdicts: {
        signature: e.signature,
        schema: e.schema,
        eventType: e.eventType,
        jobId: e.jobId,
        idempotency: { key: e.idempotency.key, source: e.idempotency.source },
      },
    },
  };
}

/**
 * The response of a HAR entry as Hookscope stores it, or undefined when it has none; `wait`
 * (timings.wait) is the configured delay in Hookscope's own exports.
 */
function harResponse(r: Record<string, unknown>, wait: unknown, where: string) {
  const content = isObj(r.content) ? r.content : {};
  const rawHeaders = list(r.headers, where, 'response.headers');
  if (rawHeaders.length === 0 && content.text === undefined) return undefined;
  let body = content.text;
  if (content.encoding === 'base64') {
    body = base64(body, where, 'response.content.text').toString('utf8');
  }
  return storedResponse(
    {
      headers: rawHeaders.map((p: unknown) => (isObj(p) ? [p.name, p.value] : [])),
      body,
      delayMs: wait,
    },
    where,
    'response',
  );
}

/**
 * The entries of a HAR log, each parsed when it is reached: the text around the entries is
 * parsed first (so a broken file is refused before any entry is used), then one entry at a
 * time. Falls back to parsing the whole text when the entries cannot be located.
 */
export function* harEntries(content: string): Generator<unknown> {
  const spans = harEntrySpans(content);
  if (spans) {
    const [open, close] = spans.array;
    const rest = parse(content.slice(0, open + 1) + content.slice(close), '');
    // Duplicate keys: JSON.parse keeps the last `log` and `entries`; so does this.
    const log = isObj(rest) ? rest.log : undefined;
    if (!isObj(log) || !Array.isArray(log.entries)) {
      throw new Error('not a HAR file: no log.entries');
    }
    for (const [k, [start, end]] of spans.entries.entries()) {
      yield parse(content.slice(start, end), `entry ${k}: `);
    }
    return;
  }
  const har = parse(content, '');
  const log = isObj(har) ? har.log : undefined;
  const entries = isObj(log) ? log.entries : undefined;
  if (!Array.isArray(entries)) throw new Error('not a HAR file: no log.entries');
  yield* entries as unknown[];
}

/**
 * Reads a HAR log back into deliveries, one entry at a time. Throws an ImportError naming the
 * entry and field when the file is not a HAR log or an entry is not a request Hookscope can
 * store; never a TypeError.
 */
export function* readHar(content: string): Generator<ImportedDelivery> {
  let i = 0;
  for (const h of harEntries(content)) {
    const where = `entry ${i++}`;
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
    const rawHeaders = list(req.headers, where, 'request.headers');
    const headerPairs = rawHeaders.map((p: unknown) => (isObj(p) ? [p.name, p.value] : []));
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
    const wait = x !== undefined && isObj(h.timings) ? h.timings.wait : undefined;
    const answer = harResponse(response, wait, where);
    yield {
      delivery: delivery(where, {
        receivedAt: [h.startedDateTime, 'startedDateTime'],
        method: [req.method, 'request.method'],
        target: () => target,
        headers: [headerPairs, 'request.headers'],
        body: () => body,
        sourceIp: [x?.sourceIp, '_hookscope.sourceIp'],
        viaTunnel: [x?.viaTunnel, '_hookscope.viaTunnel'],
        publicUrl: [x?.publicUrl, '_hookscope.publicUrl'],
      }),
      responseStatus: status(response.status),
      ...(answer ? { response: answer } : {}),
      ...(x ? { origin: { id: exportedId(x.id), verdicts: exportedVerdicts(x.verdicts) } } : {}),
    };
  }
}
