import type { EventDetail } from '../../shared/model';
import type { ImportedDelivery } from './formats';
import { exportedId, exportedVerdicts } from './verdicts';
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

/** One event as an NDJSON line: the EventDetail (forward attempts left out). */
export function ndjsonLine(e: EventDetail): string {
  return `${JSON.stringify({ ...e, forwards: [] })}\n`;
}

/** The header pairs of an NDJSON field: [name, value] tuples, anything else left to fail. */
const tuples = (list: unknown[]): unknown[] =>
  list.map((p: unknown) => (Array.isArray(p) && p.length === 2 ? p : []));

/**
 * Reads NDJSON (as written by ndjsonLine) back into deliveries, one line at a time. Throws an
 * ImportError naming the line and field when a line is not an event Hookscope can store;
 * never a TypeError.
 */
export function* readNdjson(content: string): Generator<ImportedDelivery> {
  let start = 0;
  for (let n = 1; start < content.length; n++) {
    const end = content.indexOf('\n', start);
    const line = content.slice(start, end === -1 ? content.length : end);
    start = end === -1 ? content.length : end + 1;
    if (!line.trim()) continue;
    const where = `line ${n}`;
    const e = parse(line, `${where}: `);
    if (
      !isObj(e) ||
      typeof e.method !== 'string' ||
      typeof e.path !== 'string' ||
      !Array.isArray(e.headers)
    ) {
      throw new ImportError(`${where}: method, path and headers are required`);
    }
    const body = e.body === undefined ? undefined : isObj(e.body) ? e.body : null;
    if (body === null) throw new ImportError(`${where}: body must be an object`);
    const response = isObj(e.response) ? e.response : {};
    const answered = list(response.headers, where, 'response.headers');
    const answer =
      response.headers !== undefined || response.body !== undefined
        ? storedResponse(
            { headers: tuples(answered), body: response.body, delayMs: response.delayMs },
            where,
            'response',
          )
        : undefined;
    yield {
      delivery: delivery(where, {
        receivedAt: [e.receivedAt, 'receivedAt'],
        method: [e.method, 'method'],
        target: () => ({
          path: text(e.path, where, 'path'),
          query: text(e.query, where, 'query', true),
        }),
        headers: [tuples(e.headers), 'headers'],
        body: () =>
          body?.base64 === undefined ? Buffer.alloc(0) : base64(body.base64, where, 'body.base64'),
        sourceIp: [e.sourceIp, 'sourceIp'],
        viaTunnel: [e.viaTunnel, 'viaTunnel'],
        publicUrl: [e.publicUrl, 'publicUrl'],
      }),
      responseStatus: status(response.status),
      ...(answer ? { response: answer } : {}),
      origin: { id: exportedId(e.id), verdicts: exportedVerdicts(e) },
    };
  }
}
