import type { SettingsRepo } from './ports';
import { DEFAULT_SETTINGS } from '../../shared/defaults';
import { Settings, type SettingsView } from '../../shared/model';
import { RevHistory, settingLabel, settingsConflict } from './conflict';
import type { Db } from './db';

export { DEFAULT_SETTINGS };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads stored settings field by field: every field that parses is kept, one that does not
 * (or is missing, from an older version) takes its default. Returns the settings and the
 * `section.field` paths that were reset.
 */
export function salvageSettings(stored: unknown): { settings: Settings; reset: string[] } {
  const whole = Settings.safeParse(isObject(stored) ? { ...DEFAULT_SETTINGS, ...stored } : null);
  if (whole.success) return { settings: whole.data, reset: [] };
  const reset: string[] = [];
  const out: Record<string, Record<string, unknown>> = {};
  for (const [section, defaults] of Object.entries(DEFAULT_SETTINGS) as [
    keyof Settings,
    Record<string, unknown>,
  ][]) {
    const schema = Settings.shape[section];
    const saved = isObject(stored) ? stored[section] : undefined;
    const kept: Record<string, unknown> = { ...defaults };
    if (saved !== undefined && !isObject(saved)) reset.push(section);
    else if (isObject(saved)) {
      for (const [field, value] of Object.entries(saved)) {
        if (!(field in defaults) && !(field in schema.shape)) continue;
        const candidate = { ...kept, [field]: value };
        if (schema.safeParse(candidate).success) kept[field] = value;
        else reset.push(`${section}.${field}`);
      }
    }
    out[section] = schema.parse(kept) as Record<string, unknown>;
  }
  return { settings: out as unknown as Settings, reset };
}

/**
 * User settings, one JSON document in the `meta` table, validated on read and write, with
 * a version (`rev`, in `meta` too) bumped in the same transaction as each save.
 */
export class SettingsStore implements SettingsRepo {
  private current: Settings;
  private rev: number;
  private readonly history = new RevHistory<Settings>(16);
  /** Fields that could not be read at start and were reset to their defaults, in words. */
  readonly resetAtStart: string[];

  constructor(private readonly db: Db) {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'settings'").get() as
      { value: string } | undefined;
    const revRow = db.prepare("SELECT value FROM meta WHERE key = 'settings_rev'").get() as
      { value: string } | undefined;
    let stored: unknown = undefined;
    let unreadable = false;
    if (row) {
      try {
        stored = JSON.parse(row.value) as unknown;
      } catch {
        unreadable = true;
      }
    }
    const { settings, reset } = salvageSettings(stored ?? {});
    this.current = settings;
    this.resetAtStart = unreadable ? ['all settings'] : reset.map(settingLabel);
    this.rev = revRow ? Number(revRow.value) || 1 : 1;
    this.history.remember(this.rev, this.current);
  }

  get(): Settings {
    return this.current;
  }

  /** The settings with their version, as UIs see them. */
  view(): SettingsView {
    return { ...this.current, rev: this.rev };
  }

  /**
   * Merges a partial update (a section is replaced whole), persists it with a new version and
   * returns it. With `basedOn`, throws `conflict` (saying what changed) when the settings are
   * no longer at that version. The copy in memory changes only once the write committed.
   */
  async save(patch: Partial<Settings>, basedOn?: number): Promise<SettingsView> {
    if (basedOn !== undefined && basedOn !== this.rev) {
      throw settingsConflict(this.current, this.rev, basedOn, this.history.at(basedOn));
    }
    const next = Settings.parse({ ...this.current, ...patch });
    const rev = this.rev + 1;
    const put = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    this.db.transaction(() => {
      put.run('settings', JSON.stringify(next));
      put.run('settings_rev', String(rev));
    })();
    this.current = next;
    this.rev = rev;
    this.history.remember(rev, next);
    return this.view();
  }
}
