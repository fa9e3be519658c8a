import type { SettingsRepo } from './ports';
import { DEFAULT_SETTINGS } from '../../shared/defaults';
import { Settings, type SettingsView } from '../../shared/model';
import { RevHistory, settingLabel, settingsConflict } from './conflict';

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

/** Settings as stored (the JSON document and its version), read field by field. */
export function readStoredSettings(
  value: string | undefined,
  revValue: string | undefined,
): { settings: Settings; rev: number; reset: string[] } {
  let stored: unknown = undefined;
  let unreadable = false;
  if (value !== undefined) {
    try {
      stored = JSON.parse(value) as unknown;
    } catch {
      unreadable = true;
    }
  }
  const { settings, reset } = salvageSettings(stored ?? {});
  return {
    settings,
    rev: revValue !== undefined ? Number(revValue) || 1 : 1,
    reset: unreadable ? ['all settings'] : reset.map(settingLabel),
  };
}

/**
 * The settings' snapshot in memory and the revision rule of a save, whatever the database:
 * SQLite's SettingsStore and PostgreSQL's PgSettingsRepo extend it and only read and write.
 */
export abstract class SettingsSnapshot implements SettingsRepo {
  protected current: Settings;
  protected rev: number;
  private readonly history = new RevHistory<Settings>(16);
  /** Fields that could not be read at start and were reset to their defaults, in words. */
  readonly resetAtStart: string[];

  constructor(value: string | undefined, revValue: string | undefined) {
    const read = readStoredSettings(value, revValue);
    this.current = read.settings;
    this.rev = read.rev;
    this.resetAtStart = read.reset;
    this.history.remember(this.rev, this.current);
  }

  abstract save(patch: Partial<Settings>, basedOn?: number): Promise<SettingsView>;

  get(): Settings {
    return this.current;
  }

  /** The settings with their version, as UIs see them. */
  view(): SettingsView {
    return { ...this.current, rev: this.rev };
  }

  /**
   * The settings a save of `patch` makes, checked, with their version; throws `conflict`
   * (saying what changed) when `basedOn` is given and is not the current version.
   */
  protected next(patch: Partial<Settings>, basedOn?: number): { next: Settings; rev: number } {
    if (basedOn !== undefined && basedOn !== this.rev) {
      throw settingsConflict(this.current, this.rev, basedOn, this.history.at(basedOn));
    }
    return { next: Settings.parse({ ...this.current, ...patch }), rev: this.rev + 1 };
  }

  /** The snapshot after a committed save (or another process's, read back). */
  protected applied(next: Settings, rev: number): void {
    this.current = next;
    this.rev = rev;
    this.history.remember(rev, next);
  }
}
