import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http';
import { startEngine } from '../helpers/engine';

describe('export and import', () => {
  for (const format of ['har', 'ndjson'] as const) {
    it(`a ${format} export of 3 events imports back identical, marked imported`, async () => {
      const from = await startEngine();
      const to = await startEngine();
      try {
        const binary = randomBytes(64);
        await rawRequest(from.receiverUrl, {
          path: '/a?x=1&y=2',
          headers: [
            ['X-Dup', '1'],
            ['x-dup', '2'],
          ],
          body: '{"n":1}',
        });
        await rawRequest(from.receiverUrl, {
          method: 'PUT',
          path: '/b',
          headers: [['Content-Type', 'application/octet-stream']],
          body: binary,
        });
        await rawRequest(from.receiverUrl, { method: 'DELETE', path: '/c' });
        const { content, count } = await from.client.exportEvents({ format });
        expect(count).toBe(3);
        if (format === 'har') expect(JSON.parse(content).log.version).toBe('1.2');
        expect(await to.client.importEvents({ format, content })).toEqual({ imported: 3 });

        const pick = async (t: typeof from) => {
          const { items } = await t.client.listEvents({});
          return Promise.all(
            items.map(async (s) => {
              const e = await t.client.getEvent({ id: s.id });
              return {
                method: e.method,
                path: e.path,
                query: e.query,
                headers: e.headers,
                body: e.body.base64,
                at: e.receivedAt,
              };
            }),
          );
        };
        expect(await pick(to)).toEqual(await pick(from));
        expect((await to.client.listEvents({})).items.every((e) => e.imported)).toBe(true);
        expect((await from.client.listEvents({})).items.some((e) => e.imported)).toBe(false);
      } finally {
        await from.stop();
        await to.stop();
      }
    });
  }

  it('refuses a file that is not HAR or NDJSON with a clear 400', async () => {
    const t = await startEngine();
    try {
      await expect(
        t.client.importEvents({ format: 'har', content: '{"nope":1}' }),
      ).rejects.toMatchObject({
        code: 'bad_input',
        message: 'cannot import har: not a HAR file: no log.entries',
      });
      await expect(
        t.client.importEvents({ format: 'ndjson', content: 'x\n' }),
      ).rejects.toMatchObject({
        code: 'bad_input',
        message: expect.stringMatching(/line 1: not JSON/),
      });
      expect((await t.client.getStatus()).events).toBe(0);
    } finally {
      await t.stop();
    }
  });
});
