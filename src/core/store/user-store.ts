import type { User } from '../../shared/users-contract';
import type { Db } from './db';
import type { UserRepo } from './ports';
import {
  duplicateName,
  publicUser,
  unknownUser,
  UserSnapshot,
  type UserRecord,
  type UserRow,
} from './user-snapshot';

const isUniqueViolation = (err: unknown): boolean =>
  (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/** People on SQLite (one process per log: the snapshot is this process's writes). */
export class UserStore extends UserSnapshot implements UserRepo {
  private readonly stmts;

  constructor(db: Db) {
    super();
    this.stmts = {
      all: db.prepare('SELECT * FROM users'),
      insert: db.prepare(
        'INSERT INTO users (id, name, role, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)',
      ),
      revoke: db.prepare('UPDATE users SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    };
    this.replaceAll(this.stmts.all.all() as UserRow[]);
  }

  async add(u: UserRecord): Promise<User> {
    if (this.active(u.name)) throw duplicateName(u.name);
    try {
      this.stmts.insert.run(u.id, u.name, u.role, u.tokenHash, u.createdAt);
    } catch (err) {
      throw isUniqueViolation(err) ? duplicateName(u.name) : err;
    }
    this.put(row({ ...u, revokedAt: null }));
    this.changed(u.id);
    return publicUser(this.get(u.id)!);
  }

  async revoke(name: string, at: number): Promise<User> {
    const u = this.active(name);
    if (!u) throw unknownUser(name);
    this.stmts.revoke.run(at, u.id);
    this.put(row({ ...u, revokedAt: at }));
    this.changed(u.id);
    return publicUser(this.get(u.id)!);
  }
}

/** A record as its row. */
export function row(u: UserRecord): UserRow {
  return {
    id: u.id,
    name: u.name,
    role: u.role,
    token_hash: u.tokenHash,
    created_at: u.createdAt,
    revoked_at: u.revokedAt,
  };
}
