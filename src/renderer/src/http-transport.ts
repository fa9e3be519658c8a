import type { CommandName, PushName } from '../../shared/contract';
import type { Transport } from '../../shared/dispatch';
import { HookscopeError, isErrorBody } from '../../shared/errors';

type Listener = (payload: unknown) => void;

/**
 * The browser Transport for `hookscope serve`: commands are `POST /api/<name>`, pushes come
 * from one shared `GET /api/stream` read with fetch (so the token travels in a header, never
 * in a URL), reconnecting with Last-Event-ID so nothing is missed across drops.
 */
export class HttpTransport implements Transport {
  private readonly listeners = new Map<PushName, Set<Listener>>();
  private lastEventId: string | null = null;
  private abort: AbortController | null = null;
  /** Settles when the stream's current connection attempt has been answered (or failed). */
  private opening: Promise<void> | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly fetch: typeof globalThis.fetch = globalThis.fetch.bind(globalThis),
    /** Called when the server refuses the token (401). */
    private readonly unauthorized: () => void = () => undefined,
  ) {}

  async invoke(name: CommandName, input: unknown): Promise<unknown> {
    // A command sent while the stream is connecting waits for it: the server registers the
    // stream before answering, so a list read afterwards plus the stream misses nothing.
    if (this.opening) await this.opening;
    const res = await this.fetch(`${this.baseUrl}/api/${name}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
    if (res.status === 401) this.unauthorized();
    const body = (await res.json()) as unknown;
    if (res.ok) return body;
    const err = (body as { error?: unknown }).error;
    if (isErrorBody(err)) throw new HookscopeError(err.code, err.message, err.issues);
    throw new HookscopeError('internal', `HTTP ${res.status}`);
  }

  on(event: PushName, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    if (!this.abort) this.connect();
    return () => {
      set.delete(listener);
      if ([...this.listeners.values()].every((s) => s.size === 0)) this.close();
    };
  }

  /** Stops the stream. */
  close(): void {
    this.abort?.abort();
    this.abort = null;
  }

  private connect(): void {
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort).catch(() => undefined);
  }

  private async run(abort: AbortController): Promise<void> {
    let delay = 500;
    while (!abort.signal.aborted) {
      try {
        const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
        if (this.lastEventId !== null) headers['Last-Event-ID'] = this.lastEventId;
        const pending = this.fetch(`${this.baseUrl}/api/stream`, { headers, signal: abort.signal });
        this.opening = pending.then(
          () => undefined,
          () => undefined,
        );
        const res = await pending;
        this.opening = null;
        if (!res.ok || !res.body) throw new Error(`stream HTTP ${res.status}`);
        delay = 500;
        await this.read(res.body);
      } catch {
        this.opening = null;
        if (abort.signal.aborted) return;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        this.dispatchBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  private dispatchBlock(block: string): void {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i === -1 ? line : line.slice(0, i);
      const value = i === -1 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
      else if (field === 'id') this.lastEventId = value;
    }
    if (!data) return;
    const payload = JSON.parse(data) as unknown;
    for (const l of this.listeners.get(event as PushName) ?? []) l(payload);
  }
}
