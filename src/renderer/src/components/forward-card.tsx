import { Fragment, useContext, useState } from 'react';
import { ClientContext } from '../client-context';
import type { Endpoint, EventDetail, ForwardAttempt } from '../../../shared/model';
import { errorText } from '../format/error-text';
import { formatTimestamp } from '../format/format';
import { redriveSummary } from '../model/redrive';

/** What an attempt got, in words: its status, or its error. */
const result = (f: ForwardAttempt): string => String(f.status ?? f.error ?? 'failed');

/** The response of one attempt, named ("Attempt 1 (live) · 400 · response"). */
function Response({ f }: { f: ForwardAttempt }) {
  return (
    <div className="attempt-response" data-testid="forward-response">
      <p className="attempt-response-head small" data-testid="forward-response-head">
        Attempt {f.attempt} ({f.kind}) · {result(f)} · response
      </p>
      {!f.response ? (
        <p className="muted small">No response recorded.</p>
      ) : (
        <pre className="code small">
          {f.response.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}
          {'\n\n'}
          {f.response.text ?? `[${f.response.base64.length} base64 characters of binary data]`}
          {f.response.truncated ? '\n[… cut at 64 KB]' : ''}
        </pre>
      )}
    </div>
  );
}

/**
 * Forward and replay attempts to the developer's app, each with what the app answered; when
 * the forward gave up (dead-lettered), says so and offers Redrive.
 */
export function ForwardCard({
  detail,
  endpoint,
  onChanged,
}: {
  detail: EventDetail;
  endpoint: Endpoint | undefined;
  onChanged?: (() => void) | undefined;
}) {
  // Redrive needs the engine; without one above (a static render), the card only reports.
  const client = useContext(ClientContext);
  const [open, setOpen] = useState<string | null>(null);
  const [redrive, setRedrive] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const canResign = detail.deadLetterResign?.possible === true;
  const [resign, setResign] = useState(true);
  const dead = detail.forward.status === 'dead';
  const last = detail.forwards.filter((f) => f.kind !== 'replay').at(-1);
  const doRedrive = (id: number): void => {
    if (!client) return;
    setBusy(true);
    client.redriveDeadLetters({ ids: [id], ...(canResign && resign ? { resign: true } : {}) }).then(
      (r) => {
        setRedrive({ ok: true, text: redriveSummary(r) });
        setBusy(false);
        onChanged?.();
      },
      (err: unknown) => {
        setRedrive({ ok: false, text: errorText(err) });
        setBusy(false);
      },
    );
  };
  return (
    <section className="card" data-testid="forward-card">
      <h3>Forwarding</h3>
      {dead && (
        <div className="notice notice-bad" data-testid="forward-gave-up">
          Gave up: this delivery is on the dead-letter list
          {last ? ` after attempt ${last.attempt} (${last.status ?? last.error ?? 'failed'})` : ''}.
          Nothing more is sent unless you redrive it (to the endpoint&apos;s forward target as it is
          now
          {endpoint?.forwardTo ? `: ${endpoint.forwardTo}` : ''}).{' '}
          {client && detail.deadLetterId !== undefined && canResign && (
            <label className="check" data-testid="forward-redrive-resign">
              <input
                type="checkbox"
                checked={resign}
                onChange={(e) => setResign(e.target.checked)}
              />{' '}
              Re-sign with the endpoint&apos;s secret (a fresh timestamp at each attempt)
            </label>
          )}{' '}
          {client && detail.deadLetterId !== undefined && (
            <button
              type="button"
              className="btn btn-small"
              data-testid="forward-redrive"
              disabled={busy}
              onClick={() => doRedrive(detail.deadLetterId!)}
            >
              Redrive
            </button>
          )}
          {detail.deadLetterResign && !detail.deadLetterResign.possible && (
            <span className="muted small" data-testid="forward-redrive-no-resign">
              {' '}
              Sent with its original signature (cannot re-sign: {detail.deadLetterResign.why}).
            </span>
          )}
        </div>
      )}
      {redrive && (
        <p
          className={`notice ${redrive.ok ? 'notice-good' : 'notice-bad'}`}
          role={redrive.ok ? 'status' : 'alert'}
          data-testid="forward-redrive-result"
        >
          {redrive.text}
        </p>
      )}
      {detail.forwards.length === 0 ? (
        <p className="muted">
          {endpoint?.forwardTo && detail.forward.status !== 'none'
            ? `Queued for ${endpoint.forwardTo}: no attempt recorded yet.`
            : endpoint?.forwardTo
              ? `Not forwarded (a duplicate the endpoint does not forward, an import, or it arrived before the endpoint had a forward target). Replay sends it to ${endpoint.forwardTo}.`
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
              <Fragment key={f.id}>
                <tr
                  className={f.id === open ? 'attempt-open' : undefined}
                  title={f.id === open ? 'Hide the response' : 'Show the response'}
                  data-testid="forward-attempt"
                  onClick={() => setOpen(f.id === open ? null : f.id)}
                >
                  <td>
                    {/* The row toggles on a click anywhere; this button by keyboard too. */}
                    <button
                      type="button"
                      className="btn-link"
                      data-testid="forward-attempt-toggle"
                      aria-expanded={f.id === open}
                      aria-label={`${f.id === open ? 'Hide' : 'Show'} the response to attempt ${f.attempt}`}
                      onClick={(ev) => {
                        ev.stopPropagation();
                        setOpen(f.id === open ? null : f.id);
                      }}
                    >
                      {f.id === open ? '▾' : '▸'} {f.attempt}
                    </button>
                  </td>
                  <td>
                    {f.kind}
                    {/* Who sent it, on a team server: "listener · by alice (laptop)". */}
                    {f.by && (
                      <span className="muted small" data-testid="forward-attempt-by">
                        {' '}
                        · by {f.by}
                      </span>
                    )}
                  </td>
                  <td className="mono">{f.targetUrl}</td>
                  <td className={f.status !== null && f.status < 300 ? 'ok' : 'bad'}>
                    {result(f)}
                  </td>
                  <td>{Math.round(f.durationMs)} ms</td>
                  <td>{formatTimestamp(f.at)}</td>
                </tr>
                {/* The response right under its own attempt, not under the whole table. */}
                {f.id === open && (
                  <tr className="attempt-response-row">
                    <td colSpan={6}>
                      <Response f={f} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
