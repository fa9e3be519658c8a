import { isDeepStrictEqual } from 'node:util';
import type {
  AuthtokenSource,
  TunnelOptions,
  TunnelOptionsPatch,
  TunnelState,
} from '../../shared/model';
import type { ResolvedAuthtoken } from './authtoken';
import { NO_AUTHTOKEN } from './ngrok-errors';
import type { TunnelSettingsStore } from './tunnel-settings';
import {
  TunnelStartError,
  type Tunnel,
  type TunnelEvent,
  type TunnelFactory,
  type TunnelFailure,
} from './types';

export interface TunnelManagerOptions {
  factory: TunnelFactory;
  /** The receiver's tunnel-ingress URL (opened on first use); the only place a tunnel goes. */
  target: () => Promise<string>;
  settings: TunnelSettingsStore;
  /** Called with every new state (the engine pushes it as `tunnel.state`). */
  publish: (state: TunnelState) => void;
  /** Delays between attempts to bring a closed tunnel back: first, doubling up to max. */
  retryDelayMs?: { first: number; max: number };
}

const ACTIVE = new Set<TunnelState['state']>(['connecting', 'online', 'reconnecting']);

/**
 * The tunnel's state machine: off → connecting → online | error; online → reconnecting (the
 * link dropped, or the tunnel closed and is reopened with backoff) → online; any → off on stop.
 * Every state change is published. Nothing here throws into the receiver: the tunnel is a
 * separate path, and the receiver keeps taking deliveries in every state.
 */
export class TunnelManager {
  private current: TunnelState = { state: 'off' };
  private tunnel: Tunnel | null = null;
  private unsubscribe: (() => void) | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Bumped by every start and stop; work begun under an older value is dropped. */
  private gen = 0;
  private run: { key: string; options: TunnelOptions; auth: ResolvedAuthtoken } | null = null;
  private pending: Promise<TunnelState> | null = null;
  private lastUrl: string | null = null;

  constructor(private readonly opts: TunnelManagerOptions) {}

  get state(): TunnelState {
    return this.current;
  }

  /**
   * Starts the tunnel with the saved settings plus `patch` (not saved) and resolves once it is
   * online or has failed. The same settings while it runs: nothing changes. Throws
   * HookscopeError `bad_input` for unusable options, before anything is touched.
   */
  async start(patch?: TunnelOptionsPatch): Promise<TunnelState> {
    const options = this.opts.settings.withPatch(patch);
    const auth = this.opts.settings.authtoken();
    const key = JSON.stringify([options, auth]);
    if (this.run?.key === key && ACTIVE.has(this.current.state))
      return this.pending ?? this.current;
    const gen = ++this.gen;
    await this.teardown();
    if (gen !== this.gen) return this.current;
    this.lastUrl = null;
    if (!auth) {
      this.run = null;
      this.set(errorState(NO_AUTHTOKEN));
      return this.current;
    }
    this.run = { key, options, auth };
    this.set({
      state: 'connecting',
      message: `connecting to ngrok (authtoken from ${sourceText(auth)})`,
      authtokenSource: auth.source,
    });
    const attempt = this.attempt(gen, 0);
    this.pending = attempt;
    void attempt.finally(() => {
      if (this.pending === attempt) this.pending = null;
    });
    return attempt;
  }

  /** Stops the tunnel (the receiver is untouched) and resolves with the `off` state. */
  async stop(): Promise<TunnelState> {
    ++this.gen;
    this.run = null;
    this.lastUrl = null;
    await this.teardown();
    this.set({ state: 'off' });
    return this.current;
  }

  private async attempt(gen: number, retry: number): Promise<TunnelState> {
    const run = this.run!;
    const tunnel = this.opts.factory();
    this.tunnel = tunnel;
    this.unsubscribe = tunnel.onEvent((e) => this.onEvent(gen, tunnel, e));
    try {
      let targetUrl: string;
      try {
        targetUrl = await this.opts.target();
      } catch (err) {
        throw new TunnelStartError({
          message: `could not open the local tunnel ingress: ${(err as Error).message}`,
          hint: 'restart Hookscope',
          retryable: false,
        });
      }
      if (gen !== this.gen) return this.current;
      const { publicUrl } = await tunnel.start({
        options: run.options,
        authtoken: run.auth.token,
        targetUrl,
      });
      if (gen !== this.gen) {
        await tunnel.stop();
        return this.current;
      }
      const changed = this.lastUrl !== null && this.lastUrl !== publicUrl;
      this.lastUrl = publicUrl;
      this.set({
        state: 'online',
        publicUrl,
        ...(retry > 0
          ? { message: changed ? 'reconnected; the public URL changed' : 'reconnected' }
          : {}),
        authtokenSource: run.auth.source,
      });
    } catch (err) {
      const failure = toFailure(err);
      if (this.tunnel === tunnel) await this.teardown();
      else await tunnel.stop().catch(() => undefined);
      if (gen !== this.gen) return this.current;
      if (retry > 0 && failure.retryable) this.scheduleRetry(gen, retry + 1, failure);
      else this.set(errorState(failure, run.auth.source));
    }
    return this.current;
  }

  private onEvent(gen: number, tunnel: Tunnel, e: TunnelEvent): void {
    if (gen !== this.gen || tunnel !== this.tunnel || !this.run) return;
    const source = this.run.auth.source;
    if (e.type === 'up') {
      if (this.current.state === 'reconnecting' && this.lastUrl) {
        this.set({
          state: 'online',
          publicUrl: this.lastUrl,
          message: 'reconnected',
          authtokenSource: source,
        });
      }
      return;
    }
    if (!e.failure.retryable) {
      void this.teardown().then(() => {
        if (gen === this.gen) this.set(errorState(e.failure, source));
      });
      return;
    }
    if (e.type === 'down') {
      this.set({
        state: 'reconnecting',
        ...(this.lastUrl ? { publicUrl: this.lastUrl } : {}),
        message: `connection to ngrok lost (${e.failure.message}); reconnecting`,
        authtokenSource: source,
      });
      return;
    }
    void this.teardown().then(() => {
      if (gen === this.gen) this.scheduleRetry(gen, 1, e.failure);
    });
  }

  private scheduleRetry(gen: number, attempt: number, failure: TunnelFailure): void {
    const { first, max } = this.opts.retryDelayMs ?? { first: 1000, max: 30_000 };
    const delay = Math.min(max, first * 2 ** (attempt - 1));
    this.set({
      state: 'reconnecting',
      ...(this.lastUrl ? { publicUrl: this.lastUrl } : {}),
      message: `${failure.message}; trying again in ${Math.ceil(delay / 1000)} s (attempt ${attempt})`,
      ...(failure.errorCode ? { errorCode: failure.errorCode } : {}),
      authtokenSource: this.run!.auth.source,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (gen === this.gen) void this.attempt(gen, attempt);
    }, delay);
    this.retryTimer.unref();
  }

  /** Stops the current tunnel and any pending retry. */
  private async teardown(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    const t = this.tunnel;
    this.tunnel = null;
    await t?.stop().catch(() => undefined);
  }

  private set(next: TunnelState): void {
    if (isDeepStrictEqual(next, this.current)) return;
    this.current = next;
    try {
      this.opts.publish(next);
    } catch {
      // A failing subscriber must not stop the state machine.
    }
  }
}

function toFailure(err: unknown): TunnelFailure {
  if (err instanceof TunnelStartError) return err.failure;
  return {
    message: `tunnel failed: ${err instanceof Error ? err.message : String(err)}`,
    hint: 'try starting it again',
    retryable: true,
  };
}

function errorState(f: TunnelFailure, source?: AuthtokenSource): TunnelState {
  return {
    state: 'error',
    message: f.message,
    ...(f.errorCode ? { errorCode: f.errorCode } : {}),
    hint: f.hint,
    ...(source ? { authtokenSource: source } : {}),
  };
}

/** Where the authtoken came from, for messages (never the token). */
export function sourceText(auth: { source: AuthtokenSource; path?: string | undefined }): string {
  if (auth.source === 'settings') return 'Hookscope settings';
  if (auth.source === 'env') return 'NGROK_AUTHTOKEN';
  return auth.path ?? 'the ngrok config file';
}
