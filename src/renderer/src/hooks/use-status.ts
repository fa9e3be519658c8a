import { useEffect, useState } from 'react';
import type { Output } from '../../../shared/contract';
import type { Client } from '../../../shared/dispatch';
import type { TunnelState } from '../../../shared/model';

type Status = Output<'getStatus'>;
/** The stored-event count is refreshed at most this often while deliveries arrive. */
const REFRESH_MS = 250;

/** Engine status (receiver URL, event count, tunnel), kept current from the pushes. */
export function useStatus(client: Client): {
  status: Status | null;
  tunnel: TunnelState | null;
  setTunnel: (t: TunnelState) => void;
} {
  const [status, setStatus] = useState<Status | null>(null);
  const [tunnel, setTunnel] = useState<TunnelState | null>(null);
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = (): void => {
      client.getStatus().then(
        (s) => {
          if (!alive) return;
          setStatus(s);
          setTunnel(s.tunnel);
        },
        () => undefined,
      );
    };
    const soon = (): void => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        refresh();
      }, REFRESH_MS);
    };
    const offs = [
      client.on('events.batch', soon),
      client.on('events.deleted', soon),
      client.on('events.reset', soon),
      client.on('tunnel.state', (t) => setTunnel(t)),
      client.on('receiver.health', (health) => setStatus((s) => (s ? { ...s, health } : s))),
      client.on('deadLetters.changed', ({ count }) =>
        setStatus((s) => (s ? { ...s, deadLetters: count } : s)),
      ),
    ];
    refresh();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
      for (const off of offs) off();
    };
  }, [client]);
  return { status, tunnel, setTunnel };
}
