export interface SseMessage {
  id?: string;
  event: string;
  data: unknown;
}

/**
 * A test SSE client over fetch: collects messages, lets a test wait for a condition on them
 * (no sleeps), and closes on demand.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];
  status = 0;

  private constructor() {}

  static async connect(url: string, headers: Record<string, string>): Promise<SseClient> {
    const c = new SseClient();
    const res = await fetch(url, { headers, signal: c.abort.signal });
    c.status = res.status;
    if (res.ok && res.body) void c.read(res.body).catch(() => undefined);
    return c;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of body) {
      buf += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buf.indexOf('\n\n')) !== -1) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const msg: Partial<SseMessage> & { raw: string[] } = { raw: [] };
        for (const line of block.split('\n')) {
          if (line.startsWith(':') || line.startsWith('retry:')) continue;
          const [field, ...rest] = line.split(': ');
          const value = rest.join(': ');
          if (field === 'id') msg.id = value;
          else if (field === 'event') msg.event = value;
          else if (field === 'data') msg.raw.push(value);
        }
        if (msg.raw.length > 0) {
          this.messages.push({
            ...(msg.id !== undefined ? { id: msg.id } : {}),
            event: msg.event ?? 'message',
            data: JSON.parse(msg.raw.join('\n')),
          });
          for (const w of this.waiters.splice(0)) w();
        }
      }
    }
  }

  /** Ids of every event summary received, in order. */
  get eventIds(): string[] {
    return this.messages
      .filter((m) => m.event === 'events.batch')
      .flatMap((m) => (m.data as { items: { id: string }[] }).items.map((i) => i.id));
  }

  /** Resolves once `pred` holds for the messages received (re-checked on each message). */
  async until(pred: (c: SseClient) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`SSE condition not met; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.abort.abort();
  }
}
