import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/core/store/db';
import { ForwardStore } from '../../src/core/store/forward-store';
import { tempDir } from '../helpers/engine';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('migration 13 (a redrive that re-signs)', () => {
  it('adds the resign flag to the forward jobs of an older log, keeping them (not re-signed)', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    let db = openDb({ dataDir: dir });
    // A log of version 12: a dead job, no resign column.
    db.exec(`ALTER TABLE forward_jobs DROP COLUMN resign;
      DELETE FROM migrations WHERE version = 13;`);
    db.prepare(
      `INSERT INTO forward_jobs (event_id, target_url, attempts, next_at, state, created_at, updated_at)
       VALUES ('evt_a', 'http://localhost:3000/', 5, 0, 'dead', 1, 1)`,
    ).run();
    db.close();

    db = openDb({ dataDir: dir });
    cleanups.unshift(() => db.close());
    const jobs = new ForwardStore(db);
    const [job] = await jobs.deadJobs('all');
    expect(job).toMatchObject({ eventId: 'evt_a', attempts: 5, resign: false });
    await jobs.redrive(
      [{ job: job!, targetUrl: 'http://localhost:3000/', refused: null, resign: true }],
      2,
    );
    expect(await jobs.job(job!.id)).toMatchObject({
      state: 'pending',
      resign: true,
      redriven: true,
    });
  });
});
