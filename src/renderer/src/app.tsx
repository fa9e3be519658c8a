import { useEffect, useState } from 'react';
import type { Client } from '../../shared/dispatch';
import type { EventDetail } from '../../shared/model';
import { useEvents } from './use-events';

/** The minimal inspector: receiver URL, a live list of deliveries, and one event's detail. */
export function App({ client }: { client: Client }) {
  const { events, error } = useEvents(client);
  const [receiverUrl, setReceiverUrl] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<EventDetail | null>(null);

  useEffect(() => {
    client.getStatus().then(
      (s) => setReceiverUrl(s.receiverUrl),
      () => undefined,
    );
  }, [client]);

  useEffect(() => {
    if (!selected) return;
    let alive = true;
    client.getEvent({ id: selected }).then(
      (d) => alive && setDetail(d),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [client, selected]);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 12 }}>
      <header>
        <strong>Hookscope</strong> — send webhooks to{' '}
        <code data-testid="receiver-url">{receiverUrl}</code>{' '}
        <span data-testid="event-count">{events.length}</span> events
      </header>
      {error && <p role="alert">{error}</p>}
      <table data-testid="event-list">
        <tbody>
          {events.map((e) => (
            <tr
              key={e.id}
              data-testid="event-row"
              onClick={() => setSelected(e.id)}
              style={{ cursor: 'pointer', background: e.id === selected ? '#eef' : undefined }}
            >
              <td>{new Date(e.receivedAt).toLocaleTimeString()}</td>
              <td>{e.method}</td>
              <td data-testid="event-path">{e.path}</td>
              <td>{e.size} B</td>
              <td>{e.signature.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {detail && detail.id === selected && (
        <section data-testid="event-detail">
          <h2>
            {detail.method} {detail.path}
            {detail.query ? `?${detail.query}` : ''}
          </h2>
          <table>
            <tbody>
              {detail.headers.map(([n, v], i) => (
                <tr key={i}>
                  <th style={{ textAlign: 'left' }}>{n}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <pre data-testid="event-body">
            {detail.body.text ?? `(${detail.body.size} bytes of binary data)`}
          </pre>
        </section>
      )}
    </main>
  );
}
