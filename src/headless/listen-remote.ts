import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Forwarder, type QueueOutcome } from '../core/forward/forwarder';
import { DEFAULT_RETRY } from '../core/forward/retry-policy';
import { toWireAttempt } from '../core/forward/wire';
import type { AttemptRecord } from '../core/store/forward-store';
import { ListenerStore, type TakenDelivery } from '../core/store/listener-store';
import type { Input, Output as Answer } from '../shared/contract';
import { createClient, type Client } from '../shared/dispatch';
import { HookscopeError, isErrorBody } from '../shared/errors';
import { wholeBody } from '../shared/event-body';
import { forwardUrl } from '../shared/forward-url';
import type { Endpoint, EventSummary } from '../shared/model';
import { deadLetterLine, deliveryLine, deliveryRef, forwardLine } from './listen-lines';
import { outcomeOf } from './listen';
import type { Output as Lines } from './output';

export interface RemoteListenOptions {
  /** The server's control API URL (`http://host:7701`), no trailing slash. */
  server: string;
  token: string;
  /** The endpoint path listened on; `/` takes every endpoint's deliveries. */
  path: string;
  forwardTo: string;
  /** Start from this time (ISO) instead of the cursor or now. */
  since?: string;
  /** Skip what arrived since the cursor. */
  fromNow: boolean;
  /** Who this listener is, on the server's records (`--name`, default user@host). */
  name: string;
  /** The listener's data folder; its file is `listeners/<server+path>.db` in it. */
  dataDir: string;
}

/** The token was refused (revoked or wrong): the one thing that stops a listener. */
export class ListenerRefused extends Error {}

/** Waits after a failed connection: 0.25 s doubling up to 10 s. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;
/** A request to the server that takes longer than this counts as a lost connection. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Looked again this often even without a push (a stream that hangs without closing). */
const POLL_MS = 15_000;
const PAGE = 200;
/** Forwards one at a time, so the app gets them in order of arrival. */
const SETTINGS = {
  paused: false,
  concurrency: 1,
  timeoutMs: 30_000,
  retry: DEFAULT_RETRY,
};

const time = (iso: string): string => iso.slice(11, 16);
const why = (err: unknown): string => {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  return err instanceof Error ? err.message : String(err);
};

/** The listener's file for a server and path: readable, and unique per server+path. */
export function listenerFile(server: string, path: string): string {
  const u = new URL(server);
  const hash = createHash('sha256').update(`${u.origin}${u.pathname}\n${path}`).digest('hex');
  const slug = `${u.hostname}-${u.port || (u.protocol === 'https:' ? '443' : '80')}${path}`
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/-+$/, '');
  return `${slug}-${hash.slice(0, 8)}.db`;
}

/** A client of the server's control API; a request that hangs is given up after 30 s. */
function serverClient(server: string, token: string): Client {
  return createClient({
    async invoke(name, input) {
      const res = await fetch(`${server}/api/${name}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (res.status === 401) throw new ListenerRefused(refusedMessage(server));
      const body = (await res.json()) as { error?: unknown };
      if (res.ok) return body;
      throw isErrorBody(body.error) ? body.error : new Error(`HTTP ${res.status}`);
    },
    on: () => () => undefined,
  });
}

const refusedMessage = (server: string): string =>
  `${server} refused the token (401): it is wrong or was revoked. Ask for a new one and start again with --token (or HOOKSCOPE_TOKEN).`;

/**
 * `hookscope listen --server URL`: the laptop end of a team server. Takes the deliveries of
 * the endpoint at `--path` from the server (oldest first, from its cursor), keeps each with its
 * exact bytes and queues its forward in the same local commit as the cursor, and forwards with
 * the engine's forwarder (retries, dead letters, the same `-->` / `<--` lines as `listen`).
 * Goes live on the server's stream; a lost connection is retried with backoff, forever. Resolves
 * when stopped; rejects with ListenerRefused when the server refuses the token.
 */
export class RemoteListener {
  private readonly api: Client;
  private readonly store: ListenerStore;
  private readonly forwarder: Forwarder;
  private readonly refs = new Map<string, string>();
  private readonly listenerId: string;
  private endpoints = new Map<string, Endpoint>();
  /** The endpoint listened on; null when `--path /` (every endpoint). */
  private endpoint: Endpoint | null = null;
  private prepared = false;
  private lost = false;
  private stopped = false;
  private stream: AbortController | null = null;
  private wake: (() => void) | null = null;
  private pulling: Promise<number> | null = null;
  private pullAgain = false;
  private failure: ((err: unknown) => void) | null = null;
  /** Attempts to tell the server of, oldest first; sent one at a time. */
  private readonly reports: Input<'recordListenerAttempt'>[] = [];
  private reporting = false;

  constructor(
    private readonly opts: RemoteListenOptions,
    private readonly out: Lines,
  ) {
    this.api = serverClient(opts.server, opts.token);
    this.store = ListenerStore.open(
      join(opts.dataDir, 'listeners'),
      listenerFile(opts.server, opts.path),
    );
    this.listenerId = this.store.id();
    this.forwarder = new Forwarder(
      this.store.forwards,
      { source: (id) => this.store.source(id) },
      () => SETTINGS,
      Date.now,
      (a, q) => this.attempted(a, q),
    );
  }

  /** Where the listener keeps its state. */
  get file(): string {
    return join(this.opts.dataDir, 'listeners', listenerFile(this.opts.server, this.opts.path));
  }

  /** Runs until stop(); rejects with ListenerRefused on a 401. */
  async run(): Promise<void> {
    this.forwarder.start();
    const fatal = new Promise<never>((_, reject) => (this.failure = reject));
    await Promise.race([this.loop(), fatal]);
  }

  /** Stops taking deliveries, lets attempts in flight finish (2 s), closes the file. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // The server's list of listeners drops this one at once (else after 45 s).
    const leaving = this.prepared
      ? this.api.listenerHeartbeat({ ...this.beatInput(), leaving: true }).catch(() => undefined)
      : Promise.resolve();
    this.stream?.abort();
    this.wake?.();
    await this.forwarder.stop();
    await this.pulling?.catch(() => undefined);
    await Promise.race([leaving, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.store.close();
  }

  private beatInput(): Input<'listenerHeartbeat'> {
    return {
      id: this.listenerId,
      name: this.opts.name,
      path: this.opts.path.replace(/\/+$/, '') || '/',
      forwardTo: this.opts.forwardTo,
    };
  }

  /** Tells the server this listener is there (its list of listeners); a failure is the pull's to notice. */
  private beat(): void {
    this.api.listenerHeartbeat(this.beatInput()).catch((err: unknown) => {
      if (err instanceof ListenerRefused) this.failure?.(err);
    });
  }

  private async loop(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    while (!this.stopped) {
      const ctrl = new AbortController();
      this.stream = ctrl;
      try {
        const body = await this.openStream(ctrl.signal);
        if (!this.prepared) await this.prepare();
        const n = await this.pull();
        if (this.lost) {
          this.lost = false;
          this.out.info(
            'connection-back',
            { server: this.opts.server, caughtUp: n },
            `back: caught up ${n}`,
          );
        }
        delay = FIRST_RETRY_MS;
        this.beat();
        const poll = setInterval(() => {
          this.kickPull();
          this.beat();
        }, POLL_MS);
        try {
          await this.follow(body);
        } finally {
          clearInterval(poll);
        }
        if (!this.stopped) this.connectionLost('the stream ended');
      } catch (err) {
        if (err instanceof ListenerRefused) throw err;
        if (this.stopped) break;
        this.connectionLost(why(err));
        ctrl.abort();
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  private connectionLost(reason: string): void {
    if (this.lost || this.stopped) return;
    this.lost = true;
    this.out.info(
      'connection-lost',
      { server: this.opts.server, reason },
      `connection to ${this.opts.server} lost, retrying… (${reason})`,
    );
  }

  /** Opens `GET /api/stream`; throws on a refusal or an unreachable server. */
  private async openStream(signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const res = await fetch(`${this.opts.server}/api/stream`, {
      headers: { Authorization: `Bearer ${this.opts.token}`, Accept: 'text/event-stream' },
      signal,
    });
    if (res.status === 401) throw new ListenerRefused(refusedMessage(this.opts.server));
    if (!res.ok || !res.body) throw new Error(`the stream answered ${res.status}`);
    return res.body;
  }

  /** Reads the stream until it ends; each batch with a delivery past the cursor pulls. */
  private async follow(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of body) {
        buf += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buf.indexOf('\n\n')) !== -1) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length > 0) this.pushed(event, data.join('\n'));
        }
      }
    } catch (err) {
      if (this.stopped) return;
      throw err;
    }
  }

  private pushed(event: string, data: string): void {
    if (event === 'events.batch' || event === 'events.reset') {
      const cursor = this.store.cursor()?.seq ?? 0;
      if (event === 'events.reset') return this.kickPull();
      const { items } = JSON.parse(data) as { items: EventSummary[] };
      if (items.some((e) => e.seq > cursor && this.mine(e))) this.kickPull();
    } else if (event === 'endpoints.changed') {
      const { id, endpoint } = JSON.parse(data) as { id: string; endpoint: Endpoint | null };
      if (endpoint) this.endpoints.set(id, endpoint);
      else this.endpoints.delete(id);
    }
  }

  private mine(e: Pick<EventSummary, 'endpointId'>): boolean {
    return this.endpoint === null || e.endpointId === this.endpoint.id;
  }

  /** A pull in the background; a failure there drops the stream (the loop reconnects). */
  private kickPull(): void {
    this.pull().catch((err: unknown) => {
      if (err instanceof ListenerRefused) return this.failure?.(err);
      this.connectionLost(why(err));
      this.stream?.abort();
    });
  }

  /**
   * Takes every delivery past the cursor, oldest first; one pull at a time (one asked for
   * meanwhile runs after it). Resolves with how many were taken.
   */
  private pull(): Promise<number> {
    if (this.pulling) {
      this.pullAgain = true;
      return this.pulling;
    }
    const run = async (): Promise<number> => {
      let n = 0;
      do {
        this.pullAgain = false;
        n += await this.takeAll();
      } while (this.pullAgain && !this.stopped);
      return n;
    };
    this.pulling = run().finally(() => (this.pulling = null));
    return this.pulling;
  }

  private async takeAll(): Promise<number> {
    let n = 0;
    for (;;) {
      if (this.stopped) return n;
      const afterSeq = this.store.cursor()?.seq ?? 0;
      const page = await this.api.listEvents({
        order: 'oldest',
        afterSeq,
        limit: PAGE,
        ...(this.endpoint ? { endpointId: this.endpoint.id } : {}),
      });
      for (const e of page.items) {
        if (this.stopped) return n;
        if (await this.take(e)) n++;
      }
      if (!page.hasMore || page.items.length === 0) return n;
    }
  }

  /** Takes one delivery: its bytes from the server, kept and queued with the cursor. */
  private async take(e: EventSummary): Promise<boolean> {
    const ref = deliveryRef(e);
    const endpoint = this.endpoints.get(e.endpointId) ?? (await this.endpointOf(e.endpointId));
    const base = {
      id: e.id,
      seq: e.seq,
      ref,
      receivedAt: e.receivedAt,
      endpointId: e.endpointId,
      method: e.method,
      path: e.path,
      query: '',
      headers: [] as [string, string][],
      body: Buffer.alloc(0),
      host: null,
      sourceIp: null,
      publicUrl: null,
    };
    let skip: string | null = null;
    if (e.rejected) skip = `the server refused it (${e.rejected}): it has no body`;
    else if (e.idempotency.duplicateOf && endpoint && !endpoint.forwardDuplicates)
      skip = `a duplicate of ${e.idempotency.duplicateOf}, and the endpoint does not forward duplicates`;
    let d: TakenDelivery = base;
    if (skip === null) {
      let view: Answer<'getEvent'>;
      try {
        view = await this.api.getEvent({ id: e.id });
      } catch (err) {
        if (!(err instanceof HookscopeError) || err.code !== 'not_found') throw err;
        skip = 'deleted on the server before it could be read';
        view = null as never;
      }
      if (skip === null) {
        const { bytes } = await wholeBody(this.api, view);
        d = {
          ...base,
          query: view.query,
          headers: view.headers,
          body: Buffer.from(bytes),
          host: view.headers.find(([h]) => h.toLowerCase() === 'host')?.[1] ?? null,
          sourceIp: view.sourceIp,
          publicUrl: view.publicUrl,
        };
      }
    }
    let plan: { target: string; refused?: string } | { skipped: string };
    if (skip !== null) plan = { skipped: skip };
    else {
      const url = forwardUrl({
        target: this.opts.forwardTo,
        // Listening on every endpoint, the app gets each path whole.
        endpointPath: this.endpoint ? this.endpoint.path : '/',
        path: d.path,
        query: d.query,
      });
      plan = url.ok ? { target: url.url } : { target: this.opts.forwardTo, refused: url.refused };
    }
    if (!this.store.take(d, plan)) return false;
    this.refs.set(e.id, ref);
    if (this.refs.size > 1000) this.refs.delete(this.refs.keys().next().value!);
    this.out.info('delivery', { ...e }, deliveryLine(e));
    if ('skipped' in plan) {
      this.out.info(
        'skipped',
        { id: e.id, ref, reason: plan.skipped },
        `${e.receivedAt.slice(11, 19)}  --- [${ref}]  ${e.method} ${e.path}  not forwarded: ${plan.skipped}`,
      );
    } else this.forwarder.kick();
    return true;
  }

  private async endpointOf(id: string): Promise<Endpoint | undefined> {
    const { items } = await this.api.listEndpoints({});
    this.endpoints = new Map(items.map((e) => [e.id, e]));
    return this.endpoints.get(id);
  }

  /**
   * Once, at the first connection: finds the endpoint, places the cursor (from it, `--since`,
   * `--from-now`, or now) and says how many deliveries are waiting.
   */
  private async prepare(): Promise<void> {
    const { items } = await this.api.listEndpoints({});
    this.endpoints = new Map(items.map((e) => [e.id, e]));
    const path = this.opts.path.replace(/\/+$/, '') || '/';
    if (path !== '/') {
      const found = items.find((e) => e.path === path);
      if (!found) {
        const paths = items.map((e) => e.path).join(', ');
        throw new ListenerRefused(
          `${this.opts.server} has no endpoint at ${path} (its endpoints: ${paths || 'none'}); create it there or choose another --path`,
        );
      }
      this.endpoint = found;
    }
    const filter = this.endpoint ? { endpointId: this.endpoint.id } : {};
    const newest = (await this.api.listEvents({ limit: 1, ...filter })).items[0];
    const cursor = this.store.cursor();
    if (this.opts.fromNow) {
      const skipped = cursor ? await this.countAfter(cursor.seq) : 0;
      this.store.setCursor({ seq: newest?.seq ?? 0, receivedAt: newest?.receivedAt ?? null });
      this.out.info(
        'skipped-backlog',
        { skipped },
        `--from-now: skipped ${skipped} ${plural(skipped)} that arrived while this listener was not running`,
      );
    } else if (this.opts.since !== undefined) {
      const before = await this.lastBefore(this.opts.since);
      this.store.setCursor({ seq: before, receivedAt: this.opts.since });
    } else if (!cursor) {
      this.store.setCursor({ seq: newest?.seq ?? 0, receivedAt: newest?.receivedAt ?? null });
    }
    const at = this.store.cursor()!;
    const waiting = await this.countAfter(at.seq);
    const where = this.endpoint ? `${this.endpoint.path} on ${this.opts.server}` : this.opts.server;
    this.out.info(
      'listening',
      {
        server: this.opts.server,
        path,
        endpointId: this.endpoint?.id ?? null,
        forwardTo: this.opts.forwardTo,
        name: this.opts.name,
        file: this.file,
        cursor: at.seq,
      },
      `Ready! Deliveries to ${where} are forwarded to ${this.opts.forwardTo} (as ${this.opts.name})`,
    );
    if (waiting > 0) {
      const since = at.receivedAt ? ` since ${time(at.receivedAt)}` : '';
      this.out.info(
        'catching-up',
        { count: waiting, since: at.receivedAt },
        `catching up ${waiting} ${plural(waiting)}${since}`,
      );
    }
    this.prepared = true;
  }

  /** Deliveries of this listener's endpoint after `seq`. */
  private async countAfter(seq: number): Promise<number> {
    let n = 0;
    let after = seq;
    for (;;) {
      const page = await this.api.listEvents({
        order: 'oldest',
        afterSeq: after,
        limit: 500,
        ...(this.endpoint ? { endpointId: this.endpoint.id } : {}),
      });
      n += page.items.length;
      if (!page.hasMore || page.items.length === 0) return n;
      after = page.items[page.items.length - 1]!.seq;
    }
  }

  /** The seq of the last delivery received before `iso` (0 when none). */
  private async lastBefore(iso: string): Promise<number> {
    const t = Date.parse(iso);
    let before: number | undefined;
    for (;;) {
      const page = await this.api.listEvents({
        limit: 500,
        ...(before !== undefined ? { beforeSeq: before } : {}),
        ...(this.endpoint ? { endpointId: this.endpoint.id } : {}),
      });
      const older = page.items.find((e) => Date.parse(e.receivedAt) < t);
      if (older) return older.seq;
      if (!page.hasMore || page.items.length === 0) return 0;
      before = page.items[page.items.length - 1]!.seq;
    }
  }

  /** Each attempt: its `<--` line, a dead-letter line, and a report to the server. */
  private attempted(a: AttemptRecord, q: QueueOutcome): void {
    const wire = toWireAttempt(a, (u) => u, q);
    const ref = this.refs.get(a.eventId) ?? this.store.record(a.eventId)?.ref ?? a.eventId;
    const { outcome, dead } = outcomeOf(wire);
    const { response: _response, queue: _queue, ...fields } = wire;
    this.out.info(
      'forward',
      { ...fields, ref, ...(outcome ? { maxAttempts: outcome.of } : {}) },
      forwardLine(wire, ref, outcome),
    );
    if (dead) {
      this.out.info(
        'dead-letter',
        { eventId: a.eventId, ref, attempts: a.attempt, status: a.status, error: a.error },
        deadLetterLine(wire, ref),
      );
    }
    this.reports.push({
      eventId: a.eventId,
      by: this.opts.name,
      targetUrl: a.targetUrl,
      status: a.status,
      error: a.error,
      durationMs: a.durationMs,
      attempt: a.attempt,
      at: new Date(a.at).toISOString(),
    });
    void this.report();
  }

  /** Sends the reports one at a time; a lost connection keeps them for the next try. */
  private async report(): Promise<void> {
    if (this.reporting) return;
    this.reporting = true;
    let delay = FIRST_RETRY_MS;
    try {
      while (this.reports.length > 0 && !this.stopped) {
        try {
          await this.api.recordListenerAttempt(this.reports[0]!);
          this.reports.shift();
          delay = FIRST_RETRY_MS;
        } catch (err) {
          if (err instanceof ListenerRefused) return this.failure?.(err);
          // Refused as such (the event was deleted there): nothing to retry.
          if (err instanceof HookscopeError) this.reports.shift();
          else {
            await new Promise((r) => setTimeout(r, delay));
            delay = Math.min(delay * 2, MAX_RETRY_MS);
          }
        }
      }
    } finally {
      this.reporting = false;
    }
  }
}

const plural = (n: number): string => (n === 1 ? 'delivery' : 'deliveries');
