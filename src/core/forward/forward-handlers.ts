import type { Handlers } from '../../shared/dispatch';
import type { EndpointStore } from '../store/endpoint-store';
import type { EventStore } from '../store/event-store';
import type { ForwardStore } from '../store/forward-store';
import type { Clock } from '../types';
import type { Forwarder } from './forwarder';
import { replayEvent } from './replay';
import { toDeadLetter, toWireAttempt } from './wire';

export type ForwardCommand =
  'replayEvent' | 'replayEvents' | 'listDeadLetters' | 'redriveDeadLetters' | 'purgeDeadLetters';

/** Replay and the dead-letter list. */
export function createForwardHandlers(deps: {
  events: EventStore;
  endpoints: EndpointStore;
  forwards: ForwardStore;
  forwarder: Forwarder;
  clock: Clock;
  timeoutMs: () => number;
  published: (attempt: ReturnType<typeof toWireAttempt>) => void;
}): Pick<Handlers, ForwardCommand> {
  const { events, forwards, forwarder, clock } = deps;
  return {
    replayEvent: async (input) => {
      const attempt = toWireAttempt(await replayEvent(deps, input));
      deps.published(attempt);
      return attempt;
    },
    replayEvents: async ({ ids, ...options }) => {
      // Oldest first, so the app sees them in the order the provider sent them.
      const ordered = ids
        .map((id) => ({ id, seq: events.summary(id)?.seq }))
        .sort((x, y) => (x.seq ?? Infinity) - (y.seq ?? Infinity));
      const items = [];
      for (const { id } of ordered) {
        const attempt = toWireAttempt(await replayEvent(deps, { id, ...options }));
        deps.published(attempt);
        items.push(attempt);
      }
      return { items };
    },
    listDeadLetters: ({ limit = 100, beforeId }) => {
      const jobs = forwards.listDead(limit + 1, beforeId);
      return {
        items: jobs.slice(0, limit).map((j) => toDeadLetter(j, events.summary(j.eventId))),
        hasMore: jobs.length > limit,
      };
    },
    redriveDeadLetters: ({ ids, all }) => {
      const jobs = forwards.redrive(all ? 'all' : (ids ?? []), clock());
      for (const j of jobs) events.setForwardStatus(j.eventId, 'pending');
      forwarder.kick();
      return { redriven: jobs.length };
    },
    purgeDeadLetters: ({ ids, all }) => ({ purged: forwards.purge(all ? 'all' : (ids ?? [])) }),
  };
}
