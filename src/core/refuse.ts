import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A refused body is read (and dropped) up to this much more before the connection is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const DRAIN_LIMIT_MS = 10_000;

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
