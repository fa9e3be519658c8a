import { ChangedElsewhere } from './changed-elsewhere';
import { useEffect, useState, type ReactNode } from 'react';
import type { Client } from '../../../shared/dispatch';
import { HookscopeError } from '../../../shared/errors';
import type { SettingsView } from '../../../shared/model';
import { errorText } from '../format/error-text';
import { fromDraft, toDraft, type SettingsDraft } from '../model/settings-draft';
import { Field } from './field';
import { Modal } from './modal';

type Errors = Partial<Record<keyof SettingsDraft, string>>;

/**
 * Retention, forwarding and the receiver's limits on a public URL. The form saves against the
 * version it was filled from: settings saved elsewhere meanwhile (another window, the API)
 * show a banner offering to reload, and a save refused as a conflict keeps the edits.
 */
export function SettingsPanel({ client, onClose }: { client: Client; onClose: () => void }) {
  const [d, setD] = useState<SettingsDraft | null>(null);
  const [base, setBase] = useState<SettingsView | null>(null);
  const [live, setLive] = useState<SettingsView | null>(null);
  const [keepEditingAt, setKeepEditingAt] = useState<number | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let alive = true;
    const off = client.on('settings.changed', (s) => setLive((l) => (l && l.rev > s.rev ? l : s)));
    client.getSettings().then(
      (s) => {
        if (!alive) return;
        setBase(s);
        setLive((l) => (l && l.rev > s.rev ? l : s));
        setD(toDraft(s));
      },
      (err: unknown) => setMessage({ ok: false, text: errorText(err) }),
    );
    return () => {
      alive = false;
      off();
    };
  }, [client]);
  const changedElsewhere = base !== null && live !== null && live.rev > base.rev;
  const reload = (): void => {
    if (!live) return;
    setBase(live);
    setD(toDraft(live));
    setErrors({});
    setMessage(null);
    setKeepEditingAt(null);
  };

  const save = async (): Promise<void> => {
    if (!d || !base) return;
    const { settings, errors: found } = fromDraft(d, base);
    setErrors(found);
    setMessage(null);
    if (!settings) return;
    setBusy(true);
    try {
      const saved = await client.saveSettings({ ...settings, rev: base.rev });
      setBase(saved);
      setLive((l) => (l && l.rev > saved.rev ? l : saved));
      setD(toDraft(saved));
      setMessage({ ok: true, text: 'Saved. The new limits apply now.' });
    } catch (err) {
      // A conflict keeps the edits as typed; the banner offers to reload.
      if (err instanceof HookscopeError && err.code === 'conflict') setKeepEditingAt(null);
      setMessage({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const num = (
    field: Exclude<keyof SettingsDraft, 'paused' | 'rateLimited'>,
    label: string,
    hint?: string,
    disabled = false,
  ): ReactNode =>
    d && (
      <Field label={label} error={errors[field]} {...(hint ? { hint } : {})}>
        <input
          inputMode="decimal"
          value={d[field]}
          disabled={disabled}
          data-testid={`set-${field}`}
          onChange={(e) => setD({ ...d, [field]: e.target.value })}
        />
      </Field>
    );

  return (
    <Modal title="Settings" testId="settings-panel" onClose={onClose}>
      {!d ? (
        message ? (
          <p className="notice notice-bad">{message.text}</p>
        ) : (
          <p className="muted">Loading…</p>
        )
      ) : (
        <form
          className="settings-form"
          onSubmit={(ev) => {
            ev.preventDefault();
            void save();
          }}
        >
          {changedElsewhere && keepEditingAt !== live.rev && (
            <ChangedElsewhere
              what="The settings were changed elsewhere."
              testId="settings"
              onReload={reload}
              onKeepEditing={() => setKeepEditingAt(live.rev)}
            />
          )}
          <h3>Log</h3>
          <div className="form-grid">
            {num('maxEvents', 'Keep at most (events)', 'Oldest removed first; blank: no limit.')}
            {num('maxAgeDays', 'Keep for (days)', 'Blank: forever.')}
          </div>
          <h3>Forwarding</h3>
          <div className="form-grid">
            <label className="check">
              <input
                type="checkbox"
                checked={d.paused}
                onChange={(e) => setD({ ...d, paused: e.target.checked })}
              />{' '}
              Paused (deliveries queue and go out when resumed)
            </label>
            {num('concurrency', 'At once')}
            {num('forwardTimeoutSec', 'Timeout per attempt (s)')}
            {num('maxAttempts', 'Attempts before the dead-letter list')}
          </div>
          <h3>Receiver limits</h3>
          <p className="muted">
            What a public URL refuses, each with a clear status. 413/431/429 refusals are kept in
            the log without their body.
          </p>
          <div className="form-grid">
            {num('maxBodyMb', 'Largest body (MB)', 'Larger: 413.')}
            {num('maxHeaders', 'Most header fields', 'More: 431.')}
            {num('maxHeaderKb', 'Header bytes (KB)', 'More: 431. Applies at the next start.')}
            {num('headersTimeoutSec', 'Headers within (s)', 'Slower clients: 408.')}
            {num('requestTimeoutSec', 'Whole request within (s)', 'Slower: 408.')}
            {num('keepAliveSec', 'Idle keep-alive (s)')}
            {num('maxConnections', 'Open connections', 'More: 503 + Retry-After.')}
            {num(
              'maxConnectionsPerClient',
              'Open connections per client IP',
              'Tunnel and LAN only; more: 503 + Retry-After, closed at once.',
            )}
            {num(
              'minFreeDiskMb',
              'Free disk space to keep (MB)',
              'Below it: 507, senders retry later.',
            )}
            <label className="check">
              <input
                type="checkbox"
                checked={d.rateLimited}
                data-testid="set-rateLimited"
                onChange={(e) => setD({ ...d, rateLimited: e.target.checked })}
              />{' '}
              Rate-limit each client IP (tunnel and LAN; never this machine)
            </label>
            {num(
              'perSecond',
              'Requests per second per IP',
              'Over it: 429 + Retry-After.',
              !d.rateLimited,
            )}
            {num('burst', 'Burst per IP', undefined, !d.rateLimited)}
          </div>
          {message && (
            <p
              className={`notice ${message.ok ? 'notice-good' : 'notice-bad'}`}
              role={message.ok ? 'status' : 'alert'}
              data-testid="settings-message"
            >
              {message.text}
            </p>
          )}
          <div className="form-actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={busy}
              data-testid="settings-save"
            >
              Save settings
            </button>
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
