import { VERSION } from '../version';
import { describeNgrokError } from './ngrok-errors';
import {
  TunnelStartError,
  type Tunnel,
  type TunnelEvent,
  type TunnelFailure,
  type TunnelStartParams,
} from './types';

/** The part of @ngrok/ngrok's listener this tunnel uses. */
interface SdkListener {
  url(): string | null;
  join(): Promise<void>;
  close(): Promise<void>;
}

/** The part of @ngrok/ngrok's HttpListenerBuilder this tunnel uses. */
interface SdkHttpEndpoint {
  domain(domain: string): this;
  basicAuth(username: string, password: string): this;
  allowCidr(cidr: string): this;
  denyCidr(cidr: string): this;
  webhookVerification(provider: string, secret: string): this;
  oauth(provider: string, allowEmails?: string[] | null, allowDomains?: string[] | null): this;
  listenAndForward(toUrl: string): Promise<SdkListener>;
}

interface SdkSession {
  httpEndpoint(): SdkHttpEndpoint;
  close(): Promise<void>;
}

interface SdkSessionBuilder {
  authtoken(authtoken: string): this;
  clientInfo(clientType: string, version: string): this;
  serverAddr(addr: string): this;
  handleDisconnection(handler: (addr: string, error: string) => boolean): this;
  handleHeartbeat(handler: (latency: number) => void): this;
  connect(): Promise<SdkSession>;
}

/** The part of the @ngrok/ngrok module this tunnel uses (tests pass a fake). */
export interface NgrokSdk {
  SessionBuilder: new () => SdkSessionBuilder;
}

export interface NgrokTunnelOptions {
  /** Loads the SDK; default: `import('@ngrok/ngrok')`, only when a tunnel is first started. */
  load?: () => Promise<NgrokSdk>;
  /** A connect or listen step that takes longer fails with a timeout (default 15 s). */
  stepTimeoutMs?: number;
}

async function loadSdk(): Promise<NgrokSdk> {
  const mod = (await import('@ngrok/ngrok')) as unknown as { default?: NgrokSdk } & NgrokSdk;
  return mod.default ?? mod;
}

/**
 * A tunnel through the @ngrok/ngrok SDK, in process (no agent binary): its own session, one
 * HTTPS endpoint with the user's options, forwarding to `targetUrl`. After a network drop the
 * SDK reconnects by itself: that is reported as `down`, and `up` at the next heartbeat.
 */
export class NgrokTunnel implements Tunnel {
  private readonly listeners = new Set<(e: TunnelEvent) => void>();
  private session: SdkSession | null = null;
  private listener: SdkListener | null = null;
  private secrets: string[] = [];
  private online = false;
  private down = false;
  private stopped = false;

  constructor(private readonly opts: NgrokTunnelOptions = {}) {}

  async start({
    options,
    authtoken,
    targetUrl,
  }: TunnelStartParams): Promise<{ publicUrl: string }> {
    this.secrets = [authtoken];
    if (options.basicAuth)
      this.secrets.push(options.basicAuth.slice(options.basicAuth.indexOf(':') + 1));
    if (options.webhookVerification) this.secrets.push(options.webhookVerification.secret);
    let sdk: NgrokSdk;
    try {
      sdk = await (this.opts.load ?? loadSdk)();
    } catch (err) {
      throw new TunnelStartError({
        message: `the ngrok SDK could not be loaded on this platform: ${(err as Error).message}`,
        hint: 'reinstall Hookscope, or run ngrok yourself and point it at the receiver',
        retryable: false,
      });
    }
    try {
      const builder = new sdk.SessionBuilder()
        .authtoken(authtoken)
        .clientInfo('hookscope', VERSION)
        .handleDisconnection((_addr, error) => {
          if (this.online && !this.stopped) {
            this.down = true;
            this.emit({ type: 'down', failure: this.describe(error) });
          }
          return true; // let the SDK reconnect; stop() closes the session instead
        })
        .handleHeartbeat(() => {
          if (this.down && !this.stopped) {
            this.down = false;
            this.emit({ type: 'up' });
          }
        });
      // The SDK ignores `region`; choosing a point of presence means dialing its address.
      if (options.region) builder.serverAddr(`connect.${options.region}.ngrok-agent.com:443`);
      this.session = await this.step(builder.connect(), 'connecting to ngrok', (s) => s.close());
      if (this.stopped) throw new Error('stopped');
      const http = this.session.httpEndpoint();
      if (options.domain) http.domain(options.domain);
      if (options.basicAuth) {
        const colon = options.basicAuth.indexOf(':');
        http.basicAuth(options.basicAuth.slice(0, colon), options.basicAuth.slice(colon + 1));
      }
      for (const cidr of options.allowCidrs ?? []) http.allowCidr(cidr);
      for (const cidr of options.denyCidrs ?? []) http.denyCidr(cidr);
      if (options.webhookVerification) {
        http.webhookVerification(
          options.webhookVerification.provider,
          options.webhookVerification.secret,
        );
      }
      if (options.oauth) {
        http.oauth(
          options.oauth.provider,
          options.oauth.allowEmails ?? null,
          options.oauth.allowDomains ?? null,
        );
      }
      const listener = await this.step(
        http.listenAndForward(targetUrl),
        'opening the public URL',
        (l) => l.close(),
      );
      this.listener = listener;
      if (this.stopped) throw new Error('stopped');
      const publicUrl = listener.url();
      if (!publicUrl) throw new Error('ngrok gave no public URL');
      this.online = true;
      listener.join().then(
        () => this.closed(null),
        (err: unknown) => this.closed(err),
      );
      return { publicUrl };
    } catch (err) {
      await this.stop();
      if (err instanceof TunnelStartError) throw err;
      throw new TunnelStartError(this.describe(err));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const { listener, session } = this;
    this.listener = null;
    this.session = null;
    await listener?.close().catch(() => undefined);
    await session?.close().catch(() => undefined);
  }

  onEvent(listener: (event: TunnelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private closed(err: unknown): void {
    if (this.stopped) return;
    this.online = false;
    const failure: TunnelFailure = err
      ? this.describe(err)
      : { message: 'the ngrok tunnel closed', hint: 'Hookscope opens it again', retryable: true };
    this.emit({ type: 'closed', failure });
  }

  private describe(err: unknown): TunnelFailure {
    return describeNgrokError(err, this.secrets);
  }

  private emit(event: TunnelEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure must not reach the SDK's callback thread.
      }
    }
  }

  /**
   * Awaits one SDK step with a time limit. A step that finishes after its timeout is undone
   * (`undo`), so a late session or listener is not left open.
   */
  private step<T>(
    promise: Promise<T>,
    what: string,
    undo: (value: T) => Promise<void>,
  ): Promise<T> {
    const ms = this.opts.stepTimeoutMs ?? 15_000;
    return new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(
          new TunnelStartError({
            message: `timed out after ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} ${what}`,
            hint:
              'check the internet connection, proxy or firewall: ngrok needs outbound TLS to ' +
              'connect.ngrok-agent.com:443. Deliveries to the local receiver keep working',
            retryable: true,
          }),
        );
      }, ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          if (late || this.stopped) void undo(value).catch(() => undefined);
          if (!late) resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (!late) reject(err);
        },
      );
    });
  }
}
