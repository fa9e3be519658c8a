import { useEffect } from 'react';
import type { Client } from '../../../shared/dispatch';
import type { Endpoint } from '../../../shared/model';
import { applyEndpointChange } from '../model/panels';
import { useLoad } from './use-load';

const NONE: Endpoint[] = [];

/**
 * The configured endpoints, kept current from `endpoints.changed` pushes (a change made in
 * another window or through the API shows at once), with a reload after changes. Pushes that
 * arrive while the list loads are applied to it once it is there.
 */
export function useEndpoints(client: Client): { endpoints: Endpoint[]; reload: () => void } {
  const { data, reload, update } = useLoad(
    () => client.listEndpoints().then((r) => r.items),
    [client],
  );
  useEffect(
    () =>
      client.on('endpoints.changed', (change) =>
        update((list) => applyEndpointChange(list, change)),
      ),
    [client, update],
  );
  return { endpoints: data ?? NONE, reload };
}
