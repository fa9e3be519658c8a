import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/event-store';
import { appendTo } from '../helpers/append';
import { startEngine, tempDir } from '../helpers/engine';
import { rawRequest } from '../helpers/http';
import { stripeSignature } from '../helpers/stripe';
import { delivery } from '../helpers/events';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('migration 17 (may_be_first holds the whole rule)', () => {
  it('marks an older forged delivery, so the genuine one with its id is still the first', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let db = openDb({ dataDir: dir });
    // A log of version 16 holding a row stored before version 14: a forged delivery (invalid
    // signature) with a real delivery id, may_be_first left at its default.
    db.exec('DELETE FROM migrations WHERE version = 17;');
    let store = new EventStore(db);
    const forged = await appendTo(
      store,
      delivery({
        signature: { status: 'invalid', provider: 'stripe', reason: 'no match' },
        idempotency: { key: 'evt_real', source: 'body' },
      }),
    );
    db.prepare('UPDATE events SET may_be_first = 1 WHERE id = ?').run(forged.id);
    store.flush();
    db.close();

    db = openDb({ dataDir: dir });
    cleanups.unshift(() => db.close());
    store = new EventStore(db);
    const genuine = await appendTo(
      store,
      delivery({
        signature: { status: 'valid', provider: 'stripe', reason: '' },
        idempotency: { key: 'evt_real', source: 'body' },
      }),
    );
    expect(genuine.idempotency.duplicateOf).toBeNull();
  });
});

describe('a log from before the may-be-first rule, opened once by this version', () => {
  it('makes an unsigned delivery on an endpoint with a secret no one’s first, once', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const secret = 'whsec_old_log_0123456789abcdef';
    const body = '{"id":"evt_old","object":"event","type":"invoice.paid"}';
    const key: [string, string] = ['Idempotency-Key', 'k-old'];
    let t = await startEngine({ dataDir: dir });
    await t.client.saveEndpoint({ name: 'Auto', path: '/auto', secrets: [secret] });
    await rawRequest(t.receiverUrl, { path: '/auto', headers: [key], body });
    await t.stop();
    // As a build before schema 14 stored it: eligible to be the first, and never marked since.
    const db = openDb({ dataDir: dir });
    db.exec(
      `UPDATE events SET may_be_first = 1; DELETE FROM meta WHERE key = 'unverified_marked';`,
    );
    db.close();

    t = await startEngine({ dataDir: dir });
    try {
      await rawRequest(t.receiverUrl, {
        path: '/auto',
        headers: [key, ['Stripe-Signature', stripeSignature(body, secret)]],
        body,
      });
      const items = (await t.client.listEvents({})).items;
      const signed = items.find((e) => e.signature.status === 'valid')!;
      expect(signed.idempotency).toMatchObject({ duplicateOf: null, deliveryCount: 1 });
      const old = items.find((e) => e.signature.status !== 'valid')!;
      expect(old.idempotency.unverified).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
