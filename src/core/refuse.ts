import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ReceiverLimits } from '../shared/model';

/** A refused body is read (and dropped) up to this much more before the connection is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const DRAIN_LIMIT_MS = 10_000;

/** A refusal: the status, why (sent and logged), extra headers, and whether to cut at once. */
export interface Refusal {
  status: number;
  reason: string;
  extra?: [string, string][];
  cut?: boolean;
}

/** An error of node's HTTP parser, as `clientError` gets it. */
export type ParserError = Error & { code?: string; reason?: string; rawPacket?: Buffer };

const errorBody = (reason: string): string => JSON.stringify({ error: `hookscope: ${reason}` });

/**
 * Answers a refusal at once (JSON error, `Connection: close`) and ends the exchange once the
 * client has finished sending what it started, so it reads the answer instead of a reset; a
 * client that keeps sending past a bound is cut off. With `cut` the connection is closed as
 * soon as the answer is out (a client over its connection cap gets no time to drain).
 */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  reason: string,
  extra: [string, string][] = [],
  cut = false,
): void {
  if (res.headersSent || res.destroyed) return;
  const body = errorBody(reason);
  res.writeHead(
    status,
    [
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
      ['Connection', 'close'],
      ...extra,
    ].flat(),
  );
  if (cut || req.complete) {
    res.end(body);
    return;
  }
  res.write(body);
  let drained = 0;
  const timer = setTimeout(() => req.socket.destroy(), DRAIN_LIMIT_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.on('end', () => {
    clearTimeout(timer);
    res.end();
  });
  req.on('close', () => clearTimeout(timer));
  req.resume();
}

/**
 * The same answer written straight to a socket, for what the HTTP parser refused before there
 * was a request (`clientError`). The connection is closed once the client stops sending
 * (bounded), or as soon as the answer is out with `cut`.
 */
export function refuseSocket(
  socket: Socket,
  status: number,
  reason: string,
  extra: [string, string][] = [],
  cut = false,
): void {
  const body = errorBody(reason);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...extra.map(([n, v]) => `${n}: ${v}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  if (cut) {
    socket.once('finish', () => socket.destroy());
    return;
  }
  const timer = setTimeout(() => socket.destroy(), DRAIN_LIMIT_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** The 413 for a body over the limit (its declared size, or null while streaming). */
export function tooLarge(size: number | null, limits: ReceiverLimits): Refusal {
  const reason = `body ${size === null ? 'larger' : `of ${size} bytes, larger`} than the limit of ${limits.maxBodyBytes} bytes; not stored`;
  return { status: 413, reason };
}

/** The status and reason for an error of node's HTTP parser. */
export function parserRefusal(
  err: ParserError,
  headersIn: boolean,
  limits: ReceiverLimits,
  maxHeaderBytes: number,
): Refusal {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: `header bytes over the limit of ${maxHeaderBytes}` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, reason: 'chunk extensions over the HTTP parser limit' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: headersIn
          ? `the request was not complete within ${Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs) / 1000} s`
          : `the headers were not complete within ${limits.headersTimeoutMs / 1000} s`,
      };
    default:
      return { status: 400, reason: `malformed HTTP request (${err.reason ?? err.code})` };
  }
}
