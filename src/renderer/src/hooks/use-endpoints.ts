import { useCallback, useEffect, useState } from 'react';
import type { Client } from '../../../shared/dispatch';
import type { Endpoint } from '../../../shared/model';

/** The configured endpoints, with a reload after changes. */
export function useEndpoints(client: Client): { endpoints: Endpoint[]; reload: () => void } {
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    client.listEndpoints().then(
      (r) => alive && setEndpoints(r.items),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [client, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { endpoints, reload };
}
