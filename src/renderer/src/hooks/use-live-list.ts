import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Client } from '../../../shared/dispatch';
import type { Filter } from '../../../shared/filters';
import { LiveList, type ListSnapshot } from '../model/live-list';

/**
 * The live event list for `filter`, paused or not; see LiveList. `started`: a list already
 * started for this filter (main.tsx asks for the first page before the first render).
 */
export function useLiveList(
  client: Client,
  filter: Filter,
  paused: boolean,
  started?: LiveList,
): { list: LiveList; snap: ListSnapshot } {
  const [list] = useState(() => started ?? new LiveList(client, filter));
  useEffect(() => {
    list.start();
    return () => list.stop();
  }, [list]);
  useEffect(() => list.setFilter(filter), [list, filter]);
  useEffect(() => list.setPaused(paused), [list, paused]);
  const snap = useSyncExternalStore(list.subscribe, list.getSnapshot);
  return { list, snap };
}
