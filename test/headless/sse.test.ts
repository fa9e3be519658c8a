import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient } from '../helpers/sse';
import { startServe, type ServeProcess } from '../helpers/serve-process';

let s: ServeProcess;
beforeAll(async () => {
  s = await startServe();
});
afterAll(() => s.dispose());

async function deliver(path: string): Promise<string> {
  const res = await fetch(`${s.receiverUrl}${path}`, { method: 'POST', body: path });
  expect(res.status).toBe(200);
  const list = (await (await s.api('listEvents', { limit: 1 })).json()) as {
    items: { id: string; path: string }[];
  };
  expect(list.items[0]!.path).toBe(path);
  return list.items[0]!.id;
}

describe('GET /api/stream', () => {
  it('refuses a client without the token', async () => {
    const c = await SseClient.connect(`${s.apiUrl}/api/stream`, {});
    expect(c.status).toBe(401);
  });

  it('backfills exactly what a reconnecting client missed, to that client only', async () => {
    const auth = { Authorization: `Bearer ${s.token}` };
    const a = await SseClient.connect(`${s.apiUrl}/api/stream`, auth);
    const b = await SseClient.connect(`${s.apiUrl}/api/stream`, auth);
    const first = [await deliver('/s/1'), await deliver('/s/2'), await deliver('/s/3')];
    await a.until((c) => c.eventIds.length === 3);
    await b.until((c) => c.eventIds.length === 3);
    expect(a.eventIds).toEqual(first);
    const lastId = a.messages.at(-1)!.id!;
    expect(Number(lastId)).toBeGreaterThan(0);
    a.close();

    const missed = [await deliver('/s/4'), await deliver('/s/5')];
    const a2 = await SseClient.connect(`${s.apiUrl}/api/stream`, {
      ...auth,
      'Last-Event-ID': lastId,
    });
    await a2.until((c) => c.eventIds.length === 2);
    expect(a2.eventIds).toEqual(missed);

    const live = await deliver('/s/6');
    await a2.until((c) => c.eventIds.includes(live));
    await b.until((c) => c.eventIds.includes(live));
    // The reconnecting client got the missed ones once, then live; the other client saw each
    // event exactly once (the backfill was not written to it).
    expect(a2.eventIds).toEqual([...missed, live]);
    expect(b.eventIds).toEqual([...first, ...missed, live]);
    // Every batch carries the highest rev in it as its SSE id.
    for (const m of b.messages.filter((x) => x.event === 'events.batch')) {
      expect(Number(m.id)).toBe((m.data as { rev: number }).rev);
    }
    a2.close();
    b.close();
  });

  it('pushes deletions', async () => {
    const auth = { Authorization: `Bearer ${s.token}` };
    const c = await SseClient.connect(`${s.apiUrl}/api/stream`, auth);
    const id = await deliver('/s/del');
    await c.until((x) => x.eventIds.includes(id));
    const res = await s.api('deleteEvents', { ids: [id] });
    expect(await res.json()).toEqual({ deleted: 1 });
    await c.until((x) => x.messages.some((m) => m.event === 'events.deleted'));
    expect(c.messages.find((m) => m.event === 'events.deleted')!.data).toEqual({
      ids: [id],
      all: false,
    });
    c.close();
  });
});
