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

function summarize(items: Summary[], one: (s: Summary) => Note, many: (n: number) => Note): Note {
  return items.length === 1 ? one(items[0]!) : many(items.length);
}

/**
 * A push listener that turns `events.batch` into at most two native notifications per batch:
 * new deliveries whose signature is invalid, and forwards that were dead-lettered (gave up
 * after their retries). Each event is announced once per kind; nothing is shown while
 * `enabled()` is false. Other pushes are ignored.
 */
export function createNotifier(deps: NotifierDeps): (name: string, payload: unknown) => void {
  const now = deps.now ?? Date.now;
  const freshMs = deps.freshMs ?? 60_000;
  const invalidSeen = boundedSet(MAX_REMEMBERED);
  const deadSeen = boundedSet(MAX_REMEMBERED);
  return (name, payload) => {
    if (name !== 'events.batch' || !deps.enabled()) return;
    const items = (payload as Push<'events.batch'>).items ?? [];
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
    if (invalid.length > 0) {
      deps.show(
        summarize(
          invalid,
          (s) => ({
            title: 'Invalid signature',
            body: `${describe(s)}${s.signature.provider ? ` (${s.signature.provider})` : ''}`,
          }),
          (n) => ({ title: 'Invalid signatures', body: `${n} deliveries failed verification` }),
        ),
      );
    }
    if (dead.length > 0) {
      deps.show(
        summarize(
          dead,
          (s) => ({ title: 'Forward dead-lettered', body: `${describe(s)} gave up after retries` }),
          (n) => ({ title: 'Forwards dead-lettered', body: `${n} forwards gave up after retries` }),
        ),
      );
    }
  };
}
