/**
 * People on a team server: two `hookscope serve --database` instances on one PostgreSQL
 * database, `hookscope users` run against the database itself. A person added is let in by
 * both; revoked, their stream on the other instance closes at once (the bell) and both answer
 * 401.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePg } from '../helpers/postgres';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { tokenIn, users } from '../helpers/users-cli';

const KEY = randomBytes(32).toString('base64');

describePg('hookscope users on a shared PostgreSQL database', (db) => {
  let a: ServeProcess;
  let b: ServeProcess;
  beforeAll(async () => {
    const env = { HOOKSCOPE_SECRET_KEY: KEY };
    a = await startServe({ args: ['--database', db.url], env });
    b = await startServe({ args: ['--database', db.url], env });
  });
  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
  });

  const status = async (s: ServeProcess, token: string): Promise<number> =>
    (
      await fetch(`${s.apiUrl}/api/getStatus`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: '{}',
      })
    ).status;

  it('a revoke made on the database closes the stream on every instance, then 401', async () => {
    const env = { HOOKSCOPE_SECRET_KEY: KEY };
    const added = await users(['add', 'hana', '--role', 'viewer', '--database', db.url], env);
    expect(added.code).toBe(0);
    const token = tokenIn(added.stdout);
    // Both instances heard of her (the bell, or the periodic re-read).
    await expect.poll(() => status(a, token), { timeout: 15_000 }).toBe(200);
    await expect.poll(() => status(b, token), { timeout: 15_000 }).toBe(200);
    const stream = await fetch(`${b.apiUrl}/api/stream`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read();
    const revoked = await users(['revoke', 'hana', '--database', db.url], env);
    expect(revoked.code).toBe(0);
    for (;;) if ((await reader.read()).done) break; // B closed it
    expect(await status(b, token)).toBe(401);
    expect(await status(a, token)).toBe(401);
    const listed = await users(['list', '--database', db.url], env);
    expect(listed.stdout).toMatch(/^hana\s+viewer\s+added \S+\s+revoked \S+$/m);
  });
});
