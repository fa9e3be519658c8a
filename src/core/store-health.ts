/** What background writers (search indexing, forward results, retention) ask before writing. */
export interface BackgroundWrites {
  /** False while the disk guard refuses or the log failed a write (tried again with backoff). */
  mayWrite(): boolean;
  /** A write to the log failed. */
  failed(err: unknown, what: string): void;
  /** A write to the log succeeded. */
  succeeded(): void;
}

/** First wait before background work tries the log again after a failed write; doubles. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/** A PostgreSQL server's error (its SQLSTATE and message), or null for anything else. */
function databaseError(err: unknown): { code: string; message: string } | null {
  const e = err as { code?: unknown; severity?: unknown; message?: unknown } | null;
  if (typeof e?.code !== 'string' || typeof e.severity !== 'string') return null;
  if (!/^[0-9A-Z]{5}$/.test(e.code)) return null;
  return { code: e.code, message: typeof e.message === 'string' ? e.message : e.code };
}

/** Errors of a socket to a database server (SQLite has none). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

/** What a person can do about the failed write, after storeErrorWords. */
export function storeErrorFix(err: unknown): string {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (databaseError(err) || UNREACHABLE.has(code))
    return 'check the PostgreSQL server (its log says more)';
  return 'free space or fix the disk';
}

/** A store error in words: what went wrong with the log (SQLite or PostgreSQL), for a person. */
export function storeErrorWords(err: unknown): string {
  const db = databaseError(err);
  if (db) {
    if (db.code === '53100') return `the PostgreSQL server's disk is full ("${db.message}")`;
    return `the database refused the write ("${db.message}")`;
  }
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (UNREACHABLE.has(code)) return `the PostgreSQL server could not be reached (${code})`;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'the disk holding the log is full';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'the disk reported an I/O error';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES')
    return 'the log cannot be written (read-only)';
  if (code === 'SQLITE_CORRUPT') return 'the log is damaged';
  return `the log could not be written (${code || (err as Error)?.message || 'unknown error'})`;
}

/**
 * Whether the log can be written, as the last writes found it. A failed write (SQLITE_FULL,
 * an I/O error) is reported once, in words (getStatus health, `receiver.health`, `serve`'s
 * output), and cleared by the next write that succeeds; meanwhile background writers back off
 * (one try after 1 s, doubling to 30 s) so they do not make a full disk fuller, and so do they
 * while the disk guard refuses deliveries.
 */
export class StoreHealth implements BackgroundWrites {
  private problem: { words: string; fix: string; what: string; since: number } | null = null;
  private nextTry = 0;
  private wait = FIRST_RETRY_MS;

  constructor(
    private readonly diskRefusing: () => boolean,
    private readonly clock: () => number,
    private readonly changed: () => void,
  ) {}

  /** Why the log cannot be written now, in words; null when writes work. */
  get message(): string | null {
    if (!this.problem) return null;
    return `${this.problem.words}: a write failed while ${this.problem.what}. Deliveries are answered 503 so senders retry later, and background work (search indexing, forwarding, retention) waits until the log can be written again; ${this.problem.fix}.`;
  }

  get failing(): boolean {
    return this.problem !== null;
  }

  mayWrite(): boolean {
    if (this.diskRefusing()) return false;
    if (!this.problem) return true;
    const now = this.clock();
    if (now < this.nextTry) return false;
    this.nextTry = now + this.wait;
    this.wait = Math.min(this.wait * 2, MAX_RETRY_MS);
    return true;
  }

  failed(err: unknown, what: string): void {
    if (this.problem) return;
    const now = this.clock();
    this.problem = { words: storeErrorWords(err), fix: storeErrorFix(err), what, since: now };
    this.nextTry = now + FIRST_RETRY_MS;
    this.wait = FIRST_RETRY_MS * 2;
    this.changed();
  }

  succeeded(): void {
    if (!this.problem) return;
    this.problem = null;
    this.wait = FIRST_RETRY_MS;
    this.changed();
  }
}
