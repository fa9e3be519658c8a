import { expect, it } from 'vitest';
import type { UserRepo } from '../../../src/core/store/ports';
import { hashToken, newToken, newUserId, TokenChecker } from '../../../src/core/users';
import type { User } from '../../../src/shared/users-contract';
import type { Role } from '../../../src/shared/users-contract';

/** A fresh repo, and another one opened on the same storage (a restart, another instance). */
export interface UserRepoFactory {
  repo: UserRepo;
  again(): Promise<UserRepo>;
}

/** A person added with a fresh token: the token and what the repo answered. */
export async function addPerson(
  repo: UserRepo,
  name: string,
  role: Role = 'member',
  at = 1000,
): Promise<{ user: User; token: string }> {
  const id = newUserId();
  const token = newToken(id);
  const user = await repo.add({
    id,
    name,
    role,
    createdAt: at,
    revokedAt: null,
    tokenHash: await hashToken(token),
  });
  return { user, token };
}

/** What every backend's people must do (the UserRepo port), on a fresh store. */
export function userRepoTests(open: () => Promise<UserRepoFactory>): void {
  it('adds people with a role, keeps only the slow hash, and lists them oldest first', async () => {
    const { repo, again } = await open();
    const a = await addPerson(repo, 'alice', 'admin', 1000);
    const b = await addPerson(repo, 'bob', 'viewer', 2000);
    expect(repo.list().map((u) => [u.name, u.role, u.revokedAt])).toEqual([
      ['alice', 'admin', null],
      ['bob', 'viewer', null],
    ]);
    expect(a.user).not.toHaveProperty('tokenHash');
    const stored = repo.get(b.user.id)!;
    expect(stored.tokenHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored.tokenHash).not.toContain(b.token.split('_').pop()!);
    // Kept: another repo on the same storage reads them.
    const other = await again();
    expect(other.list().map((u) => u.name)).toEqual(['alice', 'bob']);
    expect(other.get(a.user.id)?.tokenHash).toBe(repo.get(a.user.id)?.tokenHash);
  });

  it('refuses a second person with a name in use (case aside), saying so', async () => {
    const { repo, again } = await open();
    await addPerson(repo, 'carol');
    await expect(addPerson(repo, 'Carol')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('There is already a person named "Carol"'),
    });
    // Another instance that has not read carol yet is refused by the database itself.
    const other = await again();
    await expect(addPerson(other, 'carol')).rejects.toMatchObject({ code: 'conflict' });
    expect(repo.list()).toHaveLength(1);
  });

  it('revokes by name: the record stays, the name is free again, an unknown name is said', async () => {
    const { repo, again } = await open();
    const d = await addPerson(repo, 'dave');
    const revoked = await repo.revoke('DAVE', 5000);
    expect(revoked).toMatchObject({ id: d.user.id, name: 'dave', revokedAt: 5000 });
    expect(repo.get(d.user.id)?.revokedAt).toBe(5000);
    await expect(repo.revoke('dave', 6000)).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('Nobody named "dave" has a working token'),
    });
    const again2 = await addPerson(repo, 'dave', 'member', 2000);
    expect(again2.user.id).not.toBe(d.user.id);
    const other = await again();
    expect(other.list().map((u) => [u.name, u.revokedAt])).toEqual([
      ['dave', 5000],
      ['dave', null],
    ]);
  });

  it('tells listeners of each person added and revoked', async () => {
    const { repo } = await open();
    const seen: string[] = [];
    repo.onChange((u) => seen.push(`${u.name}:${u.revokedAt === null ? 'on' : 'off'}`));
    await addPerson(repo, 'erin');
    await repo.revoke('erin', 7000);
    expect(seen).toEqual(['erin:on', 'erin:off']);
  });

  it('checks a token against the slow hash once, then in memory, and forgets it on revoke', async () => {
    const { repo } = await open();
    const f = await addPerson(repo, 'frank', 'viewer');
    const checker = new TokenChecker(repo);
    expect(checker.quick(f.token)).toBeUndefined(); // not checked yet: would take the hash
    expect(await checker.check(f.token)).toMatchObject({
      kind: 'user',
      name: 'frank',
      role: 'viewer',
    });
    expect(checker.quick(f.token)).toMatchObject({ name: 'frank' }); // now without the hash
    // The right person with another secret, a made-up person, the local token's shape: no one.
    const forged = f.token.slice(0, -4) + (f.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await checker.check(forged)).toBeNull();
    expect(await checker.check(newToken(newUserId()))).toBeNull();
    expect(await checker.check('hs_abc')).toBeNull();
    await repo.revoke('frank', 8000);
    expect(checker.quick(f.token)).toBeNull();
    expect(await checker.check(f.token)).toBeNull();
    checker.close();
  });
}
