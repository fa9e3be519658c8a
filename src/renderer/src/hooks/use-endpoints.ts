import { useCallback, useEffect, useState } from 'react';
import type { Push } from '../../../shared/contract';
import type { Client } from '../../../shared/dispatch';
import type { Endpoint } from '../../../shared/model';
import { applyEndpointChange } from '../model/endpoint-draft';

/**
 * The configured endpoints, kept current from `endpoints.changed` pushes (a change made in
 * another window or through the API shows at once), with a reload after changes.
 */
export function useEndpoints(client: Client): { endpoints: Endpoint[]; reload: () => void } {
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    // Pushes that arrive while the list loads are applied to it once it is there.
    const early: Push<'endpoints.changed'>[] = [];
    let loaded = false;
    const off = client.on('endpoints.changed', (change) => {
      if (!loaded) early.push(change);
      else setEndpoints((list) => applyEndpointChange(list, change));
    });
    client.listEndpoints().then(
      (r) => {
        if (!alive) return;
        loaded = true;
        setEndpoints(early.reduce(applyEndpointChange, r.items));
      },
      () => undefined,
    );
    return () => {
      alive = false;
      off();
    };
  }, [client, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { endpoints, reload };
}
