import { useCallback, useEffect, useState } from 'react';
import type { Client } from '../../../shared/dispatch';
import type { EventDetail } from '../../../shared/model';

/**
 * The full event (headers, body) for `id`, fetched when it is opened and again when its
 * summary changes (`rev`), e.g. a new forward attempt.
 */
export function useEventDetail(
  client: Client,
  id: string | null,
  rev: number | undefined,
): { detail: EventDetail | null; error: string | null; refresh: () => void } {
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{ detail: EventDetail | null; error: string | null }>({
    detail: null,
    error: null,
  });
  useEffect(() => {
    if (!id) return;
    let alive = true;
    client.getEvent({ id }).then(
      (detail) => alive && setState({ detail, error: null }),
      (err: Error) => alive && setState({ detail: null, error: err.message }),
    );
    return () => {
      alive = false;
    };
  }, [client, id, rev, tick]);
  const current = state.detail?.id === id ? state.detail : null;
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { detail: current, error: current ? null : state.error, refresh };
}
