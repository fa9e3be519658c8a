import type {
  Tunnel,
  TunnelEvent,
  TunnelFactory,
  TunnelFailure,
  TunnelStartParams,
} from '../../../src/core/tunnel/types';
import { TunnelStartError } from '../../../src/core/tunnel/types';

/** How the next fake tunnel's start ends. */
export type StartOutcome =
  | { ok: string } // online with this public URL
  | { fail: TunnelFailure }
  | 'hold'; // never settles until `release` is called

/** One fake tunnel: records what it was asked, lets the test drive its link events. */
export class FakeTunnel implements Tunnel {
  params: TunnelStartParams | null = null;
  stopped = false;
  private readonly listeners = new Set<(e: TunnelEvent) => void>();
  private releaseHeld: ((url: string) => void) | null = null;

  constructor(private readonly outcome: StartOutcome) {}

  start(params: TunnelStartParams): Promise<{ publicUrl: string }> {
    this.params = params;
    const o = this.outcome;
    if (o === 'hold') {
      return new Promise((resolve) => {
        this.releaseHeld = (publicUrl) => resolve({ publicUrl });
      });
    }
    if ('fail' in o) return Promise.reject(new TunnelStartError(o.fail));
    return Promise.resolve({ publicUrl: o.ok });
  }

  /** Lets a held start go online. */
  release(publicUrl: string): void {
    this.releaseHeld?.(publicUrl);
  }

  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }

  onEvent(listener: (e: TunnelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: TunnelEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** A TunnelFactory whose tunnels start per a queue of outcomes (default: online). */
export class FakeTunnels {
  readonly made: FakeTunnel[] = [];
  private readonly queue: StartOutcome[] = [];
  private counter = 0;

  /** The outcomes of the next starts, in order. */
  next(...outcomes: StartOutcome[]): this {
    this.queue.push(...outcomes);
    return this;
  }

  readonly factory: TunnelFactory = () => {
    const t = new FakeTunnel(
      this.queue.shift() ?? { ok: `https://fake-${++this.counter}.ngrok.test` },
    );
    this.made.push(t);
    return t;
  };

  get last(): FakeTunnel {
    const t = this.made.at(-1);
    if (!t) throw new Error('no tunnel was made');
    return t;
  }
}

export const NETWORK_FAILURE: TunnelFailure = {
  message: 'could not reach the ngrok service (failed to establish tcp connection)',
  hint: 'check the internet connection',
  retryable: true,
};
