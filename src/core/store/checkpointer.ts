import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Runs in a worker thread with its own connection: a checkpoint copies WAL pages into the
// database file and fsyncs it, which would stall the receiver's event loop for 10-80 ms.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
db.pragma('busy_timeout = 2000');
db.pragma('journal_size_limit = 16777216');
parentPort.on('message', (mode) => {
  try {
    const [r] = db.pragma('wal_checkpoint(' + mode + ')');
    parentPort.postMessage({ ok: true, busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String((e && e.message) || e) });
  }
});
`;

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** WAL checkpoints on a worker thread; one at a time, in the order asked. */
export class Checkpointer {
  private readonly worker: Worker;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(file: string, nativeBinding?: string) {
    const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, nativeBinding, modulePath },
    });
    this.worker.unref();
    // A worker that cannot load better-sqlite3 must not take the receiver down: checkpoints
    // then fail (and are retried next round) while deliveries keep being stored.
    this.worker.on('error', (err) => {
      this.failed = err;
    });
  }

  private failed: Error | null = null;

  /** PASSIVE while deliveries flow; TRUNCATE when quiet to give the WAL's space back. */
  checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): Promise<CheckpointResult> {
    const run = this.queue.then(
      () =>
        new Promise<CheckpointResult>((resolve, reject) => {
          if (this.failed) return reject(this.failed);
          const onError = (err: Error): void => reject(err);
          this.worker.once('error', onError);
          this.worker.once('message', (m: { ok: boolean; error?: string } & CheckpointResult) => {
            this.worker.off('error', onError);
            if (m.ok) resolve(m);
            else reject(new Error(m.error));
          });
          this.worker.postMessage(mode);
        }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the worker (after any checkpoint in progress). */
  async close(): Promise<void> {
    await this.queue;
    await this.worker.terminate();
  }
}
