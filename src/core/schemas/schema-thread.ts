import type { Worker } from 'node:worker_threads';
import type { SchemaResult } from './issues';
import type { CompileOutcome } from './user-schema';
// electron-vite bundles the worker as its own chunk and returns a factory for it.
import createSchemaWorker from './schema-worker?nodeWorker';

/** What the engine asks the schema worker; `text` is the schema's JSON text. */
export type SchemaJob =
  | { id: number; op: 'compile'; text: string }
  | { id: number; op: 'check'; text: string; body: Uint8Array };

/** What the schema worker answers. */
export type SchemaReply =
  | { ready: true }
  /** The job's schema is compiled (first use in this worker): the check deadline starts. */
  | { id: number; stage: 'compiled' }
  /** The body failed; this is the verdict with its first issue, before all are listed. */
  | { id: number; first: SchemaResult }
  | { id: number; result: SchemaResult }
  | { id: number; compiled: CompileOutcome };

/** How one job ended. */
export type JobEnd =
  | { kind: 'done'; result: SchemaResult }
  | { kind: 'compiled'; outcome: CompileOutcome }
  | { kind: 'timeout'; stage: 'compile' | 'check'; first: SchemaResult | null }
  | { kind: 'crashed'; error: string; first: SchemaResult | null };

export interface Deadlines {
  /** For the worker to load (module loading, a cold disk). */
  startMs: number;
  /** For a schema's first compile in this worker. */
  compileMs: number;
  /** For one check, from the moment its schema is compiled. */
  checkMs: number;
}

type Listener = (r: SchemaReply | { crashed: string }) => void;

function describe(err: unknown, memoryMb: number): string {
  if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return `it ran out of memory (more than ${memoryMb} MB)`;
  }
  return (err as Error).message ?? String(err);
}

/**
 * One worker thread running schema jobs one at a time, each under its deadlines. A job past a
 * deadline stops the thread (a running regex or validator cannot be interrupted otherwise);
 * the owner then starts a new one. Never rejects: every outcome is a JobEnd.
 */
export class SchemaThread {
  private readonly worker: Worker;
  private readonly started: Promise<string | null>;
  private listener: Listener | null = null;
  private nextId = 1;
  private exited: string | null = null;
  /** Schema texts compiled in this thread: their checks start under the check deadline. */
  private readonly compiled = new Set<string>();

  constructor(private readonly memoryMb: number) {
    this.worker = createSchemaWorker({
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, stackSizeMb: 4 },
    });
    // Never what keeps the process alive.
    this.worker.unref();
    let ready: (error: string | null) => void = () => undefined;
    this.started = new Promise((resolve) => (ready = resolve));
    this.worker.on('message', (r: SchemaReply) => {
      if ('ready' in r) ready(null);
      else this.listener?.(r);
    });
    const fail = (error: string): void => {
      this.exited ??= error;
      ready(error);
      this.listener?.({ crashed: error });
    };
    this.worker.on('error', (err) => fail(describe(err, memoryMb)));
    this.worker.on('exit', (code) => fail(`the schema worker stopped (exit code ${code})`));
  }

  /** False once the thread crashed, exited or was stopped. */
  get alive(): boolean {
    return this.exited === null;
  }

  /** Runs one job; a timeout stops the thread. */
  async run(job: Omit<SchemaJob, 'id'>, d: Deadlines): Promise<JobEnd> {
    let startTimer: NodeJS.Timeout | undefined;
    const startError = await Promise.race([
      this.started,
      new Promise<string>((resolve) => {
        startTimer = setTimeout(
          () => resolve(`the schema worker did not start within ${d.startMs / 1000} s`),
          d.startMs,
        );
      }),
    ]);
    clearTimeout(startTimer);
    if (startError !== null) {
      void this.stop(startError);
      return { kind: 'crashed', error: startError, first: null };
    }
    return new Promise<JobEnd>((resolve) => {
      const id = this.nextId++;
      let stage: 'compile' | 'check' = this.compiled.has(job.text) ? 'check' : 'compile';
      let first: SchemaResult | null = null;
      let timer: NodeJS.Timeout | undefined;
      const finish = (end: JobEnd): void => {
        clearTimeout(timer);
        this.listener = null;
        if (end.kind === 'timeout') void this.stop('stopped at a deadline');
        resolve(end);
      };
      const arm = (): void => {
        clearTimeout(timer);
        const ms = stage === 'compile' ? d.compileMs : d.checkMs;
        timer = setTimeout(() => finish({ kind: 'timeout', stage, first }), ms);
      };
      this.listener = (r) => {
        if ('crashed' in r) return finish({ kind: 'crashed', error: r.crashed, first });
        if (!('id' in r) || r.id !== id) return;
        if ('stage' in r) {
          this.compiled.add(job.text);
          stage = 'check';
          arm();
        } else if ('first' in r) first = r.first;
        else if ('result' in r) finish({ kind: 'done', result: r.result });
        else if ('compiled' in r) {
          this.compiled.add(job.text);
          finish({ kind: 'compiled', outcome: r.compiled });
        }
      };
      arm();
      this.worker.postMessage({ ...job, id });
    });
  }

  /** Stops the thread; a job running on it ends as crashed with `why`. */
  async stop(why = 'stopped'): Promise<void> {
    this.exited ??= why;
    await this.worker.terminate();
  }
}
