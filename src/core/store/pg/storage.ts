import { shownDatabaseUrl } from '../database-url';
import type { Notice, SettingsView } from '../../../shared/model';
import type { Clock } from '../../types';
import type { Storage } from '../storage';
import { Bell } from './bell';
import { openPgLog, type PgLog } from './open';
import { PgCheckupRepo, PgEndpointRepo, PgMetaRepo, PgSettingsRepo } from './repos';
import { PgUserRepo } from './users';
import { parseSecretKey, PgSecretStore, SecretKeyError } from './secret-store';
import type { PgEventLog } from './event-log';
import type { PgForwardQueue } from './forward-queue';

export { SecretKeyError, SECRET_KEY_ENV } from './secret-store';

export interface PgStorageOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** The schema the storage lives in (tests); default: the server's search_path. */
  schema?: string;
  clock: Clock;
  /** HOOKSCOPE_SECRET_KEY's text (32 bytes, base64). */
  secretKey: string | undefined;
  /** The safety net's period: every snapshot read again (ms). */
  resyncMs?: number;
  /** Connections in the pool. */
  max?: number;
}

/** Opening failed in a way the user can fix; the message says how, in one line. */
export class DatabaseOpenError extends Error {}

/** The URL as it may be shown (no password). */
function shownUrl(url: URL): string {
  return shownDatabaseUrl(url.toString());
}

/** A PostgreSQL URL, checked; throws DatabaseOpenError saying what a good one looks like. */
export function parseDatabaseUrl(text: string): URL {
  let url: URL | null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || !url.hostname) {
    throw new DatabaseOpenError(
      `The database URL "${shownDatabaseUrl(text)}" is not a PostgreSQL URL: write it like postgres://user:password@host:5432/hookscope`,
    );
  }
  return url;
}

/** What went wrong reaching the server, in the user's words. */
export function describeOpenError(err: unknown, url: URL): DatabaseOpenError {
  if (err instanceof DatabaseOpenError || err instanceof SecretKeyError) return err;
  const e = err as { code?: string; message?: string };
  const where = `${url.hostname}:${url.port || '5432'}`;
  const user = decodeURIComponent(url.username) || 'the default user';
  const db = decodeURIComponent(url.pathname.slice(1)) || 'the default database';
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ECONNRESET':
      return new DatabaseOpenError(
        `Could not reach the PostgreSQL server at ${where} (${e.code}): is it running, and is the database URL right (${shownUrl(url)})?`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DatabaseOpenError(
        `The PostgreSQL server's host "${url.hostname}" was not found: check the database URL (${shownUrl(url)}).`,
      );
    case '28P01':
    case '28000':
      return new DatabaseOpenError(
        `The PostgreSQL server at ${where} refused user "${user}" (wrong password, or no access to "${db}"): check the user and password in the database URL.`,
      );
    case '3D000':
      return new DatabaseOpenError(
        `The database "${db}" does not exist on the PostgreSQL server at ${where}: create it (createdb ${db}) or check the database URL.`,
      );
    case '42501':
      return new DatabaseOpenError(
        `User "${user}" may not create Hookscope's tables in "${db}" (${e.message ?? 'permission denied'}): grant it CREATE on the database, or install pg_trgm as a superuser first (CREATE EXTENSION pg_trgm).`,
      );
    default:
      return new DatabaseOpenError(
        `Could not open the PostgreSQL database ${shownUrl(url)}: ${e.message ?? String(err)}`,
      );
  }
}

/**
 * The whole storage on PostgreSQL (docs/ARCHITECTURE.md §7): the log and queue (pg/open.ts),
 * the other repos with their snapshots (pg/repos.ts), the secrets encrypted (pg/secret-store.ts)
 * and the bell that tells this instance of others' changes (pg/bell.ts). Several instances
 * share one database: no data-folder lock. Throws DatabaseOpenError or SecretKeyError, one
 * line each, with nothing left open.
 */
export async function openPgStorage(o: PgStorageOptions): Promise<PgStorage> {
  const url = parseDatabaseUrl(o.url);
  const key = parseSecretKey(o.secretKey); // before any connection: nothing to undo
  let log: PgLog | null = null;
  let bell: Bell | null = null;
  try {
    log = await openPgLog({
      url: o.url,
      ...(o.schema ? { schema: o.schema } : {}),
      ...(o.max ? { max: o.max } : {}),
    });
    bell = new Bell(o.url, o.schema, o.resyncMs);
    await bell.start();
    const secrets = new PgSecretStore(key);
    await secrets.load(log.pool, true);
    return await PgStorage.open(log, bell, secrets);
  } catch (err) {
    await bell?.close();
    await log?.close().catch(() => undefined);
    throw describeOpenError(err, url);
  }
}

/** Storage on PostgreSQL, shared by several instances. */
export class PgStorage implements Storage {
  readonly notices: Notice[] = [];
  private readonly settingsListeners = new Set<(v: SettingsView) => void>();
  private readonly deletionListeners = new Set<(d: { ids: string[]; all: boolean }) => void>();
  private readonly tunnelListeners = new Set<() => void>();
  /** The highest rev this instance has published (its own and the others', in rev order). */
  private cursor = 0;
  private follows: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly log: PgLog,
    private readonly bell: Bell,
    readonly secrets: PgSecretStore,
    readonly endpoints: PgEndpointRepo,
    readonly settings: PgSettingsRepo,
    readonly meta: PgMetaRepo,
    readonly checkups: PgCheckupRepo,
    readonly users: PgUserRepo,
  ) {}

  get events(): PgEventLog {
    return this.log.log;
  }

  get forwards(): PgForwardQueue {
    return this.log.queue;
  }

  static async open(log: PgLog, bell: Bell, secrets: PgSecretStore): Promise<PgStorage> {
    const endpoints = await PgEndpointRepo.open(log.pool, secrets, bell);
    let storage: PgStorage | null = null;
    const settings = await PgSettingsRepo.open(log.pool, bell, (v) => {
      for (const l of storage?.settingsListeners ?? []) l(v);
    });
    // Another instance saved meta values (the tunnel settings): their listeners hear of it.
    const meta = await PgMetaRepo.open(log.pool, secrets, bell, () => {
      for (const l of storage?.tunnelListeners ?? []) l();
    });
    storage = new PgStorage(
      log,
      bell,
      secrets,
      endpoints,
      settings,
      meta,
      new PgCheckupRepo(log.pool),
      await PgUserRepo.open(log.pool, bell),
    );
    log.log.maskSecretsWith(() => endpoints.allSecrets());
    endpoints.beforeSecretsChange((c, list) => log.log.secretsWillChange(c, list));
    await log.log.secretsChanged();
    endpoints.onChange(() => void storage?.secretsChanged());
    bell.onResync(() => storage!.secretsChanged());
    await storage.followEvents();
    void storage.reindex();
    return storage;
  }

  /**
   * The endpoints changed (here or on another instance): a new secret raises the search's
   * re-index marker (PgEventLog.secretsChanged), and the rows below it are indexed again.
   */
  private async secretsChanged(): Promise<void> {
    await this.log.log.secretsChanged().catch(() => undefined);
    void this.reindex();
  }

  private reindexing = false;

  /** Indexes for search again what a new secret left stale, a chunk at a time, on one instance. */
  private async reindex(): Promise<void> {
    if (this.reindexing || this.closing || !this.log.log.reindexPending) return;
    this.reindexing = true;
    try {
      if (!(await this.exclusiveUpkeep())) return;
      while (!this.closing && (await this.log.log.reindexChunk())) {
        await new Promise((r) => setImmediate(r)); // deliveries and searches between chunks
      }
    } catch {
      // Tried again at the next change or periodic re-read.
    } finally {
      this.reindexing = false;
    }
  }

  /**
   * Live across instances: after each committed change of the log this instance rings the
   * bell with the new high rev and reads the log after its cursor; another instance's ring (or
   * the periodic pass) does the same. Every change, this instance's and the others', is told
   * to the log's listeners from that read, in rev order (revs are taken in commit order under
   * the log's lock): a client keeping the highest rev it has seen misses none.
   */
  private async followEvents(): Promise<void> {
    this.cursor = await this.log.log.currentRev();
    this.log.log.routeOwnChanges((items) => {
      const high = items.reduce((m, i) => Math.max(m, i.rev), 0);
      void this.bell.ring(this.log.pool, 'events', high).catch(() => undefined);
      void this.follow().catch(() => undefined);
    });
    this.bell.on('events', () => void this.follow().catch(() => undefined));
    this.bell.onResync(() => this.follow());
    // Deletions: this instance's ring the others; the others' are told to the listeners in
    // turn with the follows (a summary read before the delete committed goes out first).
    this.log.log.routeDeletions((deleted) => {
      void this.bell.ringDeleted(this.log.pool, deleted).catch(() => undefined);
    });
    this.bell.on('deleted', (_rev, ring) => {
      const deleted = { ids: ring.all ? [] : (ring.ids ?? []), all: ring.all === true };
      if (!deleted.all && deleted.ids.length === 0) return;
      this.follows = this.follows.then(() => {
        for (const l of this.deletionListeners) {
          try {
            l(deleted);
          } catch {
            // a listener's failure is its own: the follows go on
          }
        }
      });
    });
  }

  /** Publishes the changes after the cursor, in rev order. */
  follow(): Promise<void> {
    this.follows = this.follows.then(async () => {
      for (;;) {
        const changes = await this.log.log.changesSince(this.cursor, 500);
        if (changes.length === 0) return;
        this.cursor = changes[changes.length - 1]!.rev;
        this.log.log.followed(changes);
        if (changes.length < 500) return;
      }
    });
    const done = this.follows;
    this.follows = done.catch(() => undefined);
    return done;
  }

  /** Another instance saved the settings (read back here). */
  onSettingsChange(listener: (v: SettingsView) => void): () => void {
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  }

  /** Events another instance deleted (its ring), in turn with the changes followed. */
  onEventsDeleted(listener: (deleted: { ids: string[]; all: boolean }) => void): () => void {
    this.deletionListeners.add(listener);
    return () => this.deletionListeners.delete(listener);
  }

  /** Another instance saved the tunnel settings (read back here). */
  onTunnelSettingsChange(listener: () => void): () => void {
    this.tunnelListeners.add(listener);
    return () => this.tunnelListeners.delete(listener);
  }

  /** Whether this instance runs the upkeep passes (retention): one instance at a time. */
  exclusiveUpkeep(): Promise<boolean> {
    return this.bell.tryLock('maintenance');
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.bell.close();
      await this.follows.catch(() => undefined);
      await this.log.close();
    })();
    return this.closing;
  }

  abandon(): void {
    void this.close().catch(() => undefined);
  }
}
