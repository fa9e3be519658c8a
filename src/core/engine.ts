import type { PushName } from '../shared/contract';
import type { Handlers } from '../shared/dispatch';
import type { TunnelState } from '../shared/model';
import { createHandlers } from './handlers';
import { inspect, type Inspector } from './inspect';
import { LiveBus } from './live-bus';
import { createIngest } from './pipeline';
import { Receiver } from './receiver';
import { FileSecretStore, type SecretStore } from './secrets';
import { Checkpointer } from './store/checkpointer';
import { DB_FILE, openDb, type Db } from './store/db';
import { EndpointStore } from './store/endpoint-store';
import { EventStore } from './store/event-store';
import { Maintenance } from './store/maintenance';
import { SettingsStore } from './store/settings-store';
import type { Clock } from './types';
import { join } from 'node:path';

export interface EngineOptions {
  dataDir: string;
  /** Receiver bind address; default 127.0.0.1. */
  receiverHost?: string;
  /** Receiver port; 0 picks a free one. */
  receiverPort?: number;
  /** When `receiverPort` is taken, listen on a free port instead of failing. */
  fallbackToFreePort?: boolean;
  clock?: Clock;
  /** Defaults to a 0600 file in the data dir. */
  secretStore?: SecretStore;
  /** better-sqlite3 addon built for another ABI (Electron). */
  nativeBinding?: string;
  maxBodyBytes?: number;
  trustedProxies?: string[];
  inspect?: Inspector;
  /** Retention/checkpoint interval (tests shorten it). */
  maintenanceIntervalMs?: number;
}

/**
 * The whole engine without any UI: the log, the receiver, the live bus and the command
 * handlers. Electron's main process and `hookscope serve` both wrap one of these.
 */
export class Engine {
  readonly handlers: Handlers;
  readonly bus = new LiveBus();
  readonly events: EventStore;
  private readonly db: Db;
  private readonly receiver: Receiver;
  private readonly maintenance: Maintenance;
  private readonly checkpointer: Checkpointer;
  private receiverUrl = '';
  private tunnelState: TunnelState = { state: 'off' };
  private stopping: Promise<void> | null = null;

  constructor(private readonly opts: EngineOptions) {
    const clock = opts.clock ?? Date.now;
    this.db = openDb({
      dataDir: opts.dataDir,
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    });
    this.events = new EventStore(this.db);
    const endpoints = new EndpointStore(
      this.db,
      opts.secretStore ?? new FileSecretStore(opts.dataDir),
    );
    const settings = new SettingsStore(this.db);
    this.events.onChange((items) => this.bus.publishSummaries(items));
    this.checkpointer = new Checkpointer(join(opts.dataDir, DB_FILE), opts.nativeBinding);
    this.maintenance = new Maintenance(
      this.checkpointer,
      this.events,
      () => settings.get(),
      clock,
      (ids) => {
        this.bus.forget(ids);
        this.bus.emit('events.deleted', { ids, all: false });
      },
      opts.maintenanceIntervalMs,
    );
    this.receiver = new Receiver({
      ingest: createIngest({
        endpoints,
        events: this.events,
        inspect: opts.inspect ?? inspect,
        clock,
      }),
      clock,
      maxBodyBytes: opts.maxBodyBytes ?? 32 * 1024 * 1024,
      trustedProxies: opts.trustedProxies ?? [],
    });
    this.handlers = createHandlers({
      events: this.events,
      endpoints,
      settings,
      bus: this.bus,
      receiverUrl: () => this.receiverUrl,
      tunnel: () => this.tunnelState,
    });
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
    this.maintenance.start();
    return { receiverUrl: url, receiverPort: port };
  }

  /** Subscribes to every push (`events.batch`, `tunnel.state`, ...). */
  subscribe(listener: (name: PushName, payload: unknown) => void): () => void {
    return this.bus.subscribe(listener);
  }

  /**
   * Stops cleanly: no new deliveries, queued ones committed and answered, pushes flushed,
   * the database closed. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.maintenance.stop();
      await this.checkpointer.close();
      const closed = this.receiver.close();
      await this.events.drained();
      await closed;
      this.events.flush();
      this.events.close();
      this.bus.close();
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    })();
    return this.stopping;
  }
}
