import { expect, it } from 'vitest';
import { CHECKUPS_KEPT } from '../../../src/core/store/checkup-store';
import type { CheckupRepo } from '../../../src/core/store/ports';
import type { Checkup } from '../../../src/shared/checkup';

const run = (id: string, endpointId: string | null, startedAt: number): Checkup => ({
  id,
  endpointId,
  target: 'http://127.0.0.1:3000/hooks',
  provider: 'stripe',
  sample: 'generic',
  startedAt,
  finishedAt: startedAt + 10,
  score: 100,
  passed: true,
  counts: { pass: 9, fail: 0, warn: 0, skip: 0 },
  requests: 61,
  probes: [],
});

/** What every backend's check-up runs must do (the CheckupRepo port), on a fresh store. */
export function checkupRepoTests(open: () => Promise<CheckupRepo>): void {
  it(`keeps the newest ${CHECKUPS_KEPT} runs per endpoint, ad-hoc runs as their own group`, async () => {
    const store = await open();
    for (let i = 0; i < CHECKUPS_KEPT + 2; i++) await store.save(run(`a${i}`, 'ep-a', 1000 + i));
    for (let i = 0; i < 3; i++) await store.save(run(`n${i}`, null, 5000 + i));
    await store.save(run('b0', 'ep-b', 1));
    const a = await store.list(200, 'ep-a');
    expect(a).toHaveLength(CHECKUPS_KEPT);
    expect(a[0]!.id).toBe(`a${CHECKUPS_KEPT + 1}`);
    expect(a.at(-1)!.id).toBe('a2');
    expect(await store.get('a0')).toBeUndefined();
    expect((await store.list(200, 'ep-b')).map((c) => c.id)).toEqual(['b0']);
    const all = await store.list(200);
    expect(all).toHaveLength(CHECKUPS_KEPT + 3 + 1);
    expect(all.slice(0, 3).map((c) => c.id)).toEqual(['n2', 'n1', 'n0']);
    expect(all[0]).not.toHaveProperty('probes');
    expect(await store.get('n1')).toEqual(run('n1', null, 5001));
  });

  it('deletes one run, and says whether there was one', async () => {
    const store = await open();
    await store.save(run('x1', 'ep-x', 10));
    await store.save(run('x2', 'ep-x', 20));
    expect(await store.delete('x1')).toBe(true);
    expect(await store.delete('x1')).toBe(false);
    expect((await store.list(10, 'ep-x')).map((c) => c.id)).toEqual(['x2']);
  });
}
