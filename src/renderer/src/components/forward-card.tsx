import { useState } from 'react';
import type { Endpoint, EventDetail, ForwardAttempt } from '../../../shared/model';
import { formatTimestamp } from '../format/format';

function Response({ f }: { f: ForwardAttempt }) {
  if (!f.response) return <p className="muted small">No response recorded.</p>;
  return (
    <pre className="code small" data-testid="forward-response">
      {f.response.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}
      {'\n\n'}
      {f.response.text ?? `[${f.response.base64.length} base64 characters of binary data]`}
      {f.response.truncated ? '\n[… cut at 64 KB]' : ''}
    </pre>
  );
}

/** Forward and replay attempts to the developer's app, each with what the app answered. */
export function ForwardCard({
  detail,
  endpoint,
}: {
  detail: EventDetail;
  endpoint: Endpoint | undefined;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const shown = detail.forwards.find((f) => f.id === open);
  return (
    <section className="card" data-testid="forward-card">
      <h3>Forwarding</h3>
      {detail.forwards.length === 0 ? (
        <p className="muted">
          {endpoint?.forwardTo
            ? `Forwarded to ${endpoint.forwardTo}: no attempt recorded yet.`
            : 'Not forwarded. Set a forward target on the endpoint to pass deliveries on to your app, or replay it.'}
        </p>
      ) : (
        <table className="attempts">
          <thead>
            <tr>
              <th>#</th>
              <th>Kind</th>
              <th>Target</th>
              <th>Result</th>
              <th>Time</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {detail.forwards.map((f) => (
              <tr
                key={f.id}
                className={f.id === open ? 'attempt-open' : undefined}
                title="Show the response"
                onClick={() => setOpen(f.id === open ? null : f.id)}
              >
                <td>{f.attempt}</td>
                <td>{f.kind}</td>
                <td className="mono">{f.targetUrl}</td>
                <td className={f.status !== null && f.status < 300 ? 'ok' : 'bad'}>
                  {f.status ?? f.error ?? 'failed'}
                </td>
                <td>{Math.round(f.durationMs)} ms</td>
                <td>{formatTimestamp(f.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && <Response f={shown} />}
    </section>
  );
}
