import type { Db } from './db';
import type { MetaRepo } from './ports';

/**
 * Small named values kept with the log (the `meta` table): the tunnel's saved options and
 * their version. Reads are one statement each; a write puts several keys in one transaction.
 */
export class MetaStore implements MetaRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.prepare('SELECT value FROM meta WHERE key = ?'),
      put: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      write: db.transaction((entries: [string, string][], alongside: () => void) => {
        alongside();
        for (const [k, v] of entries) this.stmts.put.run(k, v);
      }),
    };
  }

  get(key: string): string | undefined {
    return (this.stmts.get.get(key) as { value: string } | undefined)?.value;
  }

  /**
   * Puts `entries` in one transaction, with `alongside` run inside it first (what it throws
   * rolls the entries back).
   */
  put(entries: Record<string, string>, alongside: () => void = () => undefined): Promise<void> {
    // Committed before it returns (what it throws, it throws here, as the log opens).
    this.stmts.write(Object.entries(entries), alongside);
    return Promise.resolve();
  }
}
