import { useEffect, useState } from 'react';
import type { Client } from '../../shared/dispatch';
import type { EventSummary } from '../../shared/model';

/** Merges changed summaries into a newest-first list (by seq), replacing older versions. */
export function mergeSummaries(list: EventSummary[], changed: EventSummary[]): EventSummary[] {
  const byId = new Map(list.map((e) => [e.id, e]));
  for (const s of changed) {
    const old = byId.get(s.id);
    if (!old || old.rev <= s.rev) byId.set(s.id, s);
  }
  return [...byId.values()].sort((a, b) => b.seq - a.seq);
}

/** The latest page of events, kept live from the push stream. */
export function useEvents(client: Client): { events: EventSummary[]; error: string | null } {
  const [events, setEvents] = useState<EventSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    // Subscribe before loading so nothing committed in between is missed; merge dedupes.
    const offBatch = client.on('events.batch', (b) => setEvents((l) => mergeSummaries(l, b.items)));
    const offDeleted = client.on('events.deleted', (d) =>
      setEvents((l) => (d.all ? [] : l.filter((e) => !d.ids.includes(e.id)))),
    );
    const load = (): void => {
      client.listEvents({ limit: 200 }).then(
        (page) => alive && setEvents((l) => mergeSummaries(l, page.items)),
        (err: Error) => alive && setError(err.message),
      );
    };
    const offReset = client.on('events.reset', () => {
      setEvents([]);
      load();
    });
    load();
    return () => {
      alive = false;
      offBatch();
      offDeleted();
      offReset();
    };
  }, [client]);
  return { events, error };
}
