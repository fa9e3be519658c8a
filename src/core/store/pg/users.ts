import type pg from 'pg';
import type { User } from '../../../shared/users-contract';
import type { UserRepo } from '../ports';
import { row } from '../user-store';
import {
  duplicateName,
  publicUser,
  unknownUser,
  UserSnapshot,
  type UserRecord,
  type UserRow,
} from '../user-snapshot';
import type { Bell } from './bell';
import { transaction } from './db';

const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown }).code === '23505';

/**
 * People on PostgreSQL: a snapshot read whole (the table is small), a write rings the bell
 * (`users`) in its transaction, and every instance reads the table again when it hears it (or
 * at the periodic re-read), telling listeners of each person added or revoked elsewhere: a
 * revoke on one instance closes the person's streams on all of them.
 */
export class PgUserRepo extends UserSnapshot implements UserRepo {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly bell: Bell,
  ) {
    super();
  }

  static async open(pool: pg.Pool, bell: Bell): Promise<PgUserRepo> {
    const repo = new PgUserRepo(pool, bell);
    await repo.read();
    bell.on('users', () => void repo.refresh().catch(() => undefined));
    bell.onResync(() => repo.refresh());
    return repo;
  }

  /** One at a time: a write and a re-read never interleave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<string[]> {
    const r = await this.pool.query<UserRow>('SELECT * FROM users');
    return this.replaceAll(r.rows);
  }

  /** Reads the people again; tells listeners of each one added or revoked elsewhere. */
  refresh(): Promise<void> {
    return this.serial(async () => {
      for (const id of await this.read()) this.changed(id);
    });
  }

  add(u: UserRecord): Promise<User> {
    return this.serial(async () => {
      try {
        await transaction(this.pool, async (c) => {
          const r = row({ ...u, revokedAt: null });
          await c.query(
            'INSERT INTO users (id, name, role, token_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, NULL)',
            [r.id, r.name, r.role, r.token_hash, r.created_at],
          );
          await this.bell.ring(c, 'users');
        });
      } catch (err) {
        throw isUniqueViolation(err) ? duplicateName(u.name) : err;
      }
      for (const id of await this.read()) this.changed(id);
      return publicUser(this.get(u.id)!);
    });
  }

  revoke(name: string, at: number): Promise<User> {
    return this.serial(async () => {
      const id = await transaction(this.pool, async (c) => {
        const r = await c.query<{ id: string }>(
          `UPDATE users SET revoked_at = $1 WHERE lower(name) = lower($2) AND revoked_at IS NULL
           RETURNING id`,
          [at, name],
        );
        if (!r.rows[0]) return null;
        await this.bell.ring(c, 'users');
        return r.rows[0].id;
      });
      if (id === null) throw unknownUser(name);
      for (const changed of await this.read()) this.changed(changed);
      return publicUser(this.get(id)!);
    });
  }
}
