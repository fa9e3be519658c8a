import type { Output } from '../../shared/contract';
import type { Handlers } from '../../shared/dispatch';
import { HookscopeError } from '../../shared/errors';
import type { EventDetail } from '../../shared/model';
import type { EventStore } from '../store/event-store';
import type { ImportedDelivery } from './formats';
import { fromHar, fromNdjson, toHar, toNdjson } from './formats';

/** Export to and import from HAR 1.2 and NDJSON. */
export function createTransferHandlers(deps: {
  events: EventStore;
  /** Stores the items; answers how many, and what retention will do to them. */
  store: (items: ImportedDelivery[]) => Promise<Output<'importEvents'>>;
}): Pick<Handlers, 'exportEvents' | 'importEvents'> {
  return {
    exportEvents: ({ format, ids, limit }) => {
      const list =
        ids ??
        deps.events
          .list({ limit: limit ?? 1000 })
          .items.map((e) => e.id)
          .reverse();
      const events: EventDetail[] = [];
      for (const id of list) {
        const e = deps.events.get(id);
        if (!e) throw new HookscopeError('not_found', `no event "${id}"`);
        events.push(e);
      }
      return { content: format === 'har' ? toHar(events) : toNdjson(events), count: events.length };
    },
    importEvents: async ({ format, content }) => {
      let items: ImportedDelivery[];
      try {
        items = format === 'har' ? fromHar(content) : fromNdjson(content);
      } catch (err) {
        throw new HookscopeError('bad_input', `cannot import ${format}: ${(err as Error).message}`);
      }
      return await deps.store(items);
    },
  };
}
