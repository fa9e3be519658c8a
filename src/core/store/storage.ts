import { join } from 'node:path';
import type { Notice, SettingsView } from '../../shared/model';
import type { SecretStore } from '../secrets';
import type { BackgroundWrites } from '../store-health';
import type { Clock } from '../types';
import { Checkpointer } from './checkpointer';
import { CheckupStore } from './checkup-store';
import { DB_FILE, type Db } from './db';
import { EndpointStore } from './endpoint-store';
import { EventStore } from './event-store';
import { ForwardStore } from './forward-store';
import { MetaStore } from './meta-store';
import { DataDirLock, openLog } from './open-log';
import type {
  CheckupRepo,
  EndpointRepo,
  EventLog,
  ForwardQueue,
  MetaRepo,
  SettingsRepo,
  UserRepo,
} from './ports';
import { SettingsStore } from './settings-store';
import { UserStore } from './user-store';

/**
 * What a backend may do besides the ports, for upkeep off the ack path. Optional: a backend
 * without them (a database server that checkpoints itself) leaves `upkeep` out.
 */
export interface StorageUpkeep {
  /** A WAL checkpoint (SQLite): PASSIVE while deliveries flow, TRUNCATE when quiet. */
  checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): Promise<unknown>;
  /**
   * The gate the log's own background writes (the search index catching up) ask before they
   * write, and tell how writes went (the disk guard, a failed write).
   */
  backgroundWrites(writes: BackgroundWrites): void;
}

/**
 * The engine's storage, opened by one factory (docs/ARCHITECTURE.md §7): every part typed by
 * its port, so the engine never sees the database behind them.
 */
export interface Storage {
  readonly events: EventLog;
  readonly endpoints: EndpointRepo;
  readonly settings: SettingsRepo;
  readonly forwards: ForwardQueue;
  readonly checkups: CheckupRepo;
  readonly meta: MetaRepo;
  /** The people who may use the control API, with their tokens' slow hashes. */
  readonly users: UserRepo;
  /** Where endpoint secrets and the authtoken live (never in the log). */
  readonly secrets: SecretStore;
  /** What opening found that the user must know (a log moved aside, a secrets file reset). */
  readonly notices: Notice[];
  readonly upkeep?: StorageUpkeep;
  /**
   * A backend shared by several processes: whether this one runs the upkeep passes
   * (retention) now; one process at a time (PostgreSQL: a session advisory lock).
   */
  exclusiveUpkeep?(): Promise<boolean>;
  /** A backend shared by several processes: settings another one saved, once read back here. */
  onSettingsChange?(listener: (settings: SettingsView) => void): () => void;
  /**
   * A backend shared by several processes: events another one deleted (these ids, or `all`
   * when it cleared the log), once committed.
   */
  onEventsDeleted?(listener: (deleted: { ids: string[]; all: boolean }) => void): () => void;
  /** A backend shared by several processes: the tunnel settings another one saved, read back here. */
  onTunnelSettingsChange?(listener: () => void): () => void;
  /**
   * Closes after the engine stopped using it (appends drained, the forwarder stopped): the last
   * checkpoint, the connections, then the data folder's lock.
   */
  close(): Promise<void>;
  /** After a failed start: lets everything go now, the lock first among what must not wait. */
  abandon(): void;
}

export interface StorageOptions {
  dataDir: string;
  /** better-sqlite3 addon built for another ABI (Electron). */
  nativeBinding?: string;
  clock: Clock;
  /** The secret store, made once the data folder is locked (default: a file in it). */
  secrets: () => SecretStore;
}

/**
 * Opens the SQLite storage in `dataDir`: takes the folder's lock (one engine per folder), opens
 * the log (a corrupt file is moved aside with a notice), and wires the stores on it. Throws a
 * `LogOpenError` saying what to do when the folder is in use or the log cannot be written;
 * whatever it took is released when it throws.
 */
export function openStorage(opts: StorageOptions): SqliteStorage {
  const lock = DataDirLock.acquire(opts.dataDir, opts.nativeBinding);
  let db: Db | undefined;
  try {
    const opened = openLog(
      {
        dataDir: opts.dataDir,
        ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
      },
      opts.clock,
    );
    db = opened.db;
    return new SqliteStorage(db, lock, opened.notices, opts);
  } catch (err) {
    if (db?.open) db.close();
    lock.release();
    throw err;
  }
}

/** The SQLite backend: one file, one writer, every port on one connection. */
export class SqliteStorage implements Storage {
  readonly events: EventStore;
  readonly endpoints: EndpointStore;
  readonly settings: SettingsStore;
  readonly forwards: ForwardStore;
  readonly checkups: CheckupStore;
  readonly meta: MetaStore;
  readonly users: UserStore;
  readonly secrets: SecretStore;
  readonly notices: Notice[];
  readonly upkeep: StorageUpkeep;
  private readonly checkpointer: Checkpointer;
  private closing: Promise<void> | null = null;

  constructor(
    /** The connection (tests reach it to provoke SQLite's own failures). */
    readonly db: Db,
    private readonly lock: DataDirLock,
    notices: Notice[],
    opts: StorageOptions,
  ) {
    this.notices = [...notices];
    this.secrets = opts.secrets();
    this.notices.push(...(this.secrets.notices ?? []));
    this.forwards = new ForwardStore(db);
    const events = new EventStore(db, undefined, this.forwards);
    this.events = events;
    const secrets = this.secrets;
    // A secret added is masked in search too: the index is rebuilt in the saving transaction,
    // before the secret is written, so no crash leaves it findable (RELIABILITY.md, 5).
    const endpoints = new EndpointStore(db, {
      get: (id) => secrets.get(id),
      set: (id, list) => {
        events.secretsWillChange(list);
        secrets.set(id, list);
      },
      delete: (id) => secrets.delete(id),
    });
    this.endpoints = endpoints;
    events.maskSecretsWith(() => endpoints.allSecrets());
    this.settings = new SettingsStore(db);
    this.meta = new MetaStore(db);
    // Once per log: deliveries stored before the may-be-first rule (schema 14) that arrived
    // unsigned on an endpoint that has a secret are no one's first, as they would be now
    // (the secrets live outside the database, so migration 17 could not tell).
    if (this.meta.get('unverified_marked') === undefined) {
      const withSecrets = endpoints
        .list()
        .filter((e) => e.secretCount > 0)
        .map((e) => e.id);
      // SQLite's put commits (or throws) before it returns.
      void this.meta.put({ unverified_marked: '1' }, () => events.markUnverified(withSecrets));
    }
    this.checkups = new CheckupStore(db);
    this.users = new UserStore(db);
    // Checkpoints run on a worker thread with its own connection (off the receiver's thread).
    const checkpointer = new Checkpointer(join(opts.dataDir, DB_FILE), opts.nativeBinding);
    this.checkpointer = checkpointer;
    this.upkeep = {
      checkpoint: (mode) => checkpointer.checkpoint(mode),
      backgroundWrites: (writes) =>
        events.backgroundWrites(writes, () => {
          void checkpointer.checkpoint('PASSIVE').catch(() => undefined);
        }),
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.checkpointer.close();
        await this.events.drained();
        await this.events.close();
        // The WAL folded back into the file: a clean log at rest.
        this.db.pragma('wal_checkpoint(TRUNCATE)');
        this.db.close();
      } finally {
        this.lock.release();
      }
    })();
    return this.closing;
  }

  abandon(): void {
    try {
      void this.events.close().catch(() => undefined);
      void this.checkpointer.close().catch(() => undefined);
      if (this.db.open) this.db.close();
    } finally {
      this.lock.release();
    }
  }
}
