/**
 * The SSE hub's starting point for a new client (no Last-Event-ID): the rev handed to the
 * pushes, not the log's rev. On a shared PostgreSQL log the log runs ahead of what this
 * instance has pushed (another instance's delivery is committed, then read here by cursor and
 * pushed); a client starting at the log's rev would drop that push as already seen.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { SseHub } from '../../src/headless/sse';
import type { PushMessage } from '../../src/shared/contract';
import type { Client as EngineClient } from '../../src/shared/dispatch';
import type { EventSummary } from '../../src/shared/model';
import { SseClient } from '../helpers/sse';

let server: Server | null = null;
let hub: SseHub | null = null;
afterEach(async () => {
  hub?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

function batch(rev: number, id: string): PushMessage {
  const item = { id, rev } as unknown as EventSummary;
  return { name: 'events.batch', payload: { rev, items: [item] } } as PushMessage;
}

it('a new client gets a change the log committed before it connected but pushed after', async () => {
  let push: (p: PushMessage) => void = () => undefined;
  let handed = 0;
  // The log is at rev 10: revs 4..10 are committed (by another instance), not yet pushed here.
  const logRev = 10;
  const client = {
    listChanges: () => Promise.resolve({ rev: logRev, items: [], hasMore: false }),
  } as unknown as EngineClient;
  hub = new SseHub({
    client,
    subscribe: (l) => {
      push = l;
      return () => undefined;
    },
    liveRev: () => handed,
  });
  push(batch(3, 'ev_3')); // pushed before the client came: not for it
  handed = 3;
  const h = hub;
  server = createServer((_req, res) => void h.attach(res, undefined));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const sse = await SseClient.connect(`http://127.0.0.1:${port}/`, {});
  try {
    push(batch(4, 'ev_4'));
    push(batch(4, 'ev_4')); // the same rev again (a re-read): sent once
    push(batch(11, 'ev_11'));
    await sse.until((c) => c.eventIds.includes('ev_11'));
    expect(sse.eventIds).toEqual(['ev_4', 'ev_11']);
  } finally {
    sse.close();
  }
});
