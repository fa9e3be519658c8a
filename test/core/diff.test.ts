import { describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http';
import { startEngine } from '../helpers/engine';

describe('diffEvents', () => {
  it('diffs JSON bodies structurally, headers by name and the request line', async () => {
    const t = await startEngine();
    try {
      await rawRequest(t.receiverUrl, {
        path: '/a',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Old', '1'],
          ['X-Same', 's'],
          ['Webhook-Id', 'msg_1'],
        ],
        body: JSON.stringify({
          type: 'batch.completed',
          data: { id: 'batch_1', n: 1 },
          items: [{ id: 'i1', q: 1 }],
        }),
      });
      await rawRequest(t.receiverUrl, {
        path: '/b',
        headers: [
          ['content-type', 'application/json'],
          ['X-Same', 's'],
          ['webhook-id', 'msg_2'],
          ['X-New', '2'],
        ],
        body: JSON.stringify({
          type: 'batch.failed',
          data: { id: 'batch_1' },
          items: [{ id: 'i1', q: 2 }],
          extra: true,
        }),
      });
      const [b, a] = (await t.client.listEvents({})).items;
      const d = await t.client.diffEvents({ a: a!.id, b: b!.id });
      expect(d.request).toEqual([{ field: 'path', before: '/a', after: '/b' }]);
      expect(d.headers.added).toEqual([['X-New', '2']]);
      expect(d.headers.removed).toEqual([['X-Old', '1']]);
      expect(d.headers.changed).toEqual([
        { name: 'webhook-id', before: 'msg_1', after: 'msg_2' },
        { name: 'Content-Length', before: expect.any(String), after: expect.any(String) },
      ]);
      expect(d.body.kind).toBe('json');
      const changes = d.body.kind === 'json' ? d.body.changes : [];
      expect(changes).toEqual(
        expect.arrayContaining([
          { op: 'replace', path: '/type', before: 'batch.completed', after: 'batch.failed' },
          { op: 'remove', path: '/data/n', before: 1 },
          { op: 'replace', path: '/items/0/q', before: 1, after: 2 },
          { op: 'add', path: '/extra', after: true },
        ]),
      );
      expect(changes).toHaveLength(4);
    } finally {
      await t.stop();
    }
  });

  it('diffs text by characters, says when bodies are the same, and binary by size', async () => {
    const t = await startEngine();
    try {
      await rawRequest(t.receiverUrl, { body: 'token=abc&team=T1' });
      await rawRequest(t.receiverUrl, { body: 'token=abd&team=T1' });
      await rawRequest(t.receiverUrl, { body: 'token=abd&team=T1' });
      await rawRequest(t.receiverUrl, { body: Buffer.from([0xff, 0xfe]) });
      const [bin, same2, same1, first] = (await t.client.listEvents({})).items;
      const text = await t.client.diffEvents({ a: first!.id, b: same1!.id });
      expect(text.body).toEqual({
        kind: 'text',
        chunks: [
          { op: 0, text: 'token=ab' },
          { op: -1, text: 'c' },
          { op: 1, text: 'd' },
          { op: 0, text: '&team=T1' },
        ],
      });
      expect((await t.client.diffEvents({ a: same1!.id, b: same2!.id })).body).toEqual({
        kind: 'same',
      });
      expect((await t.client.diffEvents({ a: first!.id, b: bin!.id })).body).toEqual({
        kind: 'binary',
        beforeSize: 17,
        afterSize: 2,
      });
      await expect(t.client.diffEvents({ a: first!.id, b: 'nope' })).rejects.toMatchObject({
        code: 'not_found',
      });
    } finally {
      await t.stop();
    }
  });
});
