import { Settings } from '../../shared/model';
import type { Db } from './db';

export const DEFAULT_SETTINGS: Settings = {
  retention: { maxEvents: 200_000, maxAgeDays: 90 },
  forwarding: { paused: false, concurrency: 4, timeoutMs: 30_000, maxAttempts: 5 },
  receiver: {
    maxBodyBytes: 25 * 1024 * 1024,
    maxHeaders: 10_000,
    maxHeaderBytes: 64 * 1024,
    headersTimeoutMs: 30_000,
    requestTimeoutMs: 120_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 1_000,
    // Generous for a provider's retry storm, tight enough that one IP cannot fill the log.
    rateLimit: { perSecond: 50, burst: 200 },
    minFreeDiskBytes: 200 * 1024 * 1024,
  },
};

/** User settings, one JSON document in the `meta` table, validated on read and write. */
export class SettingsStore {
  private current: Settings;

  constructor(private readonly db: Db) {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'settings'").get() as
      { value: string } | undefined;
    // Settings saved by an older version lack newer sections: fill them from the defaults.
    const parsed = row
      ? Settings.safeParse({ ...DEFAULT_SETTINGS, ...(JSON.parse(row.value) as object) })
      : null;
    this.current = parsed?.success ? parsed.data : DEFAULT_SETTINGS;
  }

  get(): Settings {
    return this.current;
  }

  /** Merges a partial update, persists it and returns the full settings. */
  save(patch: Partial<Settings>): Settings {
    this.current = Settings.parse({ ...this.current, ...patch });
    this.db
      .prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('settings', ?)")
      .run(JSON.stringify(this.current));
    return this.current;
  }
}
