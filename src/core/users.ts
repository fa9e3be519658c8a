import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { FeatureHandlers } from '../shared/dispatch';
import type { Role, User, usersCommands } from '../shared/users-contract';
import type { UserRepo } from './store/ports';
import type { Clock } from './types';

/**
 * People's tokens (issue 18). A token is `hs_<userId>_<secret>` (32 random bytes, base64url):
 * shown once when the person is added, stored only as a slow hash (scrypt, a random salt per
 * token, its parameters kept with it). Checking scrypt on every request would cost tens of
 * milliseconds, so a token is checked against its hash once per process; after that an HMAC of
 * it under a key made at start (never stored) is kept in memory and compared instead, and
 * dropped when the person is revoked (here or, on PostgreSQL, on another instance).
 */

/** scrypt's cost: N = 2^15, r = 8, p = 1 (32 MiB, ~50-250 ms a check on one core). */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLen: 32 } as const;
const SALT_BYTES = 16;

const TOKEN = /^hs_(u[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const newUserId = (): string => `u${randomBytes(8).toString('hex')}`;

export const newToken = (userId: string): string =>
  `hs_${userId}_${randomBytes(32).toString('base64url')}`;

/** The person a token names, or null when it is not a person's token. */
export function tokenUserId(token: string): string | null {
  return TOKEN.exec(token)?.[1] ?? null;
}

function scryptAsync(
  secret: string,
  salt: Buffer,
  p: { N: number; r: number; p: number; keyLen: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      secret,
      salt,
      p.keyLen,
      { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url), off the event loop's thread. */
export async function hashToken(token: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(token, salt, SCRYPT);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** Whether `token` is the one `stored` is the hash of (false for a hash it cannot read). */
export async function tokenMatches(token: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64url');
  const params = { N: Number(n), r: Number(r), p: Number(p), keyLen: want.length };
  if (![params.N, params.r, params.p].every((x) => Number.isInteger(x) && x > 0)) return false;
  const got = await scryptAsync(token, Buffer.from(salt, 'base64url'), params);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Who is calling: the local token (one person, no sign-in) or a person's token. */
export type Caller =
  | { kind: 'local'; name: 'local'; role: 'admin' }
  | { kind: 'user'; id: string; name: string; role: Role };

export const LOCAL_CALLER: Caller = { kind: 'local', name: 'local', role: 'admin' };

/** Checks people's tokens: the slow hash once per process, then an HMAC kept in memory. */
export class TokenChecker {
  private readonly key = randomBytes(32);
  /** userId → HMAC of the token that was checked against the slow hash. */
  private readonly known = new Map<string, Buffer>();
  private readonly unsubscribe: () => void;

  constructor(private readonly users: UserRepo) {
    this.unsubscribe = users.onChange((u) => {
      if (u.revokedAt !== null) this.known.delete(u.id);
    });
  }

  private mac(token: string): Buffer {
    return createHmac('sha256', this.key).update(token).digest();
  }

  private caller(id: string): Caller | null {
    const u = this.users.get(id);
    if (!u || u.revokedAt !== null) return null;
    return { kind: 'user', id: u.id, name: u.name, role: u.role };
  }

  /**
   * The person, when their token was already checked by this process (no slow hash), or
   * undefined when it would take the slow check; null for a token that is no person's.
   */
  quick(token: string): Caller | null | undefined {
    const id = tokenUserId(token);
    if (id === null) return null;
    const caller = this.caller(id);
    if (!caller) return null;
    const seen = this.known.get(id);
    if (seen && timingSafeEqual(seen, this.mac(token))) return caller;
    return undefined;
  }

  /** The person whose token this is (checked against the slow hash if needed), or null. */
  async check(token: string): Promise<Caller | null> {
    const quick = this.quick(token);
    if (quick !== undefined) return quick;
    const id = tokenUserId(token)!;
    const record = this.users.get(id);
    if (!record || !(await tokenMatches(token, record.tokenHash))) return null;
    const caller = this.caller(id); // revoked while the hash was checked: refused
    if (caller) this.known.set(id, this.mac(token));
    return caller;
  }

  close(): void {
    this.unsubscribe();
    this.known.clear();
  }
}

/** The people commands (admins only, by the contract). */
export function createUserHandlers(deps: {
  users: UserRepo;
  clock: Clock;
}): FeatureHandlers<typeof usersCommands> {
  const { users, clock } = deps;
  return {
    listUsers: () => ({ items: users.list() }),
    addUser: async ({ name, role }) => {
      const id = newUserId();
      const token = newToken(id);
      const user: User = await users.add({
        id,
        name,
        role,
        createdAt: clock(),
        revokedAt: null,
        tokenHash: await hashToken(token),
      });
      return { user, token };
    },
    revokeUser: async ({ name }) => ({ user: await users.revoke(name, clock()) }),
  };
}
