/**
 * `hookscope users add|list|revoke` on a SQLite data folder: straight into the log when no
 * Hookscope runs on it, through the running one's control API (`--api`, the local token)
 * when one does; errors in the user's words; the token printed once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { tokenIn, users } from '../helpers/users-cli';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookscope-users-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hookscope users on a SQLite folder', () => {
  it('adds people straight into a log nobody runs on; the token works once serve starts', async () => {
    const data = join(dir, 'offline');
    const added = await users(['add', 'alice', '--role', 'admin', '--data-dir', data]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added alice (admin). Their token:');
    expect(added.stdout).toContain('It will not be shown again');
    const token = tokenIn(added.stdout);
    expect(token).toMatch(/^hs_u[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const listed = await users(['list', '--data-dir', data]);
    expect(listed.stdout).toMatch(/^alice\s+admin\s+added \S+\s+active$/m);
    expect(listed.stdout).not.toContain(token.slice(-20));

    let s: ServeProcess | null = null;
    try {
      s = await startServe({ dataDir: data });
      const res = await fetch(`${s.apiUrl}/api/listUsers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);

      // While serve holds the folder: said how to go through it instead.
      const locked = await users(['add', 'bob', '--data-dir', data]);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toContain('is using the data folder');
      expect(locked.stderr).toContain(
        'While it runs, manage people through it: hookscope users add bob --api <its UI/API URL> --token <the token it printed>',
      );
      const api = ['--api', s.apiUrl, '--token', s.token];
      const bob = await users(['add', 'bob', '--role', 'viewer', ...api]);
      expect(bob.code).toBe(0);
      expect(bob.stdout).toContain('Added bob (viewer).');
      // An admin's own token manages people too; the revoke is immediate.
      const revoked = await users(['revoke', 'bob', '--api', s.apiUrl, '--token', token]);
      expect([revoked.code, revoked.stdout.trim()]).toEqual([
        0,
        "Revoked bob's token: it no longer works.",
      ]);
      const bobToken = tokenIn(bob.stdout);
      const after = await fetch(`${s.apiUrl}/api/getStatus`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${bobToken}` },
        body: '{}',
      });
      expect(after.status).toBe(401);
      const json = await users(['list', '--json', ...api]);
      const people = json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { name: string; revokedAt: number | null });
      expect(people.map((p) => [p.name, p.revokedAt === null])).toEqual([
        ['alice', true],
        ['bob', false],
      ]);
    } finally {
      await s?.stop();
    }
  });

  it("says what is wrong in the user's words", async () => {
    const data = join(dir, 'errors');
    expect(await users(['add', 'carol', '--role', 'owner', '--data-dir', data])).toMatchObject({
      code: 2,
      stderr: 'hookscope users: --role: must be admin, member or viewer\n',
    });
    expect(await users(['add', '--data-dir', data])).toMatchObject({
      code: 2,
      stderr: 'hookscope users: NAME: give a name\n',
    });
    expect((await users(['add', 'carol', '--data-dir', data])).code).toBe(0);
    expect(await users(['add', 'Carol', '--data-dir', data])).toMatchObject({
      code: 1,
      stderr:
        'hookscope users: There is already a person named "Carol": pick another name, or revoke theirs first (hookscope users revoke Carol).\n',
    });
    expect(await users(['revoke', 'dan', '--data-dir', data])).toMatchObject({
      code: 1,
      stderr:
        'hookscope users: Nobody named "dan" has a working token (hookscope users list shows who has).\n',
    });
    expect((await users(['remove', 'carol', '--data-dir', data])).code).toBe(2);
  });
});
