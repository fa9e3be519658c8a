import type { PushMessage } from '../shared/contract';
import type { Client, Handlers } from '../shared/dispatch';
import { localClient } from './local-client';
import { resignerFor, resignRequest } from './forward/resign';
import { currentTarget } from './forward/current-target';
import { createForwardHandlers } from './forward/forward-handlers';
import { Forwarder } from './forward/forwarder';
import { DEFAULT_RETRY, type RetryPolicy } from './forward/retry-policy';
import { toWireAttempt } from './forward/wire';
import { createCheckupHandlers } from './checkup/checkup-handlers';
import { createHandlers } from './handlers';
import { createUserHandlers } from './users';
import { createListenerHandlers, ListenerRegistry } from './listeners/listener-registry';
import { createWorkspaceHandlers } from './workspace-handlers';
import { inspect, type Inspector } from './inspect';
import { LiveBus } from './live-bus';
import { createIngest, createRefusalLog, importDeliveries } from './pipeline';
import { createTransferHandlers } from './transfer/transfer-handlers';
import { SchemaChecker, type SchemaCheckerOptions } from './schemas/schema-checker';
import { createSampleHandlers } from './samples/sample-handlers';
import { Receiver } from './receiver';
import { FileSecretStore, type SecretStore } from './secrets';
import { DiskGuard } from './disk-guard';
import { StoreHealth } from './store-health';
import type { Notice, ReceiverHealth } from '../shared/model';
import { mkdirSync } from 'node:fs';
import { Maintenance } from './store/maintenance';
import type { EndpointRepo, EventLog, ForwardQueue, UserRepo } from './store/ports';
import { openStorage, type Storage } from './store/storage';
import { systemLookup, type AuthtokenLookup } from './tunnel/authtoken';
import { NgrokTunnel } from './tunnel/ngrok-tunnel';
import { TunnelManager } from './tunnel/tunnel-manager';
import { TunnelSettingsStore } from './tunnel/tunnel-settings';
import type { TunnelFactory } from './tunnel/types';
import type { Clock } from './types';

export interface EngineOptions {
  /** Local things (the secrets file, the lock) and, without `storage`, the SQLite log. */
  dataDir: string;
  /**
   * A storage the caller opened (`Engine.open` opens PostgreSQL's); default: SQLite in
   * `dataDir`. The engine closes it when it stops.
   */
  storage?: Storage;
  /** Receiver bind address; default 127.0.0.1. */
  receiverHost?: string;
  /** Receiver port; 0 picks a free one. */
  receiverPort?: number;
  /** When `receiverPort` is taken, listen on a free port instead of failing. */
  fallbackToFreePort?: boolean;
  clock?: Clock;
  /** Defaults to a 0600 file in the data dir. Also holds the ngrok authtoken. */
  secretStore?: SecretStore;
  /** Makes the public tunnel; default: the @ngrok/ngrok SDK in process. Tests pass a fake. */
  tunnelFactory?: TunnelFactory;
  /** Where to look for an ngrok authtoken (env, home dir, platform); default: this process. */
  authtokenLookup?: AuthtokenLookup;
  /** Retry timing for forwards (tests shorten it); attempts come from the settings. */
  retry?: Partial<Omit<RetryPolicy, 'maxAttempts'>>;
  /** Backoff for reopening a tunnel that closed (tests shorten it). */
  tunnelRetryDelayMs?: { first: number; max: number };
  /** better-sqlite3 addon built for another ABI (Electron). */
  nativeBinding?: string;
  trustedProxies?: string[];
  inspect?: Inspector;
  /** Deadlines of endpoints' own JSON Schema checks (tests change them). */
  schemaChecker?: SchemaCheckerOptions;
  /** Retention/checkpoint interval (tests shorten it). */
  maintenanceIntervalMs?: number;
  /**
   * How much longer than the forward timeout a claimed job stays this instance's before
   * another instance sharing the database may take it over (HOOKSCOPE_FORWARD_LEASE_MARGIN_MS);
   * default 60 s.
   */
  forwardLeaseMarginMs?: number;
}

/**
 * The whole engine without any UI: the log, the receiver, the live bus and the command
 * handlers. Electron's main process and `hookscope serve` both wrap one of these.
 */
export class Engine {
  /** Every command by name, for transports that dispatch untrusted input (IPC, HTTP). */
  readonly handlers: Handlers;
  /**
   * The engine's typed client in process: the contract's commands (input parsed as from any
   * transport) and `on` for its pushes. What the CLI and the shell use; never the stores.
   */
  readonly client: Client;
  readonly bus = new LiveBus();
  /** The `hookscope listen --server` processes connected to this instance (heartbeats). */
  private readonly listeners = new ListenerRegistry(Date.now, (items) =>
    this.bus.emit('listeners.changed', { items }),
  );
  /** The storage, every part behind its port (store/storage.ts). */
  private readonly storage: Storage;
  readonly events: EventLog;
  /** The people who may use the control API (their tokens are checked by `users.ts`). */
  readonly users: UserRepo;
  /** What happened at start that the user must know (shown by every UI). */
  readonly notices: Notice[];
  private readonly disk: DiskGuard;
  private storeHealth!: StoreHealth;
  private readonly receiver: Receiver;
  private readonly maintenance: Maintenance;
  private readonly tunnels: TunnelManager;
  private readonly endpointStore: EndpointRepo;
  /** The forward queue (claims, settles, attempts, dead letters). */
  readonly forwards: ForwardQueue;
  private readonly forwarder: Forwarder;
  /** Runs endpoints' own JSON Schemas in a worker thread, under deadlines. */
  private readonly schemas: SchemaChecker;
  private receiverUrl = '';
  /** The dead-letter count last pushed (`deadLetters.changed` goes out when it moves). */
  private deadLetters = -1;
  /** Dead-letter counts are read and compared one after another, in the order asked. */
  private deadLettersRead: Promise<void> = Promise.resolve();
  private ingress: Promise<{ port: number; url: string }> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly opts: EngineOptions) {
    const clock = opts.clock ?? Date.now;
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    // Throws (the folder in use, the log unwritable) with nothing left taken.
    this.storage =
      opts.storage ??
      openStorage({
        dataDir: opts.dataDir,
        ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
        clock,
        secrets: () => opts.secretStore ?? new FileSecretStore(opts.dataDir, clock),
      });
    this.notices = [...this.storage.notices];
    try {
      const storage = this.storage;
      this.forwards = storage.forwards;
      this.events = storage.events;
      this.users = storage.users;
      const secrets = storage.secrets;
      const endpoints = storage.endpoints;
      this.endpointStore = endpoints;
      this.schemas = new SchemaChecker(opts.schemaChecker);
      const settings = storage.settings;
      if (settings.resetAtStart.length > 0) {
        this.notices.push({
          code: 'settings_reset',
          message: `Some saved settings could not be read and are back to their defaults: ${settings.resetAtStart.join(', ')}. The other settings were kept; check these in Settings.`,
        });
      }
      // Every UI learns of a change made elsewhere, once it is committed (never a secret).
      endpoints.onChange((id, endpoint) => this.bus.emit('endpoints.changed', { id, endpoint }));
      const tunnelSettings = new TunnelSettingsStore(
        storage.meta,
        secrets,
        () => opts.authtokenLookup ?? systemLookup(),
      );
      this.tunnels = new TunnelManager({
        factory: opts.tunnelFactory ?? (() => new NgrokTunnel()),
        target: async () => (await this.tunnelIngress()).url,
        settings: tunnelSettings,
        publish: (state) => this.bus.emit('tunnel.state', state),
        ...(opts.tunnelRetryDelayMs ? { retryDelayMs: opts.tunnelRetryDelayMs } : {}),
      });
      this.events.onChange((items) => {
        this.bus.publishSummaries(items);
        // A new delivery with a forward target: the queue has work now.
        if (items.some((i) => i.rev === i.seq && i.forward.status === 'pending'))
          this.forwarder.kick();
        // A new delivery whose forward was refused (its path would leave the target's): its one
        // attempt, recorded with it, is announced like any other.
        let dead = false;
        for (const i of items) {
          if (i.rev !== i.seq || i.forward.status !== 'dead') continue;
          dead = true;
          const gaveUp = { maxAttempts: settings.get().forwarding.maxAttempts, deadLettered: true };
          void this.forwards.attemptsFor(i.id).then(
            (attempts) => {
              for (const a of attempts) {
                this.bus.emit(
                  'forward.attempt',
                  toWireAttempt(a, (u) => this.events.maskUrl(u), gaveUp),
                );
              }
            },
            () => undefined, // unread now: getEvent shows them
          );
        }
        if (dead) void this.deadLettersMaybeChanged();
      });
      // Settings saved by another process sharing the storage reach this one's UIs.
      storage.onSettingsChange?.((saved) => {
        this.bus.emit('settings.changed', saved);
        this.forwarder.kick();
        this.receiver.limitsChanged();
      });
      // Events another process sharing the storage deleted (a clear, a delete, retention):
      // this one's UIs drop them too.
      storage.onEventsDeleted?.((deleted) => {
        this.bus.forget(deleted.all ? 'all' : deleted.ids);
        this.bus.emit('events.deleted', deleted);
        void this.deadLettersMaybeChanged();
      });
      // Tunnel settings another process saved: this one's UIs show them (never a secret).
      storage.onTunnelSettingsChange?.(() => {
        this.bus.emit('tunnelSettings.changed', tunnelSettings.view());
      });
      // On a shared storage one process at a time runs retention (the others skip the pass).
      const exclusive = storage.exclusiveUpkeep?.bind(storage);
      const events = this.events;
      const upkeepLog: EventLog = exclusive
        ? Object.assign(Object.create(events) as EventLog, {
            deleteOldest: async (o: Parameters<EventLog['deleteOldest']>[0]) =>
              (await exclusive()) ? events.deleteOldest(o) : [],
          })
        : events;
      this.maintenance = new Maintenance(
        storage.upkeep?.checkpoint ?? null,
        upkeepLog,
        () => settings.get(),
        clock,
        (ids) => {
          this.bus.forget(ids);
          this.bus.emit('events.deleted', { ids, all: false });
          void this.deadLettersMaybeChanged();
        },
        opts.maintenanceIntervalMs,
        {
          mayWrite: () => this.storeHealth.mayWrite(),
          failed: (err, what) => this.storeHealth.failed(err, what),
          succeeded: () => this.storeHealth.succeeded(),
        },
      );
      this.disk = new DiskGuard(
        opts.dataDir,
        () => settings.get().receiver.minFreeDiskBytes,
        () => {
          this.bus.emit('receiver.health', this.health());
          if (this.disk.refusal === null) this.forwarder.kick();
        },
      );
      const storeHealth = new StoreHealth(
        () => this.disk.refusal !== null,
        clock,
        () => {
          this.bus.emit('receiver.health', this.health());
          // Writes work again: forwards held back go now, not at their next look.
          if (!storeHealth.failing) this.forwarder.kick();
        },
      );
      this.storeHealth = storeHealth;
      storage.upkeep?.backgroundWrites(storeHealth);
      const ingest = createIngest({
        endpoints,
        events: this.events,
        inspect: opts.inspect ?? inspect,
        clock,
        schemas: this.schemas,
      });
      this.receiver = new Receiver({
        ingest: (d) =>
          ingest(d).then(
            (r) => {
              storeHealth.succeeded();
              return r;
            },
            (err: unknown) => {
              storeHealth.failed(err, 'storing a delivery');
              throw err;
            },
          ),
        logRefusal: createRefusalLog({ endpoints, events: this.events }),
        clock,
        limits: () => settings.get().receiver,
        refusal: () => this.disk.refusal,
        trustedProxies: opts.trustedProxies ?? [],
      });
      const forwardTimeout = (): number => settings.get().forwarding.timeoutMs;
      this.forwarder = new Forwarder(
        this.forwards,
        this.events,
        () => {
          const f = settings.get().forwarding;
          return {
            paused: f.paused,
            concurrency: f.concurrency,
            timeoutMs: f.timeoutMs,
            retry: { ...DEFAULT_RETRY, maxAttempts: f.maxAttempts, ...opts.retry },
            ...(opts.forwardLeaseMarginMs !== undefined
              ? { leaseMarginMs: opts.forwardLeaseMarginMs }
              : {}),
          };
        },
        clock,
        (a, queue) => {
          this.bus.emit(
            'forward.attempt',
            toWireAttempt(a, (u) => this.events.maskUrl(u), queue),
          );
          void this.deadLettersMaybeChanged();
        },
        (id) => endpoints.secretsOf(id),
        (src) => {
          const { endpoint, plan } = currentTarget(endpoints, src);
          return (
            plan ?? {
              ok: false,
              refused: `not sent: endpoint "${endpoint.name}" has no forward target now`,
            }
          );
        },
        storeHealth,
        (src, url) => {
          // Only the endpoint it arrived on signs it (checked at redrive; it may be gone since).
          const endpoint = endpoints.get(src.endpointId);
          if (!endpoint) return { error: 'not re-signed: the endpoint it arrived on was deleted' };
          const now = clock();
          const r = resignerFor(endpoints, endpoint, src.headers, now);
          return r.ok ? resignRequest(r, src, url, now) : { error: r.why };
        },
      );
      this.handlers = {
        ...createHandlers({
          events: this.events,
          endpoints,
          settings,
          bus: this.bus,
          receiverUrl: () => this.receiverUrl,
          tunnels: this.tunnels,
          tunnelSettings,
          forwards: this.forwards,
          schemas: this.schemas,
          health: () => this.health(),
          notices: () => this.notices,
          heldForForwarding: () => this.maintenance.heldForForwarding,
          deadLettersMaybeChanged: () => this.deadLettersMaybeChanged(),
          onSettingsSaved: () => {
            this.forwarder.kick();
            this.receiver.limitsChanged();
            void this.disk.check();
          },
        }),
        ...createSampleHandlers({
          endpoints,
          receiverUrl: () => this.receiverUrl,
          publicUrl: () => this.tunnels.state.publicUrl,
          clock,
        }),
        ...createTransferHandlers({
          events: this.events,
          store: (items) =>
            importDeliveries(
              {
                endpoints,
                events: this.events,
                inspect: opts.inspect ?? inspect,
                clock,
                schemas: this.schemas,
              },
              items,
            ),
          retention: () => settings.get().retention,
          clock,
        }),
        ...createCheckupHandlers({
          endpoints,
          events: this.events,
          store: storage.checkups,
          clock,
          changed: (c) => this.bus.emit('checkups.changed', c),
        }),
        ...createUserHandlers({ users: storage.users, clock }),
        ...createListenerHandlers(this.listeners),
        ...createForwardHandlers({
          events: this.events,
          endpoints,
          forwards: this.forwards,
          forwarder: this.forwarder,
          clock,
          timeoutMs: forwardTimeout,
          maxAttempts: () => settings.get().forwarding.maxAttempts,
          published: (a) => this.bus.emit('forward.attempt', a),
          deadLettersMaybeChanged: () => this.deadLettersMaybeChanged(),
        }),
        ...createWorkspaceHandlers(),
      };
      this.client = localClient(this.handlers, this.bus);
    } catch (err) {
      // Whatever was opened goes with it: a second Engine in this process must find the
      // folder free, not "in use" by this one that never started.
      this.abandon();
      throw err;
    }
  }

  /**
   * Opens the engine on PostgreSQL (`database`), shared with other instances on the same
   * database, or on SQLite in `dataDir` without it. Throws the backend's one-line errors
   * (DatabaseOpenError, SecretKeyError in store/pg/storage.ts) with nothing left open.
   */
  static async open(
    opts: EngineOptions & { database?: { url: string; secretKey: string | undefined } },
  ): Promise<Engine> {
    const { database, ...rest } = opts;
    if (!database) return new Engine(rest);
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    // Loaded only here: the desktop app never loads the PostgreSQL client.
    const { openPgStorage } = await import('./store/pg/storage');
    const storage = await openPgStorage({
      url: database.url,
      secretKey: database.secretKey,
      clock: opts.clock ?? Date.now,
    });
    return new Engine({ ...rest, storage });
  }

  /** Releases what a constructor that failed after opening the log had taken. */
  private abandon(): void {
    // Fields not reached are undefined here, whatever their types say.
    const schemas = this.schemas as SchemaChecker | undefined;
    try {
      void schemas?.close().catch(() => undefined);
      this.bus.close();
    } finally {
      this.storage.abandon();
    }
  }

  /** The receiver's health: the disk guard's and whether the log can be written. */
  private health(): ReceiverHealth {
    const disk = this.disk.health();
    if (!this.storeHealth.failing) return disk;
    return { ...disk, message: disk.message ?? this.storeHealth.message, storeFailed: true };
  }

  /**
   * Pushes `deadLetters.changed` when the list's size moved since the last push; resolves once
   * pushed (or found unchanged). Never rejects: a count that cannot be read is read next time.
   */
  private deadLettersMaybeChanged(): Promise<void> {
    this.deadLettersRead = this.deadLettersRead.then(async () => {
      const count = await this.forwards.deadCount().catch(() => null);
      if (count === null || count === this.deadLetters) return;
      this.deadLetters = count;
      this.bus.emit('deadLetters.changed', { count });
    });
    return this.deadLettersRead;
  }

  /** Starts the receiver and background upkeep; throws when the port cannot be bound. */
  async start(): Promise<{ receiverUrl: string; receiverPort: number }> {
    const host = this.opts.receiverHost ?? '127.0.0.1';
    const wanted = this.opts.receiverPort ?? 0;
    const { port, url } = await this.receiver.listen(wanted, host).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !this.opts.fallbackToFreePort) {
        throw err;
      }
      return this.receiver.listen(0, host);
    });
    this.receiverUrl = url;
    // The count pushes are compared with (none is pushed for the list as it is at start).
    if (this.deadLetters === -1) this.deadLetters = await this.forwards.deadCount();
    // Compiled before the first delivery needs them.
    for (const e of this.endpointStore.list())
      if (e.jsonSchema !== null) this.schemas.warm(e.jsonSchema);
    this.disk.start();
    this.maintenance.start();
    this.forwarder.start();
    return { receiverUrl: url, receiverPort: port };
  }

  /**
   * The receiver's loopback listener that only the tunnel connects to (opened on first use).
   * Requests on it are marked as tunnelled, and their X-Forwarded-For/-Proto/-Host are
   * believed for the client IP and the public URL. It serves the receiver only, never the
   * control API or the UI.
   */
  tunnelIngress(): Promise<{ port: number; url: string }> {
    this.ingress ??= this.receiver.listen(0, '127.0.0.1', true);
    return this.ingress;
  }

  /**
   * Subscribes to every push (`events.batch`, `tunnel.state`, ...), for relays that pass them
   * all on (IPC, SSE); a listener for one push uses `client.on`.
   */
  subscribe(listener: (push: PushMessage) => void): () => void {
    return this.bus.subscribe(listener);
  }

  /** The highest rev handed to the pushes (LiveBus.liveRev): where a new stream client starts. */
  liveRev(): number {
    return this.bus.liveRev;
  }

  /**
   * Stops cleanly: no new deliveries, queued ones committed and answered, pushes flushed,
   * the database closed. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.tunnels.stop().catch(() => undefined);
      this.disk.stop();
      this.listeners.stop();
      await this.maintenance.stop();
      const closed = this.receiver.close();
      await this.events.drained();
      await closed;
      await this.schemas.close();
      await this.events.drained();
      await this.forwarder.stop();
      this.bus.close();
      await this.storage.close();
    })();
    return this.stopping;
  }
}
