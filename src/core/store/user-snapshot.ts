import { HookscopeError } from '../../shared/errors';
import type { Role, User } from '../../shared/users-contract';

/**
 * The people's snapshot in memory and the rules of adding and revoking, whatever the database
 * (docs/ARCHITECTURE.md §7): SQLite's UserStore and PostgreSQL's PgUserRepo extend it and only
 * read and write rows. A name is unique among people whose token works (case aside); a
 * revoked person keeps their row (who did what still names them) and frees the name.
 */

/** A person as a row of the `users` table (same columns on every backend). */
export interface UserRow {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
}

/** A person with the slow hash of their token (never leaves the engine). */
export interface UserRecord extends User {
  tokenHash: string;
}

const toRecord = (r: UserRow): UserRecord => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  createdAt: Number(r.created_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  tokenHash: r.token_hash,
});

/** A person as answers show them: without the hash. */
export const publicUser = ({ tokenHash: _hash, ...u }: UserRecord): User => u;

export const duplicateName = (name: string): HookscopeError =>
  new HookscopeError(
    'conflict',
    `There is already a person named "${name}": pick another name, or revoke theirs first (hookscope users revoke ${name}).`,
  );

export const unknownUser = (name: string): HookscopeError =>
  new HookscopeError(
    'not_found',
    `Nobody named "${name}" has a working token (hookscope users list shows who has).`,
  );

export abstract class UserSnapshot {
  private byId = new Map<string, UserRecord>();
  private readonly listeners = new Set<(user: User) => void>();

  /** Takes the rows read; returns the ids whose record changed (added, revoked). */
  protected replaceAll(rows: UserRow[]): string[] {
    const next = new Map(rows.map((r) => [r.id, toRecord(r)]));
    const changed = [...next.values()]
      .filter((u) => {
        const before = this.byId.get(u.id);
        return !before || before.revokedAt !== u.revokedAt || before.role !== u.role;
      })
      .map((u) => u.id);
    this.byId = next;
    return changed;
  }

  protected put(row: UserRow): void {
    this.byId.set(row.id, toRecord(row));
  }

  protected changed(id: string): void {
    const u = this.byId.get(id);
    if (!u) return;
    for (const l of this.listeners) l(publicUser(u));
  }

  onChange(listener: (user: User) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): User[] {
    return [...this.byId.values()]
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map(publicUser);
  }

  get(id: string): UserRecord | undefined {
    return this.byId.get(id);
  }

  /** The person whose token works, by name (case aside). */
  active(name: string): UserRecord | undefined {
    const n = name.toLowerCase();
    for (const u of this.byId.values()) {
      if (u.revokedAt === null && u.name.toLowerCase() === n) return u;
    }
    return undefined;
  }
}
