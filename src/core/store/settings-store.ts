import { SettingsSnapshot } from './settings-snapshot';
import type { Settings, SettingsView } from '../../shared/model';
import type { Db } from './db';

export { DEFAULT_SETTINGS, salvageSettings } from './settings-snapshot';

/**
 * User settings, one JSON document in the `meta` table, validated on read and write, with
 * a version (`rev`, in `meta` too) bumped in the same transaction as each save.
 */
export class SettingsStore extends SettingsSnapshot {
  constructor(private readonly db: Db) {
    const read = (key: string): string | undefined =>
      (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
        ?.value;
    super(read('settings'), read('settings_rev'));
  }

  /**
   * Merges a partial update (a section is replaced whole), persists it with a new version and
   * returns it. With `basedOn`, throws `conflict` (saying what changed) when the settings are
   * no longer at that version. The copy in memory changes only once the write committed.
   */
  async save(patch: Partial<Settings>, basedOn?: number): Promise<SettingsView> {
    const { next, rev } = this.next(patch, basedOn);
    const put = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    this.db.transaction(() => {
      put.run('settings', JSON.stringify(next));
      put.run('settings_rev', String(rev));
    })();
    this.applied(next, rev);
    return this.view();
  }
}
