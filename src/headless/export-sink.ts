import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { HookscopeError } from '../shared/errors';

/** Where `hookscope events export` writes: a file, or stdout. */
export interface ExportSink {
  /**
   * Resolves once the stream took the piece (its buffer drained), so memory holds one piece;
   * with false when stdout's reader went away (`| head`) and the export should stop.
   */
  write(piece: string): Promise<boolean>;
  /** Flushes and closes a file (stdout stays open). */
  end(): Promise<void>;
}

/**
 * A sink whose errors reject the write in progress (or the next one) instead of crashing the
 * process with an unhandled 'error' event: a folder that does not exist is said in words; a
 * reader that stops reading stdout (EPIPE) ends the export quietly.
 */
export function exportSink(path: string | undefined): ExportSink {
  const out: Writable = path !== undefined ? createWriteStream(path) : process.stdout;
  let failed: HookscopeError | null = null;
  let closed = false;
  const pending = new Set<() => void>();
  const fail = (err: NodeJS.ErrnoException): void => {
    if (path === undefined && err.code === 'EPIPE') closed = true;
    else
      failed ??= new HookscopeError('internal', `cannot write ${path ?? 'stdout'}: ${err.message}`);
    for (const settle of pending) settle();
  };
  out.on('error', fail);
  /** Runs `start`, then resolves or rejects once its callback came or the stream failed. */
  const step = (start: (done: (err?: Error | null) => void) => void): Promise<void> =>
    new Promise((resolve, reject) => {
      const settle = (): void => {
        pending.delete(settle);
        if (failed) reject(failed);
        else resolve();
      };
      if (failed || closed) return settle();
      pending.add(settle);
      start((err) => {
        if (err) fail(err);
        settle();
      });
    });
  return {
    write: (piece) => step((done) => out.write(piece, done)).then(() => !closed),
    end: () => (path === undefined ? Promise.resolve() : step((done) => out.end(done))),
  };
}
