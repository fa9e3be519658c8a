/** The SQLite file `hookscope serve` keeps in its data dir. */
export const DB_FILE: string;

/**
 * Adds `count - 1` copies of the oldest stored event to the stopped server's log in
 * `dataDir`; the copy at `needleAt` carries the word `needle`. Returns the time taken in ms.
 */
export function seedLog(
  dataDir: string,
  count: number,
  opts?: { needle?: string; needleAt?: number },
): number;
