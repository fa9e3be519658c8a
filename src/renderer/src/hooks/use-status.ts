import { useEffect, useState } from 'react';
import type { Output } from '../../../shared/contract';
import type { Client } from '../../../shared/dispatch';
import type { TunnelState } from '../../../shared/model';
import { useLoad } from './use-load';

type Status = Output<'getStatus'>;
/** The stored-event count is refreshed at most this often while deliveries arrive. */
const REFRESH_MS = 250;

/** Engine status (receiver URL, event count, tunnel), kept current from the pushes. */
export function useStatus(client: Client): {
  status: Status | null;
  tunnel: TunnelState | null;
  setTunnel: (t: TunnelState) => void;
} {
  const [tunnel, setTunnel] = useState<TunnelState | null>(null);
  const { data, update } = useLoad(() => client.getStatus(), [client], {
    keep: true,
    refreshOn: ['events.batch', 'events.deleted', 'events.reset'],
    coalesceMs: REFRESH_MS,
    onData: (s) => setTunnel(s.tunnel),
  });
  useEffect(() => {
    const offs = [
      client.on('tunnel.state', (t) => setTunnel(t)),
      client.on('receiver.health', (health) => update((s) => ({ ...s, health }))),
      client.on('deadLetters.changed', ({ count }) =>
        update((s) => ({ ...s, deadLetters: count })),
      ),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [client, update]);
  return { status: data ?? null, tunnel, setTunnel };
}
