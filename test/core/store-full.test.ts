import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/core/store/db';
import { rawRequest } from '../helpers/http';
import { startEngine, type TestEngine } from '../helpers/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startEngine();
});
afterAll(() => t.stop());

/** The engine's own connection: where a real SQLITE_FULL can be provoked. */
const db = (): Db => (t.engine as unknown as { db: Db }).db;

describe('a full log', () => {
  it('answers 503 (so the sender retries) while SQLite reports the disk full, and loses nothing acked', async () => {
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = `{"before":${i}}`;
      expect((await rawRequest(t.receiverUrl, { body })).status).toBe(200);
      acked.push(body);
    }
    // Cap the file at its current size: the next write fails with SQLITE_FULL, as on a full disk.
    const pages = db().pragma('page_count', { simple: true }) as number;
    db().pragma(`max_page_count = ${pages}`);
    const big = 'x'.repeat(64 * 1024);
    const refused = await rawRequest(t.receiverUrl, { body: big });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body.toString())).toEqual({
      error: 'hookscope could not store this delivery',
    });
    // The process and the API are still up; what was acked is all there.
    const { items } = await t.client.listEvents({ limit: 50 });
    expect(items).toHaveLength(5);
    const bodies = await Promise.all(
      items.map(async (e) => (await t.client.getEvent({ id: e.id })).body.text),
    );
    expect(bodies.sort()).toEqual(acked.sort());

    db().pragma('max_page_count = 1073741823');
    expect((await rawRequest(t.receiverUrl, { body: big })).status).toBe(200);
    expect((await t.client.getStatus()).events).toBe(6);
  });
});
