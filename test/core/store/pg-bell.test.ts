/**
 * The bell's periodic re-read (the safety net for rings lost while a connection was down):
 * each re-read runs on its own, so one that hangs (a query stuck on a busy server) never holds
 * up the others: the events' follow keeps running while the endpoints' re-read waits.
 */
import { afterAll, expect, it } from 'vitest';
import { Bell } from '../../../src/core/store/pg/bell';
import { describePg } from '../../helpers/postgres';

describePg('Bell re-reads', (db) => {
  let bell: Bell | null = null;
  afterAll(() => bell?.close());

  it('a re-read that never finishes does not stop the others, nor start twice', async () => {
    bell = new Bell(db.url, undefined, 20);
    let stuckCalls = 0;
    let otherCalls = 0;
    let enough: () => void = () => undefined;
    const reached = new Promise<void>((r) => (enough = r));
    bell.onResync(() => {
      stuckCalls++;
      return new Promise<void>(() => undefined); // never settles
    });
    bell.onResync(() => {
      if (++otherCalls === 5) enough();
      return Promise.resolve();
    });
    await bell.start();
    await reached;
    expect(otherCalls).toBeGreaterThanOrEqual(5);
    expect(stuckCalls).toBe(1);
  });
});
