import type { IncomingDelivery } from './types';

/** Logs a refused request (its body is never kept); must not throw. */
export type LogRefusal = (delivery: IncomingDelivery, status: number, reason: string) => void;

/** Who a request is counted against. */
export interface Client {
  /**
   * An IPv4 address or an IPv6 /64 (see `clientKey`); for a request whose client could not be
   * read (a parse error behind the tunnel or a proxy), "an unknown client via …".
   */
  key: string;
  /** False for this machine (loopback, not through the tunnel): never limited. */
  limited: boolean;
  /**
   * Larger groups the client is also counted against, each with its share of the rate (an
   * IPv6 address's /56 and /48, see `clientGroups`); the refusals of the widest are logged
   * together.
   */
  groups?: readonly { key: string; share: number }[];
}

/** A connection cap that is reached: the client's or its group's key, and the cap. */
export interface ConnectionCapFull {
  key: string;
  max: number;
}

/** A request over a rate: which bucket refused it, its rate, and when a token is back. */
export interface Limited {
  waitMs: number;
  key: string;
  perSecond: number;
  burst: number;
}

/**
 * Most buckets tracked at once. A new one takes the place of the least recently seen bucket
 * that is idle (full again, no refusal logged in the last minute), so forgetting it changes
 * nothing; when none of the oldest is idle, new clients share one overflow bucket instead of
 * resetting a busy client's.
 */
export const MAX_TRACKED = 10_000;
/** How many of the least recently seen buckets are looked at for an idle one. */
const EVICT_SCAN = 64;
/** A limited client's refusals with one status are logged at most this often. */
export const LOG_EVERY_MS = 60_000;

interface Entry {
  tokens: number;
  /** Its share of the per-client rate (1 for a client, more for a group of them). */
  share: number;
  at: number;
  /** Per refusal status: when one was last logged, and how many were not since. */
  logged: Map<number, { at: number; skipped: number }>;
}

/**
 * The one place that counts a client's requests and decides which refusals are logged. Every
 * request the receiver answers passes here, accepted or refused (413, 431, 408, 400, 429, 503,
 * 507): each takes a token of the client's rate, each open one counts against the client's
 * connection cap, and a limited client's refusals are logged once a minute per status, with
 * how many were not. Memory is bounded however many clients a flood uses.
 */
export class ClientGate {
  private readonly entries = new Map<string, Entry>();
  private readonly open = new Map<string, number>();
  /** Shared by new buckets while every one of the oldest tracked is busy. */
  private readonly overflow: Entry = {
    tokens: Infinity,
    at: 0,
    logged: new Map(),
    share: 1,
  };
  /** The rate last applied, to tell an idle bucket. */
  private rate: { perSecond: number; burst: number } | null = null;

  constructor(private readonly log: LogRefusal) {}

  /**
   * Counts one request against the client's bucket and each of its groups' (with their shares
   * of `rate`): null when every one has a token (one is taken from each), else the bucket that
   * refused it with the longest wait (nothing is taken).
   */
  take(
    client: Client,
    now: number,
    rate: { perSecond: number; burst: number } | null,
  ): Limited | null {
    if (!client.limited || rate === null) return null;
    this.rate = rate;
    // On every request: no arrays for an IPv4 client (no groups), one small one for IPv6.
    const own = this.entry(client.key, now, 1);
    let worst = this.refill(own, client.key, 1, now, rate, null);
    const groups = client.groups?.map((g) => ({ ...g, e: this.entry(g.key, now, g.share) }));
    for (const g of groups ?? []) worst = this.refill(g.e, g.key, g.share, now, rate, worst);
    if (worst) return worst;
    own.tokens -= 1;
    for (const g of groups ?? []) g.e.tokens -= 1;
    return null;
  }

  /** Refills a bucket to `now`; the refusal with the longer wait of it and `worst`, or `worst`. */
  private refill(
    e: Entry,
    key: string,
    share: number,
    now: number,
    rate: { perSecond: number; burst: number },
    worst: Limited | null,
  ): Limited | null {
    const perSecond = rate.perSecond * share;
    const burst = rate.burst * share;
    e.tokens = Math.min(burst, e.tokens + ((now - e.at) / 1000) * perSecond);
    e.at = now;
    if (e.tokens >= 1) return worst;
    const waitMs = Math.ceil(((1 - e.tokens) / perSecond) * 1000);
    return !worst || waitMs > worst.waitMs ? { waitMs, key, perSecond, burst } : worst;
  }

  /**
   * Counts one open connection or request of `client`, and of each of its groups (an IPv6
   * address's /56 and /48, each allowed `max` times its share, as for the rate), until the
   * returned release is called (any number of times). When the client or a group already has
   * its cap open, nothing is counted and the one that is full is returned instead: rotating
   * through the /64s of a /48 gives 4 × `max` connections, not 65,536 ×.
   */
  enter(client: Client, max: number): (() => void) | ConnectionCapFull {
    if (!client.limited) return () => undefined;
    const n = this.open.get(client.key) ?? 0;
    if (n >= max) return { key: client.key, max };
    for (const g of client.groups ?? []) {
      if ((this.open.get(g.key) ?? 0) >= max * g.share) return { key: g.key, max: max * g.share };
    }
    const keys = [client.key, ...(client.groups ?? []).map((g) => g.key)];
    for (const k of keys) this.open.set(k, (this.open.get(k) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const k of keys) {
        const left = (this.open.get(k) ?? 1) - 1;
        if (left > 0) this.open.set(k, left);
        else this.open.delete(k);
      }
    };
  }

  /** Logs a refusal: always for this machine; for others once a minute per client and status. */
  refused(d: IncomingDelivery, client: Client, status: number, reason: string, now: number): void {
    if (!client.limited) {
      this.log(d, status, reason);
      return;
    }
    // Rotating addresses within a /48 is one allowance of logged refusals, not 65,536.
    const logKey = client.groups?.at(-1)?.key ?? client.key;
    const logged = this.entry(logKey, now, client.groups?.at(-1)?.share ?? 1).logged;
    const last = logged.get(status);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.skipped++;
      return;
    }
    const note =
      last && last.skipped > 0
        ? `${last.skipped} more like it from ${logKey} since the previous one were not logged; one a minute is`
        : `at most one like it a minute from ${logKey} is logged`;
    logged.set(status, { at: now, skipped: 0 });
    this.log(d, status, `${reason} (${note})`);
  }

  /** Clients whose rate and log marks are kept now. */
  get tracked(): number {
    return this.entries.size;
  }

  private entry(key: string, now: number, share: number): Entry {
    let e = this.entries.get(key);
    if (e)
      this.entries.delete(key); // re-inserted below: the Map's order is recency
    else {
      if (this.entries.size >= MAX_TRACKED && !this.evictIdle(now)) return this.overflow;
      e = { tokens: Infinity, at: now, logged: new Map(), share };
    }
    this.entries.set(key, e);
    return e;
  }

  /** Forgets the least recently seen idle bucket among the oldest; false when none is. */
  private evictIdle(now: number): boolean {
    let looked = 0;
    for (const [key, e] of this.entries) {
      if (looked++ >= EVICT_SCAN) break;
      if (this.idle(e, now)) {
        this.entries.delete(key);
        return true;
      }
    }
    return false;
  }

  /** True when forgetting the bucket changes nothing: full again, no refusal logged lately. */
  private idle(e: Entry, now: number): boolean {
    for (const mark of e.logged.values()) if (now - mark.at < LOG_EVERY_MS) return false;
    if (this.rate === null || e.tokens === Infinity) return true;
    const { perSecond, burst } = this.rate;
    return e.tokens + ((now - e.at) / 1000) * perSecond * e.share >= burst * e.share;
  }
}
