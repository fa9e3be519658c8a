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
}

/** Most clients tracked at once; the least recently seen are forgotten first. */
const MAX_TRACKED = 10_000;
/** A limited client's refusals with one status are logged at most this often. */
export const LOG_EVERY_MS = 60_000;

interface Entry {
  tokens: number;
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

  constructor(private readonly log: LogRefusal) {}

  /** Counts one request: 0 when within `rate`, else the ms until a token is back. */
  take(client: Client, now: number, rate: { perSecond: number; burst: number } | null): number {
    if (!client.limited || rate === null) return 0;
    const e = this.entry(client.key, now);
    e.tokens = Math.min(rate.burst, e.tokens + ((now - e.at) / 1000) * rate.perSecond);
    e.at = now;
    if (e.tokens >= 1) {
      e.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - e.tokens) / rate.perSecond) * 1000);
  }

  /**
   * Counts one open connection or request of `client` until the returned release is called
   * (any number of times); null when the client already has `max` open.
   */
  enter(client: Client, max: number): (() => void) | null {
    if (!client.limited) return () => undefined;
    const n = this.open.get(client.key) ?? 0;
    if (n >= max) return null;
    this.open.set(client.key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(client.key) ?? 1) - 1;
      if (left > 0) this.open.set(client.key, left);
      else this.open.delete(client.key);
    };
  }

  /** Logs a refusal: always for this machine; for others once a minute per client and status. */
  refused(d: IncomingDelivery, client: Client, status: number, reason: string, now: number): void {
    if (!client.limited) {
      this.log(d, status, reason);
      return;
    }
    const logged = this.entry(client.key, now).logged;
    const last = logged.get(status);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.skipped++;
      return;
    }
    const note =
      last && last.skipped > 0
        ? `${last.skipped} more like it from ${client.key} since the previous one were not logged; one a minute is`
        : `at most one like it a minute from ${client.key} is logged`;
    logged.set(status, { at: now, skipped: 0 });
    this.log(d, status, `${reason} (${note})`);
  }

  /** Clients whose rate and log marks are kept now. */
  get tracked(): number {
    return this.entries.size;
  }

  private entry(key: string, now: number): Entry {
    let e = this.entries.get(key);
    if (e)
      this.entries.delete(key); // re-inserted below: the Map's order is recency
    else {
      e = { tokens: Infinity, at: now, logged: new Map() };
      if (this.entries.size >= MAX_TRACKED) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, e);
    return e;
  }
}
