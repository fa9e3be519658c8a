import type { Push } from '../shared/contract';

/** One native notification. */
export interface Note {
  title: string;
  body: string;
}

export interface NotifierDeps {
  /** Read at every batch, so the menu's toggle takes effect at once. */
  enabled(): boolean;
  show(note: Note): void;
  now?: () => number;
  /** Only deliveries received this recently are news (older ones are re-published changes). */
  freshMs?: number;
  /** At most one notification of each kind this often; the ones in between are summed up. */
  everyMs?: number;
}

type Summary = Push<'events.batch'>['items'][number];

const MAX_REMEMBERED = 2_000;

/** A set that forgets its oldest entries past `max`. */
function boundedSet(max: number): { has(k: string): boolean; add(k: string): void } {
  const s = new Set<string>();
  return {
    has: (k) => s.has(k),
    add(k) {
      s.add(k);
      if (s.size > max) s.delete(s.values().next().value!);
    },
  };
}

const describe = (s: Summary): string => `${s.method} ${s.path}`;

/** The words for one kind of notification: one event, several at once, several held back. */
interface Kind {
  one(s: Summary): Note;
  many(n: number): Note;
  more(n: number): Note;
}

const INVALID: Kind = {
  one: (s) => ({
    title: 'Invalid signature',
    body: `${describe(s)}${s.signature.provider ? ` (${s.signature.provider})` : ''}`,
  }),
  many: (n) => ({ title: 'Invalid signatures', body: `${n} deliveries failed verification` }),
  more: (n) => ({
    title: 'Invalid signatures',
    body: `${n} more deliveries with invalid signatures`,
  }),
};

const DEAD: Kind = {
  one: (s) => ({ title: 'Forward dead-lettered', body: `${describe(s)} gave up after retries` }),
  many: (n) => ({ title: 'Forwards dead-lettered', body: `${n} forwards gave up after retries` }),
  more: (n) => ({
    title: 'Forwards dead-lettered',
    body: `${n} more forwards gave up after retries`,
  }),
};

/**
 * Shows one kind of notification at most once per `everyMs`: what comes in between is held
 * back and summed up in one notification when the time is up ("12 more deliveries with
 * invalid signatures"), so a sender cannot flood the desktop.
 */
function throttled(kind: Kind, deps: NotifierDeps, now: () => number, everyMs: number) {
  let lastAt = -Infinity;
  let held = 0;
  let first: Summary | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    timer = null;
    const [n, s] = [held, first];
    [held, first] = [0, null];
    if (n === 0 || !deps.enabled()) return;
    deps.show(n === 1 ? kind.one(s!) : kind.more(n));
    lastAt = now();
  };
  return (items: Summary[]): void => {
    if (timer === null && now() - lastAt >= everyMs) {
      deps.show(items.length === 1 ? kind.one(items[0]!) : kind.many(items.length));
      lastAt = now();
      return;
    }
    held += items.length;
    first ??= items[0]!;
    timer ??= setTimeout(flush, lastAt + everyMs - now());
    timer.unref?.();
  };
}

/**
 * A listener for `events.batch` that turns it into native notifications of two kinds: new
 * deliveries whose signature is invalid, and forwards that were dead-lettered (gave up after
 * their retries). Each kind is shown at most once per 10 s (the rest summed up in the next),
 * each event announced once per kind; nothing is shown while `enabled()` is false.
 */
export function createNotifier(deps: NotifierDeps): (batch: Push<'events.batch'>) => void {
  const now = deps.now ?? Date.now;
  const freshMs = deps.freshMs ?? 60_000;
  const everyMs = deps.everyMs ?? 10_000;
  const invalidSeen = boundedSet(MAX_REMEMBERED);
  const deadSeen = boundedSet(MAX_REMEMBERED);
  const showInvalid = throttled(INVALID, deps, now, everyMs);
  const showDead = throttled(DEAD, deps, now, everyMs);
  return ({ items }) => {
    if (!deps.enabled()) return;
    const invalid: Summary[] = [];
    const dead: Summary[] = [];
    for (const s of items) {
      if (
        s.signature?.status === 'invalid' &&
        !invalidSeen.has(s.id) &&
        now() - Date.parse(s.receivedAt) <= freshMs
      ) {
        invalidSeen.add(s.id);
        invalid.push(s);
      }
      if (s.forward?.status === 'dead' && !deadSeen.has(s.id)) {
        deadSeen.add(s.id);
        dead.push(s);
      }
    }
    if (invalid.length > 0) showInvalid(invalid);
    if (dead.length > 0) showDead(dead);
  };
}
