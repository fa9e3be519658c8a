import { unreadJson } from '../json-body';
import { issue, unreadVerdict, USER_SCHEMA_NAME, type SchemaResult } from './issues';
import { schemaSizeProblem } from './schema-limits';
import { SchemaThread, type Deadlines, type JobEnd } from './schema-thread';
import type { CompileOutcome } from './user-schema';

/** How long one check may run in the worker before it is stopped. */
export const SCHEMA_CHECK_MS = 250;
/** How long compiling a schema may take (saving it, or its first use in a worker). */
export const SCHEMA_COMPILE_MS = 2000;
/** How long a delivery waits for its verdict at most, queueing and compiling included. */
export const SCHEMA_WAIT_MS = 2000;
/** The schema worker's heap; past it the worker is stopped and the check reported. */
const SCHEMA_MEMORY_MB = 256;
/** For a worker thread to load (module loading on a busy machine). */
const START_MS = 10_000;
/** Schemas remembered as too slow to compile. */
const MAX_REMEMBERED = 100;
/** After a live check of an endpoint ran past its deadline, its checks are skipped this long. */
export const SCHEMA_COOLDOWN_MS = 30_000;
/** Schema saves waiting for the compile worker at most; more are refused (save again). */
export const MAX_WAITING_COMPILES = 16;

export interface SchemaCheckerOptions {
  checkMs?: number;
  compileMs?: number;
  waitMs?: number;
  memoryMb?: number;
  cooldownMs?: number;
  maxWaitingCompiles?: number;
}

type End = JobEnd | { kind: 'waited' } | { kind: 'closed' } | { kind: 'tripped' };

interface Job {
  op: 'check' | 'compile';
  /** Whose job: the endpoint (or the schema text); checks take turns between keys. */
  key: string;
  live: boolean;
  text: string;
  body?: Uint8Array;
  settled: boolean;
  settle(end: End): void;
}

const unchecked = (where: string, why: string): SchemaResult => ({
  status: 'error',
  name: USER_SCHEMA_NAME,
  issues: [issue(where, why)],
});

/**
 * Runs endpoints' own JSON Schemas off the receiver's thread. A user's schema can take
 * exponential time or memory on a 200-byte body (a recursive `oneOf`, an `anyOf` doubling
 * chain), so every check runs in a worker thread under deadlines: a check running past
 * `checkMs` stops the worker (a fresh one takes its place) and the delivery gets the verdict
 * `error` saying so; a delivery waits at most `waitMs` for its verdict; compiling a schema
 * may take `compileMs`. Deliveries without a user schema never come here. Live checks go
 * before background ones (imports). Never rejects.
 *
 * One endpoint cannot starve the others: queued checks take turns between endpoints (one
 * check of each in turn), and once a live check of an endpoint ran past its deadline, that
 * endpoint's checks (queued and new) get the verdict `error` "schema unchecked: its last
 * check took too long" at once for `cooldownMs`, without the worker. Saving schemas compiles
 * them one at a time, each under its own deadline from the moment its compile starts.
 */
export class SchemaChecker {
  private thread: SchemaThread | null = null;
  /** Started and loaded ahead, to take over at once from a thread stopped at a deadline. */
  private spare: SchemaThread | null = null;
  /** Live jobs per key, keys in turn order (a key goes to the back after each job). */
  private readonly live = new Map<string, Job[]>();
  private readonly background: Job[] = [];
  /** The key of the live job taken last. */
  private lastKey: string | undefined;
  /** Keys whose last live check ran past its deadline, until when they are skipped. */
  private readonly tripped = new Map<string, number>();
  private readonly cooldownMs: number;
  private readonly maxWaitingCompiles: number;
  /** Saves waiting for the compile worker, the running one included. */
  private compilesWaiting = 0;
  private compileQueue: Promise<unknown> = Promise.resolve();
  private compilingNow = 0;
  private compilingPeak = 0;
  private running: Job | null = null;
  private closed = false;
  private readonly deadlines: Deadlines;
  private readonly waitMs: number;
  private readonly memoryMb: number;
  /** Schema texts whose compile passed its deadline, with the verdict their checks get. */
  private readonly slowToCompile = new Map<string, string>();
  private readonly texts = new WeakMap<object, string>();

  constructor(opts: SchemaCheckerOptions = {}) {
    this.deadlines = {
      startMs: START_MS,
      compileMs: opts.compileMs ?? SCHEMA_COMPILE_MS,
      checkMs: opts.checkMs ?? SCHEMA_CHECK_MS,
    };
    this.waitMs = opts.waitMs ?? SCHEMA_WAIT_MS;
    this.memoryMb = opts.memoryMb ?? SCHEMA_MEMORY_MB;
    this.cooldownMs = opts.cooldownMs ?? SCHEMA_COOLDOWN_MS;
    this.maxWaitingCompiles = opts.maxWaitingCompiles ?? MAX_WAITING_COMPILES;
  }

  /** The most schema compiles (saves) that ever ran at once: 1. */
  get compilesAtOnceMax(): number {
    return this.compilingPeak;
  }

  /**
   * The verdict of `body` against an endpoint's JSON Schema. A live check (a delivery the
   * receiver holds) settles within `waitMs`; a background one (an import) waits its turn.
   * `key` names the endpoint (checks take turns between keys); the schema text by default.
   */
  check(
    schema: unknown,
    body: Uint8Array,
    background = false,
    key?: string,
  ): Promise<SchemaResult> {
    // Not JSON, or too large to parse: said at once, without copying the body to the worker.
    const unread = unreadJson(body);
    if (unread !== null) return Promise.resolve(unreadVerdict(unread));
    const text = this.textOf(schema);
    if (typeof text !== 'string') return Promise.resolve(text);
    const slow = this.slowToCompile.get(text);
    if (slow !== undefined) return Promise.resolve(unchecked('(schema)', slow));
    const k = key ?? text;
    if (this.isTripped(k)) return Promise.resolve(this.verdict(text, { kind: 'tripped' }));
    return new Promise((resolve) => {
      const done = (end: End): void => resolve(this.verdict(text, end));
      const job = this.job('check', k, !background, text, done, body);
      if (!background) {
        const wait = setTimeout(() => job.settle({ kind: 'waited' }), this.waitMs);
        const settle = job.settle;
        job.settle = (end) => {
          clearTimeout(wait);
          settle(end);
        };
      }
      if (background) this.background.push(job);
      else this.live.set(k, [...(this.live.get(k) ?? []), job]);
      this.pump();
    });
  }

  /** Compiles a saved schema in the check worker ahead of its first delivery. */
  warm(schema: unknown): void {
    const text = this.textOf(schema);
    if (typeof text !== 'string' || this.slowToCompile.has(text)) return;
    // Its outcome matters only to later checks (a compile too slow is remembered).
    this.background.push(this.job('compile', text, false, text, () => undefined));
    this.pump();
  }

  /**
   * Whether a schema can be saved: within the size limits (checked here, without recursion),
   * and compiled in a worker of its own within `compileMs`, so saving never holds up checks.
   * Saves compile one at a time (a compile competing with others for the CPU would miss its
   * deadline); the deadline runs from the start of its own compile, not while it waits. That
   * worker, with the schema compiled, then serves the checks (or waits as the spare).
   */
  async validate(schema: unknown): Promise<CompileOutcome> {
    const tooBig = schemaSizeProblem(schema);
    if (tooBig !== null) return { ok: false, error: tooBig };
    if (this.compilesWaiting >= this.maxWaitingCompiles) {
      return {
        ok: false,
        error: `${this.maxWaitingCompiles} other schemas are being saved at this moment; save again in a few seconds`,
      };
    }
    this.compilesWaiting++;
    const text = JSON.stringify(schema);
    const turn = this.compileQueue.then(() => this.compileAlone(text));
    this.compileQueue = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      this.compilesWaiting--;
    }
  }

  private async compileAlone(text: string): Promise<CompileOutcome> {
    if (this.closed) return { ok: false, error: 'not compiled: Hookscope is stopping' };
    this.compilingNow++;
    this.compilingPeak = Math.max(this.compilingPeak, this.compilingNow);
    const thread = new SchemaThread(this.memoryMb);
    const end = await thread.run({ op: 'compile', text }, this.deadlines);
    this.compilingNow--;
    if (end.kind === 'compiled' && end.outcome.ok && !this.closed) {
      this.adopt(thread);
      return end.outcome;
    }
    void thread.stop();
    if (end.kind === 'compiled') return end.outcome;
    if (end.kind === 'timeout') return { ok: false, error: this.tooSlowToCompile() };
    const why = end.kind === 'crashed' ? end.error : 'no answer';
    return { ok: false, error: `the schema could not be compiled: ${why}` };
  }

  /** Stops the worker; checks still waiting get an `error` verdict at once. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of [this.running, ...[...this.live.values()].flat(), ...this.background]) {
      job?.settle({ kind: 'closed' });
    }
    this.live.clear();
    this.background.length = 0;
    const threads = [this.thread, this.spare];
    this.thread = this.spare = null;
    await Promise.all(threads.map((t) => t?.stop()));
  }

  private job(
    op: Job['op'],
    key: string,
    live: boolean,
    text: string,
    done: (end: End) => void,
    body?: Uint8Array,
  ): Job {
    const job: Job = {
      op,
      key,
      live,
      text,
      ...(body ? { body } : {}),
      settled: false,
      settle: (end) => {
        if (job.settled) return;
        job.settled = true;
        done(end);
      },
    };
    return job;
  }

  /** Whether `key`'s checks are skipped (its last live check ran past its deadline). */
  private isTripped(key: string): boolean {
    const until = this.tripped.get(key);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.tripped.delete(key);
    return false;
  }

  /** The next live job: one of each key in turn, the key of the job just run last. */
  private nextLive(): Job | undefined {
    let key: string | undefined;
    for (const k of this.live.keys()) {
      key ??= k;
      if (k !== this.lastKey) {
        key = k;
        break;
      }
    }
    if (key === undefined) return undefined;
    const jobs = this.live.get(key)!;
    this.live.delete(key);
    const job = jobs.shift();
    if (jobs.length > 0) this.live.set(key, jobs);
    this.lastKey = key;
    return job;
  }

  /**
   * Runs queued jobs one at a time, live ones first, endpoints in turn; answered ones are
   * skipped, those of a tripped endpoint answered at once.
   */
  private pump(): void {
    if (this.running || this.closed) return;
    let job: Job | undefined;
    for (;;) {
      job = this.nextLive() ?? this.background.shift();
      if (!job) return;
      if (job.settled) continue;
      if (job.op === 'check' && this.isTripped(job.key)) {
        job.settle({ kind: 'tripped' });
        continue;
      }
      break;
    }
    this.running = job;
    if (!this.thread?.alive) {
      this.thread = this.spare?.alive ? this.spare : new SchemaThread(this.memoryMb);
      this.spare = null;
    }
    const message =
      job.op === 'check'
        ? { op: 'check' as const, text: job.text, body: job.body! }
        : { op: 'compile' as const, text: job.text };
    void this.thread.run(message, this.deadlines).then((end) => {
      this.running = null;
      // Started after a job, not beside the first one: two cold starts at once slow both.
      if (!this.spare?.alive && !this.closed) this.spare = new SchemaThread(this.memoryMb);
      if (end.kind === 'timeout' && end.stage === 'compile') this.remember(job.text);
      if (end.kind === 'timeout' && end.stage === 'check' && job.live && this.cooldownMs > 0) {
        this.tripped.set(job.key, Date.now() + this.cooldownMs);
        if (this.tripped.size > MAX_REMEMBERED) {
          this.tripped.delete(this.tripped.keys().next().value as string);
        }
      }
      job.settle(end);
      this.pump();
    });
  }

  /** Takes a started thread (from validate) as the check thread, or else as the spare. */
  private adopt(thread: SchemaThread): void {
    if (!this.thread?.alive) {
      this.thread = thread;
      return;
    }
    void this.spare?.stop();
    this.spare = thread;
  }

  private remember(text: string): void {
    if (this.slowToCompile.size >= MAX_REMEMBERED) {
      this.slowToCompile.delete(this.slowToCompile.keys().next().value as string);
    }
    this.slowToCompile.set(text, this.tooSlowToCompile());
  }

  private tooSlowToCompile(): string {
    return `schema took more than ${this.deadlines.compileMs / 1000} s to compile: simplify it (fewer properties, shorter $ref chains)`;
  }

  /** The delivery's verdict for how its check ended. */
  private verdict(text: string, end: End): SchemaResult {
    const ms = this.deadlines.checkMs;
    switch (end.kind) {
      case 'done':
        return end.result;
      case 'compiled':
        return end.outcome.ok ? { status: 'none' } : unchecked('(schema)', end.outcome.error);
      case 'timeout':
        if (end.stage === 'compile') return unchecked('(schema)', this.slowToCompile.get(text)!);
        return this.cut(end.first, `schema check took longer than ${ms} ms`);
      case 'crashed':
        return this.cut(end.first, `schema check failed: ${end.error}`);
      case 'waited':
        return unchecked(
          '(root)',
          `no verdict within ${this.waitMs} ms: the schema checker was busy with earlier deliveries`,
        );
      case 'closed':
        return unchecked('(root)', 'not checked: Hookscope was stopping');
      case 'tripped':
        return unchecked(
          '(root)',
          `schema unchecked: its last check took too long (more than ${ms} ms); this endpoint's deliveries are not checked for ${Math.round(this.cooldownMs / 1000)} s after that, so that other endpoints' checks are not held up`,
        );
    }
  }

  /**
   * A check stopped before its end: the body's first issue when ajv's fast pass had found one
   * (listing every issue is what can take exponential time), else an `error` verdict.
   */
  private cut(first: SchemaResult | null, why: string): SchemaResult {
    if (first)
      return {
        ...first,
        issues: [...(first.issues ?? []), `... (${why}: stopped listing issues)`],
      };
    return unchecked('(root)', `${why}: the schema is too expensive for this body`);
  }

  /** The schema's JSON text (cached per schema object), or the verdict of one too large. */
  private textOf(schema: unknown): string | SchemaResult {
    const isRef = typeof schema === 'object' && schema !== null;
    const hit = isRef ? this.texts.get(schema) : undefined;
    if (hit !== undefined) return hit;
    const tooBig = schemaSizeProblem(schema);
    if (tooBig !== null)
      return { status: 'none', name: USER_SCHEMA_NAME, issues: [issue('(schema)', tooBig)] };
    const text = JSON.stringify(schema);
    if (isRef) this.texts.set(schema, text);
    return text;
  }
}
