import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The desktop app's own settings (not the engine's): kept in `preferences.json` in userData. */
export interface Prefs {
  /** Native notifications for invalid signatures and dead-lettered forwards. */
  notifications: boolean;
  /** `system` follows the OS; the page's CSS follows `prefers-color-scheme`, which this sets. */
  theme: 'system' | 'light' | 'dark';
}

export const DEFAULT_PREFS: Prefs = { notifications: true, theme: 'system' };

/** Reads and validates a stored value field by field; anything unknown is the default. */
export function parsePrefs(raw: unknown): Prefs {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    notifications:
      typeof r.notifications === 'boolean' ? r.notifications : DEFAULT_PREFS.notifications,
    theme:
      r.theme === 'light' || r.theme === 'dark' || r.theme === 'system'
        ? r.theme
        : DEFAULT_PREFS.theme,
  };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Preferences backed by a JSON file, written atomically on every change. */
export class PrefsFile {
  private value: Prefs;

  constructor(private readonly file: string) {
    this.value = parsePrefs(readJson(file));
  }

  get(): Prefs {
    return { ...this.value };
  }

  /** Changes some fields and saves; a failed save keeps the change for this run. */
  set(patch: Partial<Prefs>): Prefs {
    this.value = parsePrefs({ ...this.value, ...patch });
    try {
      writeFileSync(`${this.file}.tmp`, JSON.stringify(this.value));
      renameSync(`${this.file}.tmp`, this.file);
    } catch {
      // Not worth a crash: the preference is lost at the next launch.
    }
    return this.get();
  }
}
