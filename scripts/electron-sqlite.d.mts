/** Types of scripts/electron-sqlite.mjs for the tests. */
export function electronSqlitePath(
  root: string,
  t: { version: string; platform: string; arch: string },
): string;
export function installedElectronVersion(root: string): string;
export function electronSqlite(
  root: string,
  t: { version: string; platform?: string; arch?: string; quiet?: boolean },
): string | null;
