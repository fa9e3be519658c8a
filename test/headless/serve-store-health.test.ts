import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/core/store/db';
import type { Output } from '../../src/headless/output';
import { reportStoreHealth } from '../../src/headless/serve';
import { startEngine, type TestEngine } from '../helpers/engine';
import { rawRequest } from '../helpers/http';

let t: TestEngine;
beforeAll(async () => {
  t = await startEngine();
});
afterAll(() => t.stop());

describe("serve's output when the log cannot be written", () => {
  it('prints one line when writes start failing (not one per delivery) and one when they work again', async () => {
    const lines: { event: string; fields: Record<string, unknown>; human: string }[] = [];
    const out: Output = {
      json: false,
      info: (event, fields, human) => lines.push({ event, fields, human }),
      error: (message) => lines.push({ event: 'error', fields: {}, human: message }),
    };
    reportStoreHealth(t.engine.client, out);
    // A real SQLITE_FULL: the log may not grow past its current size.
    const db = (t.engine as unknown as { storage: { db: Db } }).storage.db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 4; i++) {
      expect((await rawRequest(t.receiverUrl, { body: big })).status).toBe(503);
    }
    db.pragma('max_page_count = 1073741823');
    expect((await rawRequest(t.receiverUrl, { body: big })).status).toBe(200);
    expect((await rawRequest(t.receiverUrl, { body: big })).status).toBe(200);
    await expect.poll(() => lines.length).toBe(2);
    expect(lines.map((l) => l.event)).toEqual(['store_failed', 'store_recovered']);
    expect(lines[0]!.human).toMatch(
      /^Error: the disk holding the log is full: a write failed while storing a delivery\. Deliveries are answered 503 so senders retry later/,
    );
    expect(lines[1]!.human).toBe(
      'The log can be written again: deliveries are stored and background work resumed.',
    );
  });
});
