import { DEFAULT_SETTINGS } from '../../shared/defaults';
import { Settings } from '../../shared/model';
import type { Db } from './db';

export { DEFAULT_SETTINGS };

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
