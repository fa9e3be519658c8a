import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine';
import { DB_FILE } from '../../src/core/store/db';
import { describeOpenError, LogOpenError } from '../../src/core/store/open-log';
import { rawRequest } from '../helpers/http';
import { startEngine, testDir as dir } from '../helpers/engine';

const require = createRequire(import.meta.url);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A log with `n` deliveries in it, closed. */
async function logWith(n: number): Promise<string> {
  const d = dir();
  const t = await startEngine({ dataDir: d });
  for (let i = 0; i < n; i++) await rawRequest(t.receiverUrl, { body: `{"n":${i}}` });
  await t.engine.stop();
  return d;
}

describe('opening the log', () => {
  it('moves a file that is not a database aside, starts a fresh log and says where the old one is', async () => {
    const d = dir();
    const garbage = Buffer.from('this is not a database '.repeat(500));
    writeFileSync(join(d, DB_FILE), garbage);
    writeFileSync(join(d, `${DB_FILE}-wal`), 'stale wal');
    const t = await startEngine({ dataDir: d });
    try {
      const { notices } = await t.client.getStatus();
      expect(notices).toHaveLength(1);
      const moved = notices[0]!.path!;
      expect(notices[0]!.message).toContain('moved to');
      expect(notices[0]!.message).toContain('nothing was deleted');
      // The old bytes are kept, untouched, with their WAL.
      expect(readFileSync(moved).equals(garbage)).toBe(true);
      expect(readFileSync(`${moved}-wal`, 'utf8')).toBe('stale wal');
      // The fresh log works.
      expect((await rawRequest(t.receiverUrl, { body: '{}' })).status).toBe(200);
      expect((await t.client.listEvents({})).items).toHaveLength(1);
    } finally {
      await t.stop();
    }
  });

  it('moves aside a log whose pages are corrupt and keeps the fresh one across restarts', async () => {
    const d = await logWith(300);
    const file = join(d, DB_FILE);
    const bytes = readFileSync(file);
    // Keep the header page (it is still "a database"), scribble over every page after it.
    bytes.fill(0xa5, 4096);
    writeFileSync(file, bytes);
    const first = await startEngine({ dataDir: d });
    const [notice] = (await first.client.getStatus()).notices;
    expect(notice?.code).toBe('log_recovered');
    expect(readFileSync(notice!.path!).equals(bytes)).toBe(true);
    await rawRequest(first.receiverUrl, { body: '{"after":1}' });
    await first.engine.stop();
    const again = await startEngine({ dataDir: d });
    try {
      expect((await again.client.getStatus()).notices).toEqual([]);
      expect((await again.client.listEvents({})).items).toHaveLength(1);
      // Moved once (with its -wal and -shm beside it), not again on the clean restart.
      const moved = readdirSync(d).filter((f) => f.includes('.corrupt-'));
      expect(moved.filter((f) => !/-(wal|shm)$/.test(f))).toHaveLength(1);
    } finally {
      await again.engine.stop();
    }
  });

  it('refuses a log another program holds locked, with a message saying so', async () => {
    const d = await logWith(1);
    const other = new Database(join(d, DB_FILE));
    other.pragma('locking_mode = EXCLUSIVE');
    other.exec('BEGIN EXCLUSIVE');
    try {
      let err: unknown;
      try {
        new Engine({ dataDir: d });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LogOpenError);
      expect((err as LogOpenError).code).toBe('locked');
      expect((err as Error).message).toMatch(/is locked by another program .*Close it/);
      // Nothing was moved or deleted, and the data folder is free for the next try.
      expect(readdirSync(d).some((f) => f.includes('corrupt'))).toBe(false);
      expect(existsSync(join(d, 'hookscope.lock'))).toBe(false);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const t = await startEngine({ dataDir: d });
    expect((await t.client.listEvents({})).items).toHaveLength(1);
    await t.engine.stop();
  }, 20_000);

  it('refuses a read-only log with what to do', async (ctx) => {
    if (process.getuid?.() === 0) {
      console.log(
        'skipped: running as root, and file modes do not stop root from writing; the read-only message is checked by the next test',
      );
      ctx.skip();
    }
    const d = await logWith(1);
    chmodSync(join(d, DB_FILE), 0o444);
    chmodSync(d, 0o555);
    try {
      expect(() => new Engine({ dataDir: d })).toThrow(/cannot be written .*--data-dir/);
    } finally {
      chmodSync(d, 0o755);
    }
  });

  it('words SQLite and file-system open errors as what to do', () => {
    const e = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(describeOpenError(e('SQLITE_READONLY_DIRECTORY', 'readonly'), '/x/h.db')).toMatchObject({
      code: 'read_only',
      message: expect.stringMatching(
        /^The log \/x\/h\.db cannot be written \(readonly\)\. Give your user write access/,
      ),
    });
    expect(describeOpenError(e('EACCES', 'permission denied'), '/x')).toMatchObject({
      code: 'read_only',
    });
    expect(describeOpenError(e('SQLITE_BUSY_RECOVERY', 'busy'), '/x')).toMatchObject({
      code: 'locked',
    });
    const other = e('SQLITE_IOERR', 'disk I/O error');
    expect(describeOpenError(other, '/x')).toBe(other);
  });

  it('lets one engine own a data folder and names its pid to a second one; free again once it stops', async () => {
    const d = dir();
    const first = await startEngine({ dataDir: d });
    expect(readFileSync(join(d, 'hookscope.lock'), 'utf8')).toBe(String(process.pid));
    let err: unknown;
    try {
      new Engine({ dataDir: d });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'in_use' });
    expect((err as Error).message).toMatch(
      new RegExp(`^Another Hookscope \\(pid ${process.pid}\\) is using the data folder `),
    );
    await first.engine.stop();
    expect(existsSync(join(d, 'hookscope.lock'))).toBe(false);
    const again = await startEngine({ dataDir: d });
    await again.engine.stop();
  });

  it('lets the folder go when the engine cannot be built after the log is open (a store that throws)', async () => {
    const d = dir();
    // The secrets store fails as the endpoints are read: after the lock and the log are taken.
    const failing = {
      get: (): string[] => {
        throw new Error('keychain unavailable');
      },
      set: (): void => undefined,
      delete: (): void => undefined,
    };
    expect(() => new Engine({ dataDir: d, secretStore: failing })).toThrow('keychain unavailable');
    expect(existsSync(join(d, 'hookscope.lock'))).toBe(false);
    // The same process can open the folder now (it is not "in use" by the engine that failed).
    const t = await startEngine({ dataDir: d });
    await rawRequest(t.receiverUrl, { body: '{}' });
    expect(await t.engine.events.count()).toBe(1);
    await t.engine.stop();
  });

  it('is not held up by a lock file naming a live program that is not a Hookscope', async () => {
    const d = dir();
    // Left by a Hookscope that died; the pid now belongs to another live program (here the
    // test runner's parent). Nothing is decided from the pid: the OS lock is free.
    expect(() => process.kill(process.ppid, 0)).not.toThrow();
    writeFileSync(join(d, 'hookscope.lock'), String(process.ppid));
    // Nor by a lock database something else wrote over.
    writeFileSync(join(d, 'hookscope.lock.db'), 'not a database');
    const t = await startEngine({ dataDir: d });
    expect(readFileSync(join(d, 'hookscope.lock'), 'utf8')).toBe(String(process.pid));
    await t.engine.stop();
  });

  it('is released by the OS when its holder dies, however it dies', async () => {
    const d = dir();
    // Another process takes the folder's lock as an engine does, then is killed outright.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))});
         const db = new D(${JSON.stringify(join(d, 'hookscope.lock.db'))}, { timeout: 0 });
         db.pragma('journal_mode = OFF'); db.exec('BEGIN EXCLUSIVE');
         process.stdout.write('held\\n'); setInterval(() => {}, 60000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => holder.kill('SIGKILL'));
    await new Promise((r) => holder.stdout.once('data', r));
    expect(() => new Engine({ dataDir: d })).toThrow(/^Another Hookscope is using the data folder/);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const t = await startEngine({ dataDir: d });
    await t.engine.stop();
  });

  it('creates the log, its WAL and shared memory readable by the owner only, in a folder that already exists', async (ctx) => {
    if (process.platform === 'win32') {
      console.log('skipped: Windows has no Unix file modes');
      ctx.skip();
    }
    const d = dir();
    chmodSync(d, 0o755);
    const umask = process.umask(0o022);
    try {
      const t = await startEngine({ dataDir: d });
      await rawRequest(t.receiverUrl, { body: '{}' });
      for (const f of [
        DB_FILE,
        `${DB_FILE}-wal`,
        `${DB_FILE}-shm`,
        'hookscope.lock.db',
        'hookscope.lock',
      ]) {
        expect([f, statSync(join(d, f)).mode & 0o777]).toEqual([f, 0o600]);
      }
      await t.engine.stop();
      // A log an older version left readable by all is made private at the next start.
      chmodSync(join(d, DB_FILE), 0o644);
      const again = await startEngine({ dataDir: d });
      expect(statSync(join(d, DB_FILE)).mode & 0o777).toBe(0o600);
      await again.engine.stop();
    } finally {
      process.umask(umask);
    }
  });
});
