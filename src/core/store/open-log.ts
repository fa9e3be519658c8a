import Database from 'better-sqlite3';
import { existsSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Notice } from '../../shared/model';
import { DB_FILE, makePrivate, openDb, type Db, type OpenDbOptions } from './db';

/** SQLite result codes that mean the file is not a readable log. */
const CORRUPT = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);
const LOCKED = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);
const READ_ONLY = new Set(['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH']);

/** A start-up failure whose message says what is wrong and what to do. */
export class LogOpenError extends Error {
  constructor(
    message: string,
    readonly code: 'locked' | 'read_only' | 'in_use',
  ) {
    super(message);
    this.name = 'LogOpenError';
  }
}

/**
 * Opens the log; when the file is corrupt it is moved aside (never deleted) with its WAL and a
 * fresh log is started, and a notice tells the user where the old file is. A log that is
 * locked by another program or cannot be written is a clear `LogOpenError`.
 */
export function openLog(
  options: OpenDbOptions,
  now: () => number = Date.now,
): { db: Db; notices: Notice[] } {
  const file = join(options.dataDir, options.fileName ?? DB_FILE);
  try {
    return { db: openChecked(options), notices: [] };
  } catch (err) {
    const code = sqliteCode(err);
    if (code && CORRUPT.has(code)) {
      const movedTo = moveAside(file, now());
      const db = openChecked(options);
      const why = (err as Error).message;
      return {
        db,
        notices: [
          {
            code: 'log_recovered',
            message: `The log ${file} could not be read (${why}). It was moved to ${movedTo} (nothing was deleted) and a fresh log was started.`,
            path: movedTo,
          },
        ],
      };
    }
    throw describeOpenError(err, file);
  }
}

/** Opens and reads enough of the log that a corrupt file shows itself now, not on a delivery. */
function openChecked(options: OpenDbOptions): Db {
  const db = openDb(options);
  try {
    // The schema, both tables' roots and their newest pages: a count(*) would read every
    // page of a log of millions at each start (seconds from a cold disk).
    db.prepare('SELECT max(rev) FROM events').get();
    db.prepare('SELECT seq FROM events ORDER BY seq DESC LIMIT 1').get();
    db.prepare('SELECT seq, length(body) FROM bodies ORDER BY seq DESC LIMIT 1').get();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The primary SQLite result code of an error from better-sqlite3, or null. */
function sqliteCode(err: unknown): string | null {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? baseCode(code) : null;
}

/** Turns an open failure into a message that says what to do; other errors pass through. */
export function describeOpenError(err: unknown, file: string): Error {
  const raw = (err as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  const base = baseCode(code);
  const why = (err as Error).message;
  if (LOCKED.has(base)) {
    return new LogOpenError(
      `The log ${file} is locked by another program (${why}). Close it (another Hookscope, or a database tool holding a write lock) and start again.`,
      'locked',
    );
  }
  if (READ_ONLY.has(base) || code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
    return new LogOpenError(
      `The log ${file} cannot be written (${why}). Give your user write access to it and its folder, or start with another data folder (--data-dir or HOOKSCOPE_DATA_DIR).`,
      'read_only',
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** `SQLITE_CORRUPT_INDEX` → `SQLITE_CORRUPT`: the primary result code of an extended one. */
function baseCode(code: string): string {
  const m = /^SQLITE_[A-Z]+/.exec(code);
  return m ? m[0] : code;
}

/** Where a file that cannot be read is moved: beside it, named for when. */
export function corruptPath(file: string, at: number): string {
  return `${file}.corrupt-${new Date(at).toISOString().replace(/[:.]/g, '-')}`;
}

function moveAside(file: string, at: number): string {
  const target = corruptPath(file, at);
  renameSync(file, target);
  for (const ext of ['-wal', '-shm']) {
    if (existsSync(file + ext)) renameSync(file + ext, target + ext);
  }
  return target;
}

/** The lock database (empty; only its lock matters) and the file naming its holder's pid. */
const LOCK_DB = 'hookscope.lock.db';
const PID_FILE = 'hookscope.lock';

/**
 * One engine per data folder. The lock is SQLite's own file lock on a small database held
 * EXCLUSIVE for the engine's life: the OS releases it when the process ends however it ends
 * (killed, power cut), so nothing is guessed from a pid. `hookscope.lock` beside it names the
 * holder's pid, only to say who holds it.
 */
export class DataDirLock {
  private constructor(
    private readonly db: Db,
    private readonly pidFile: string,
  ) {}

  static acquire(dataDir: string, nativeBinding?: string): DataDirLock {
    const file = join(dataDir, LOCK_DB);
    const pidFile = join(dataDir, PID_FILE);
    for (let tries = 0; ; tries++) {
      let db: Db | null = null;
      try {
        makePrivate(file);
        db = new Database(file, { timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) });
        db.pragma('journal_mode = OFF');
        db.exec('BEGIN EXCLUSIVE');
        writeFileSync(pidFile, String(process.pid), { mode: 0o600 });
        return new DataDirLock(db, pidFile);
      } catch (err) {
        db?.close();
        const code = sqliteCode(err);
        if (code !== null && LOCKED.has(code)) {
          const pid = readPid(pidFile);
          throw new LogOpenError(
            `Another Hookscope${pid === null ? '' : ` (pid ${pid})`} is using the data folder ${dataDir}. Close it, talk to it (hookscope events --api ...), or start this one with another folder (--data-dir).`,
            'in_use',
          );
        }
        // Not a database (written over by something else): it holds no data, and SQLite read
        // it, so nobody holds its lock; it is emptied in place (never removed: see release).
        if (code !== null && CORRUPT.has(code) && tries === 0) truncateSync(file, 0);
        else throw describeOpenError(err, file);
      }
    }
  }

  /** Lets the folder go (the lock database stays: removing it would race a new holder). */
  release(): void {
    if (!this.db.open) return;
    if (readPid(this.pidFile) === process.pid) rmSync(this.pidFile, { force: true });
    this.db.close();
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
