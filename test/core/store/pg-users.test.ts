/**
 * People on PostgreSQL (PgUserRepo): the same suite as SQLite's UserStore, and what only a
 * shared database has: a person added or revoked on one instance reaches the others through
 * the bell, and a revoked token stops working there at once.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { Bell } from '../../../src/core/store/pg/bell';
import { openPgLog, type PgLog } from '../../../src/core/store/pg/open';
import { PgUserRepo } from '../../../src/core/store/pg/users';
import { TokenChecker } from '../../../src/core/users';
import type { User } from '../../../src/shared/users-contract';
import { describePg } from '../../helpers/postgres';
import { addPerson, userRepoTests } from './user-repo-suite';

describePg('PgUserRepo', (db) => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closing.splice(0).reverse()) await c();
  });

  /** A repo with its own pool and bell on `schema` (one instance). */
  async function instance(schema: string): Promise<PgUserRepo> {
    const log: PgLog = await openPgLog({ url: db.url, schema });
    closing.push(() => log.close());
    const bell = new Bell(db.url, schema, 60_000);
    await bell.start();
    closing.push(() => bell.close());
    return PgUserRepo.open(log.pool, bell);
  }

  const fresh = (): string => `hs_${randomBytes(5).toString('hex')}`;

  userRepoTests(async () => {
    const schema = fresh();
    return { repo: await instance(schema), again: () => instance(schema) };
  });

  it('a person revoked on one instance is refused on another at once, its listeners told', async () => {
    const schema = fresh();
    const a = await instance(schema);
    const b = await instance(schema);
    const heard = new Promise<User>((resolve) => {
      b.onChange((u) => {
        if (u.revokedAt !== null) resolve(u);
      });
    });
    const added = new Promise<void>((resolve) => b.onChange(() => resolve()));
    const g = await addPerson(a, 'grace', 'member');
    await added; // b heard of her through the bell
    const checker = new TokenChecker(b);
    expect(await checker.check(g.token)).toMatchObject({ name: 'grace' });
    await a.revoke('grace', 9000);
    expect(await heard).toMatchObject({ name: 'grace', revokedAt: 9000 });
    expect(checker.quick(g.token)).toBeNull();
    checker.close();
  });
});
