import { useEffect, useRef, useState } from 'react';
import { useClient } from '../client-context';
import { useLoad } from '../hooks/use-load';
import { canResign, lastResult, purgeSummary, redriveInput } from '../model/panels';
import { redriveSummary } from '../model/redrive';
import { errorText } from '../format/error-text';
import type { DeadLetter, EventSummary } from '../../../shared/model';
import { signatureHelp, signaturePill } from '../format/signature-help';
import { MethodBadge } from './method-badge';
import { Pill } from './pill';
import { Modal } from './modal';
import { RelativeTime } from './relative-time';

const PAGE = 100;

/**
 * A dialog listing the forwards that gave up (dead letters), newest first, with redrive
 * (queue again) and purge (drop from the list; the event stays in the log), one or all.
 * Reloads when a forward attempt is recorded anywhere and after every action.
 */
export function DeadLettersPanel({
  onOpen,
  onClose,
}: {
  onOpen: (eventId: string) => void;
  onClose: () => void;
}) {
  const client = useClient();
  const [shown, setShown] = useState(PAGE);
  // Reloaded when a forward attempt anywhere may add or settle a dead letter, and when a redrive
  // or purge happens elsewhere (another window, the API); "Show more" keeps the list shown.
  const page = useLoad(
    () => client.listDeadLetters({ limit: Math.min(shown, 500) }),
    [client, shown],
    {
      keep: true,
      refreshOn: ['forward.attempt', 'deadLetters.changed'],
      coalesceMs: 200,
    },
  );
  const items = page.data?.items ?? null;
  const hasMore = page.data?.hasMore ?? false;
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmPurgeAll, setConfirmPurgeAll] = useState(false);
  const [resign, setResign] = useState(true);
  // An action's failure stays until the next action (the list's reload after it no longer
  // wipes it at once); else the list's own.
  const error = failed ?? page.error;
  // An action's result shows below the table (the rows stay where the pointer is). When the row
  // whose button had the focus went away with the action, the focus goes to the result.
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const at = document.activeElement;
    if ((notice || failed) && (at === null || at === document.body)) {
      result.current?.focus({ preventScroll: true });
    }
  }, [items, notice, failed]);

  const act = (run: () => Promise<string>): void => {
    setBusy(true);
    setFailed(null);
    setNotice(null);
    run().then(
      (message) => {
        setNotice(message);
        setBusy(false);
        setConfirmPurgeAll(false);
        page.reload();
      },
      (err: unknown) => {
        setFailed(errorText(err));
        setBusy(false);
        page.reload();
      },
    );
  };
  const resignable = canResign(items);
  const redrive = (ids: number[] | 'all'): void =>
    act(async () =>
      redriveSummary(await client.redriveDeadLetters(redriveInput(ids, resignable && resign))),
    );
  const purge = (ids: number[] | 'all'): void =>
    act(async () => {
      const r = await client.purgeDeadLetters(ids === 'all' ? { all: true } : { ids });
      return purgeSummary(r.purged);
    });

  const empty = items !== null && items.length === 0;
  return (
    <Modal
      title="Dead letters"
      subtitle="Forwards that gave up after their last attempt."
      testId="dead-letters-panel"
      onClose={onClose}
    >
      {items === null ? (
        <p className="muted">Loading…</p>
      ) : empty ? (
        <p className="muted" data-testid="dead-letters-empty">
          No dead letters: every forward was delivered or is still being retried.
        </p>
      ) : (
        <>
          <table className="endpoints dead-letters">
            <thead>
              <tr>
                <th>Event</th>
                <th title="Where its last attempt went. A redrive goes to its endpoint's forward target as it is now, and says where.">
                  Last sent to
                </th>
                <th>Attempts</th>
                <th>Last result</th>
                <th>When</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr
                  key={d.id}
                  data-testid="dead-letter-row"
                  className={d.event ? 'dead-letter-open' : undefined}
                  title={d.event ? 'Open this event' : 'The event is no longer in the log'}
                  onClick={() => {
                    if (!d.event) return;
                    onOpen(d.eventId);
                    onClose();
                  }}
                >
                  <td>
                    {d.event ? (
                      <DeadLetterEvent
                        e={d.event}
                        onOpen={() => {
                          onOpen(d.eventId);
                          onClose();
                        }}
                      />
                    ) : (
                      <span className="muted">Event deleted</span>
                    )}
                  </td>
                  <td className="mono">{d.targetUrl}</td>
                  <td>{d.attempts}</td>
                  <td className="bad mono">{lastResult(d)}</td>
                  <td>
                    <RelativeTime iso={d.updatedAt} />
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy}
                      data-testid="dead-letter-redrive"
                      title="Put this forward back in the queue"
                      aria-label={`Redrive ${rowName(d)}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        redrive([d.id]);
                      }}
                    >
                      Redrive
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy}
                      data-testid="dead-letter-purge"
                      title="Drop it from the dead letters (the event stays in the log)"
                      aria-label={`Purge ${rowName(d)}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        purge([d.id]);
                      }}
                    >
                      Purge
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {hasMore && (
            <div className="form-actions">
              <button type="button" className="btn" onClick={() => setShown(shown + PAGE)}>
                Show more
              </button>
            </div>
          )}
        </>
      )}
      <div className="dead-letters-foot">
        <div ref={result} tabIndex={-1} className="dead-letters-result">
          {error && (
            <p className="notice notice-bad" role="alert">
              {error}
            </p>
          )}
          {notice && (
            <p className="notice" role="status" data-testid="dead-letters-notice">
              {notice}
            </p>
          )}
        </div>
        {resignable && (
          <label className="check" data-testid="dead-letters-resign">
            <input type="checkbox" checked={resign} onChange={(e) => setResign(e.target.checked)} />{' '}
            Redrive re-signs with the endpoint&apos;s secret where it can (a fresh timestamp at each
            attempt, so your app&apos;s verifier does not refuse an old one)
          </label>
        )}
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy || empty || items === null}
            data-testid="dead-letters-redrive-all"
            onClick={() => redrive('all')}
          >
            Redrive all
          </button>
          {confirmPurgeAll ? (
            <button
              type="button"
              className="btn btn-danger"
              disabled={busy}
              data-testid="dead-letters-purge-all-confirm"
              onClick={() => purge('all')}
            >
              Confirm purge all
            </button>
          ) : (
            <button
              type="button"
              className="btn"
              disabled={busy || empty || items === null}
              data-testid="dead-letters-purge-all"
              onClick={() => setConfirmPurgeAll(true)}
            >
              Purge all
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}

/**
 * The event of a dead letter: what it was (method, path, event type), its signature verdict
 * and the sender's delivery id, so it can be told from its neighbours without opening it. The
 * path is a button: the row opens by keyboard as well as by a click anywhere on it.
 */
function DeadLetterEvent({ e, onOpen }: { e: EventSummary; onOpen: () => void }) {
  const sig = signaturePill(e.signature.status);
  return (
    <>
      <MethodBadge method={e.method} />{' '}
      <button
        type="button"
        className="btn-link mono"
        data-testid="dead-letter-open"
        title="Open this event"
        aria-label={`Open ${e.method} ${e.path}${e.idempotency.deliveryId ? ` (${e.idempotency.deliveryId})` : ''}`}
        onClick={(ev) => {
          ev.stopPropagation();
          onOpen();
        }}
      >
        {e.path}
      </button>
      {e.eventType && <span className="mono muted small"> {e.eventType}</span>}
      <div className="dead-letter-facts small">
        {sig && (
          <Pill
            tone={sig.tone}
            title={signatureHelp(e.signature.status, e.signature.provider).title}
          >
            {sig.label}
          </Pill>
        )}
        {e.idempotency.deliveryId && (
          <span
            className="mono muted"
            data-testid="dead-letter-delivery-id"
            title="The sender's delivery id"
          >
            {e.idempotency.deliveryId}
          </span>
        )}
      </div>
    </>
  );
}

/** A dead letter in words, for its row's buttons (a screen reader hears which row). */
function rowName(d: DeadLetter): string {
  if (!d.event) return `the forward of a deleted event to ${d.targetUrl}`;
  const id = d.event.idempotency.deliveryId;
  return `${d.event.method} ${d.event.path}${id ? ` (${id})` : ''}`;
}
