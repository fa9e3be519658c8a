import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { SecretStore } from '../../secrets';
import { transaction, type Queryable } from './db';

/**
 * Secrets on a shared PostgreSQL database (issue 17: "secrets stay out of the database unless
 * encrypted"): endpoint secrets and the tunnel's (the ngrok authtoken) in the `secrets` table,
 * each value encrypted with AES-256-GCM under HOOKSCOPE_SECRET_KEY (32 bytes, base64), a
 * random 12-byte IV per value, the row's key as associated data (a value moved to another
 * row does not decrypt), and the key's id (sha256 prefix) stored with it. Every instance on
 * one database needs the same key; the key never goes into the database.
 */

/** The environment variable that holds the key. */
export const SECRET_KEY_ENV = 'HOOKSCOPE_SECRET_KEY';

const HOW =
  'Make one with `openssl rand -base64 32` and give every Hookscope instance on this database the same key (keep it out of the database: it decrypts the signing secrets and the ngrok authtoken).';

/** What opening with a missing, malformed or wrong key says (a clear start failure). */
export class SecretKeyError extends Error {}

/** The key from its base64 text; throws SecretKeyError saying what to do. */
export function parseSecretKey(text: string | undefined): Buffer {
  if (text === undefined || text.trim() === '') {
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} is not set. With a database, endpoint signing secrets and the ngrok authtoken are stored encrypted under this key. ${HOW}`,
    );
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text.trim())) {
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} must be 32 bytes written in base64 (this one is ${key.length} bytes). ${HOW}`,
    );
  }
  return key;
}

/** A key's id: stored with each value, so a wrong key is named as such. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('hookscope-secret-key').update(key).digest('hex').slice(0, 16);
}

interface SecretRow {
  key: string;
  key_id: string;
  iv: Buffer;
  tag: Buffer;
  value: Buffer;
}

/** A row every database has, so that a wrong key is found at start even with no secret yet. */
const KEY_CHECK = '__key_check';

/**
 * The secret store on PostgreSQL: read from a decrypted snapshot (the receiver verifies with
 * it); written only inside a repo's transaction (`write`): `set`/`delete` called while a write
 * is being prepared are committed with that write's rows, and the snapshot changes after the
 * commit.
 */
export class PgSecretStore implements SecretStore {
  private data = new Map<string, string[]>();
  private staged: Map<string, string[] | null> | null = null;
  private readonly keyId: string;

  constructor(private readonly key: Buffer) {
    this.keyId = secretKeyId(key);
  }

  get(id: string): string[] {
    if (this.staged?.has(id)) return this.staged.get(id) ?? [];
    return this.data.get(id) ?? [];
  }

  set(id: string, secrets: string[]): void {
    this.stage().set(id, [...secrets]);
  }

  delete(id: string): void {
    this.stage().set(id, null);
  }

  private stage(): Map<string, string[] | null> {
    if (!this.staged) throw new Error('PostgreSQL secrets are written only with a repo write');
    return this.staged;
  }

  /**
   * One transaction: `alongside` first (the secrets it sets and deletes are collected; what it
   * throws writes nothing), then `body`, then the collected secrets, encrypted; the snapshot
   * learns them once committed.
   */
  async write<T>(
    pool: pg.Pool,
    body: (c: pg.PoolClient) => Promise<T>,
    alongside: () => void = () => undefined,
  ): Promise<T> {
    const staged = new Map<string, string[] | null>();
    this.staged = staged;
    try {
      alongside();
    } finally {
      this.staged = null;
    }
    const out = await transaction(pool, async (c) => {
      const r = await body(c);
      for (const [id, list] of staged) {
        if (list === null) await c.query('DELETE FROM secrets WHERE key = $1', [id]);
        else await this.put(c, id, list);
      }
      return r;
    });
    for (const [id, list] of staged) {
      if (list === null) this.data.delete(id);
      else this.data.set(id, list);
    }
    return out;
  }

  private async put(q: Queryable, id: string, list: string[], keep = false): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const value = Buffer.concat([cipher.update(JSON.stringify(list), 'utf8'), cipher.final()]);
    await q.query(
      `INSERT INTO secrets (key, key_id, iv, tag, value) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO ${keep ? 'NOTHING' : 'UPDATE SET key_id = $2, iv = $3, tag = $4, value = $5'}`,
      [id, this.keyId, iv, cipher.getAuthTag(), value],
    );
  }

  private decrypt(r: SecretRow): string[] {
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, r.iv);
      d.setAAD(Buffer.from(r.key, 'utf8'));
      d.setAuthTag(r.tag);
      const text = Buffer.concat([d.update(r.value), d.final()]).toString('utf8');
      return JSON.parse(text) as string[];
    } catch {
      if (r.key_id !== this.keyId) {
        throw new SecretKeyError(
          `${SECRET_KEY_ENV} is not the key this database's secrets were encrypted with (they were written under key id ${r.key_id}; this key's id is ${this.keyId}). Every Hookscope instance on one database needs the same key: use the one the first instance was started with.`,
        );
      }
      throw new SecretKeyError(
        `A stored secret could not be decrypted with ${SECRET_KEY_ENV} (its value in the database was changed or damaged). Enter the signing secrets and the ngrok authtoken again.`,
      );
    }
  }

  /**
   * Reads every secret; at open (`first`), makes the key-check row when missing. Throws
   * SecretKeyError when the key cannot decrypt them.
   */
  async load(q: Queryable, first = false): Promise<void> {
    // Written once per database (a concurrent first instance's, if it won, is kept).
    if (first) await this.put(q, KEY_CHECK, ['hookscope'], true);
    const rows = await q.query<SecretRow>('SELECT key, key_id, iv, tag, value FROM secrets');
    const next = new Map<string, string[]>();
    for (const r of rows.rows) next.set(r.key, this.decrypt(r));
    next.delete(KEY_CHECK);
    this.data = next;
  }
}
