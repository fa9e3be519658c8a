import type { FeatureHandlers } from '../../shared/dispatch';
import type { eventsCommands } from '../../shared/events-contract';
import { HookscopeError } from '../../shared/errors';
import type { EventLog } from '../store/ports';
import { diffEvents } from './diff-events';

/** Comparing two stored events. */
export function createDiffHandlers(
  events: EventLog,
): Pick<FeatureHandlers<typeof eventsCommands>, 'diffEvents'> {
  return {
    diffEvents: async ({ a, b }) => {
      const [ea, eb] = await Promise.all([events.get(a), events.get(b)]);
      if (!ea) throw new HookscopeError('not_found', `no event "${a}"`);
      if (!eb) throw new HookscopeError('not_found', `no event "${b}"`);
      return diffEvents(ea, eb);
    },
  };
}
