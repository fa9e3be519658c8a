import type { FeatureHandlers } from '../../shared/dispatch';
import type { ListenerInfo, listenersCommands } from '../../shared/listeners-contract';
import type { Clock } from '../types';

/** A listener not heard of for this long is gone (it beats every 15 s). */
export const LISTENER_TIMEOUT_MS = 45_000;

/**
 * The `hookscope listen --server` processes connected to this instance, from their heartbeats,
 * in memory (per instance: on a shared PostgreSQL log each instance knows its own). Tells
 * `changed` the whole list when one arrives, leaves or times out.
 */
export class ListenerRegistry {
  private readonly items = new Map<string, ListenerInfo>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly changed: (items: ListenerInfo[]) => void,
  ) {}

  list(): ListenerInfo[] {
    this.expire();
    return [...this.items.values()].sort((a, b) => a.since.localeCompare(b.since));
  }

  beat(b: { id: string; name: string; path: string; forwardTo: string; leaving?: boolean }): void {
    this.expire();
    const now = new Date(this.clock()).toISOString();
    const had = this.items.get(b.id);
    if (b.leaving) {
      if (this.items.delete(b.id)) this.changed(this.list());
      return;
    }
    const same = had && had.name === b.name && had.path === b.path && had.forwardTo === b.forwardTo;
    this.items.set(b.id, {
      id: b.id,
      name: b.name,
      path: b.path,
      forwardTo: b.forwardTo,
      since: same ? had.since : now,
      lastSeen: now,
    });
    if (!same) this.changed(this.list());
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private expire(): void {
    const cutoff = this.clock() - LISTENER_TIMEOUT_MS;
    let gone = false;
    for (const [id, l] of this.items) {
      if (Date.parse(l.lastSeen) < cutoff) gone = this.items.delete(id) || gone;
    }
    if (gone) this.changed([...this.items.values()].sort((a, b) => a.since.localeCompare(b.since)));
  }

  /** Looks again when the oldest heartbeat runs out. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.items.size === 0) return;
    const oldest = Math.min(...[...this.items.values()].map((l) => Date.parse(l.lastSeen)));
    this.timer = setTimeout(
      () => {
        this.expire();
        this.schedule();
      },
      Math.max(0, oldest + LISTENER_TIMEOUT_MS - this.clock()) + 10,
    );
    this.timer.unref();
  }
}

export function createListenerHandlers(
  registry: ListenerRegistry,
): FeatureHandlers<typeof listenersCommands> {
  return {
    listenerHeartbeat: async (input) => {
      registry.beat(input);
      return { ok: true as const };
    },
    listListeners: async () => ({ items: registry.list() }),
  };
}
