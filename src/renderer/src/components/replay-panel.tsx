import { useState } from 'react';
import type { Client } from '../../../shared/dispatch';
import { errorText } from '../format/error-text';
import type { Endpoint, EventDetail, ForwardAttempt } from '../../../shared/model';

/**
 * Sends the open event again, now: to a URL or the endpoint's forward target, optionally
 * re-signed with a fresh timestamp (and a new delivery id) so the app's verifier accepts it.
 */
export function ReplayPanel({
  client,
  detail,
  endpoint,
  onSent,
  onClose,
}: {
  client: Client;
  detail: EventDetail;
  endpoint: Endpoint | undefined;
  onSent: () => void;
  onClose: () => void;
}) {
  const [target, setTarget] = useState('');
  const [resign, setResign] = useState((endpoint?.secretCount ?? 0) > 0);
  const [newId, setNewId] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ForwardAttempt | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const attempt = await client.replayEvent({
        id: detail.id,
        ...(target.trim() ? { targetUrl: target.trim() } : {}),
        ...(resign ? { resign: true, newDeliveryId: newId } : {}),
      });
      setResult(attempt);
      onSent();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const ok = result && result.status !== null && result.status < 300;
  return (
    <form
      className="replay"
      data-testid="replay-panel"
      onSubmit={(ev) => {
        ev.preventDefault();
        void send();
      }}
    >
      <input
        className="mono"
        value={target}
        data-testid="replay-target"
        aria-label="Replay to"
        placeholder={endpoint?.forwardTo ?? 'http://localhost:3000/webhooks'}
        onChange={(e) => setTarget(e.target.value)}
      />
      <label className="check" title="Sign again with the endpoint's secret and a fresh timestamp">
        <input type="checkbox" checked={resign} onChange={(e) => setResign(e.target.checked)} />
        Re-sign
      </label>
      <label
        className="check"
        title="Give the delivery a new id (else it tests the app's duplicate handling)"
      >
        <input
          type="checkbox"
          checked={newId}
          disabled={!resign}
          onChange={(e) => setNewId(e.target.checked)}
        />
        New delivery id
      </label>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="replay-send">
        {busy ? 'Sending…' : 'Send'}
      </button>
      <button type="button" className="btn btn-link" onClick={onClose}>
        Close
      </button>
      {(result || error) && (
        <p
          className={`replay-result ${ok ? 'ok' : 'bad'}`}
          data-testid="replay-result"
          role="status"
        >
          {error ??
            (result!.status !== null
              ? `${result!.targetUrl} answered ${result!.status} in ${Math.round(result!.durationMs)} ms`
              : `${result!.targetUrl}: ${result!.error ?? 'failed'}`)}
        </p>
      )}
    </form>
  );
}
