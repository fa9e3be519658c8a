import { useState } from 'react';
import { useClient } from '../client-context';
import type { Output } from '../../../shared/contract';
import { errorText } from '../format/error-text';
import { useLoad } from '../hooks/use-load';
import { sampleTarget } from '../model/panels';
import { Modal } from './modal';

/** Pick a sample and an endpoint, send it, see whether it was signed and what came back. */
export function SampleDialog({ onClose }: { onClose: () => void }) {
  const client = useClient();
  const loaded = useLoad(
    () => Promise.all([client.listSamples({}), client.listEndpoints({})]),
    [client],
  );
  const samples = loaded.data?.[0].items ?? [];
  const endpoints = loaded.data?.[1].items ?? [];
  /** The sample chosen; null: the first one. */
  const [picked, setPicked] = useState<string | null>(null);
  const sample = picked ?? samples[0]?.id ?? '';
  /** The endpoint chosen; null: the sample's provider's endpoint with a secret, else the default. */
  const [chosen, setChosen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Output<'sendSample'> | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const error = failed ?? loaded.error;
  const { endpointId, defaultLabel } = sampleTarget(samples, endpoints, sample, chosen);
  const send = async (): Promise<void> => {
    setBusy(true);
    setFailed(null);
    setAnswer(null);
    try {
      setAnswer(await client.sendSample({ sample, ...(endpointId ? { endpointId } : {}) }));
    } catch (err) {
      setFailed(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Send a sample delivery"
      testId="sample-dialog"
      className="modal-small"
      onClose={onClose}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <label className="field">
          <span className="field-label">Sample</span>
          <select
            value={sample}
            data-testid="sample-select"
            onChange={(e) => setPicked(e.target.value)}
          >
            {samples.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title} ({s.provider})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Endpoint</span>
          <select
            value={endpointId}
            data-testid="sample-endpoint"
            onChange={(e) => setChosen(e.target.value)}
          >
            {/* The default endpoint once: as the empty choice, not again in the list. */}
            <option value="">{defaultLabel}</option>
            {endpoints
              .filter((e) => e.path !== '/')
              .map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name} ({e.path})
                </option>
              ))}
          </select>
        </label>
        <div className="modal-foot">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || !sample}
            data-testid="sample-send"
          >
            {busy ? 'Sending…' : 'Send'}
          </button>
        </div>
      </form>
      {error && (
        <p className="notice notice-bad" role="alert">
          {error}
        </p>
      )}
      {answer && (
        <p
          className={`notice${answer.error ? ' notice-bad' : ''}`}
          role="status"
          data-testid="sample-answer"
        >
          {answer.signed ? 'Signed' : 'Unsigned'} · sent to <code>{answer.url}</code> ·{' '}
          {answer.error ? `failed: ${answer.error}` : `answered ${answer.status}`}
        </p>
      )}
    </Modal>
  );
}
