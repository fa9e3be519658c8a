import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from './migrations';

export type Db = Database.Database;

/** The log's file name in the data dir. */
export const DB_FILE = 'hookscope.db';

/** Options for opening the log. `nativeBinding` lets Electron load its own ABI build. */
export interface OpenDbOptions {
  dataDir: string;
  fileName?: string;
  nativeBinding?: string;
}

/**
 * Opens (creating if needed) the SQLite log in `dataDir`, sets the pragmas every open needs
 * (WAL, synchronous=FULL: it silently reverts on reopen, so it is set each time) and applies
 * pending migrations in one transaction each. Throws when the file cannot be opened.
 */
export function openDb(options: OpenDbOptions): Db {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, options.fileName ?? DB_FILE);
  makePrivate(file);
  const db = new Database(
    file,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  );
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Checkpoints are run by the store in idle time, not by a commit on the ack path.
  db.pragma('wal_autocheckpoint = 0');
  // A checkpointed WAL is cut back to 16 MB when it restarts: a big batch (a search index
  // backlog after a restart) must not leave a WAL as large as the log on a small disk.
  db.pragma('journal_size_limit = 16777216');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at TEXT)');
  const done = new Set(
    db
      .prepare('SELECT version FROM migrations')
      .all()
      .map((r) => (r as { version: number }).version),
  );
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO migrations (version, applied_at) VALUES (?, ?)').run(
        m.version,
        new Date().toISOString(),
      );
    })();
  }
}

/**
 * Makes a SQLite file readable by its owner only (0600), creating it empty when missing (an
 * empty file is an empty database). SQLite gives a file it creates the umask's mode (often
 * 0644: readable by every local user, whatever the folder's mode) and its -wal and -shm the
 * mode of the database file, so creating the file first makes all three private; files an
 * older version left readable are made private too.
 */
export function makePrivate(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(f)) chmodSync(f, 0o600);
    } catch (err) {
      // Another user's file that we may still write: use it as it is.
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    }
  }
}
