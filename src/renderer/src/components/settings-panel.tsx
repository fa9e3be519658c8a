import { ChangedElsewhere } from './changed-elsewhere';
import { useClient } from '../client-context';
import { useFirstErrorInView } from '../hooks/use-first-error';
import { useEffect, useState, type ReactNode } from 'react';
import type { SettingsView } from '../../../shared/model';
import { errorText } from '../format/error-text';
import { rebaseDraft, resolve } from '../model/rebase';
import {
  fromDraft,
  SETTINGS_FIELD_LABELS,
  SETTINGS_FIELDS,
  toDraft,
  type SettingsDraft,
} from '../model/settings-draft';
import { Field } from './field';
import { Modal } from './modal';

type Errors = Partial<Record<keyof SettingsDraft, string>>;

/**
 * Retention, forwarding and the receiver's limits on a public URL. The form saves against the
 * version it was filled from: settings saved elsewhere meanwhile (another window, the API)
 * show a banner offering to reload, and a save refused as a conflict keeps the edits.
 */
export function SettingsPanel({ onClose }: { onClose: () => void }) {
  const client = useClient();
  const [d, setD] = useState<SettingsDraft | null>(null);
  const [base, setBase] = useState<SettingsView | null>(null);
  const [live, setLive] = useState<SettingsView | null>(null);
  /** Fields taken from a change made elsewhere, merged into the form (the banner names them). */
  const [merged, setMerged] = useState<(keyof SettingsDraft)[] | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  // After a failed save, the first failing field comes into view, focused.
  const formRef = useFirstErrorInView(errors);
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
  // Saved elsewhere: the draft is rebased onto the new version. Without overlap that happens at
  // once (the user's edits kept, the rest taken); with overlap the banner asks per field.
  const rebased =
    d && base && live && live.rev > base.rev
      ? rebaseDraft(toDraft(base), d, toDraft(live), SETTINGS_FIELDS)
      : null;
  if (rebased && live && rebased.conflicts.length === 0) {
    setBase(live);
    setD(rebased.draft);
    setMerged(rebased.taken);
  }
  const conflicts = rebased?.conflicts ?? [];

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
      setMerged(null);
      setMessage({ ok: true, text: 'Saved. The new limits apply now.' });
    } catch (err) {
      // A conflict keeps the edits as typed; the banner merges them with the other change.
      setMessage({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const num = (
    field: Exclude<keyof SettingsDraft, 'paused' | 'rateLimited'>,
    hint?: string,
    disabled = false,
  ): ReactNode =>
    d && (
      <Field label={SETTINGS_FIELD_LABELS[field]} error={errors[field]} {...(hint ? { hint } : {})}>
        <input
          inputMode="decimal"
          value={d[field]}
          disabled={disabled}
          data-testid={`set-${field}`}
          onChange={(e) => {
            setD({ ...d, [field]: e.target.value });
            // Its message went with the value it was about.
            if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
          }}
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
          ref={formRef}
          className="settings-form"
          onSubmit={(ev) => {
            ev.preventDefault();
            void save();
          }}
        >
          {rebased && live && conflicts.length > 0 && (
            <ChangedElsewhere
              what="The settings were changed elsewhere."
              testId="settings"
              labels={SETTINGS_FIELD_LABELS}
              taken={rebased.taken}
              conflicts={conflicts}
              onApply={(choice) => {
                setBase(live);
                setD(resolve(rebased, choice));
                setMerged(rebased.taken);
                setErrors({});
                setMessage(null);
              }}
              onDismiss={() => setMerged(null)}
            />
          )}
          {conflicts.length === 0 && merged && (
            <ChangedElsewhere
              what="The settings were changed elsewhere."
              testId="settings"
              labels={SETTINGS_FIELD_LABELS}
              taken={merged}
              conflicts={[]}
              onApply={() => undefined}
              onDismiss={() => setMerged(null)}
            />
          )}
          <h3>Log</h3>
          <div className="form-grid">
            {num('maxEvents', 'Oldest removed first; blank: no limit.')}
            {num('maxAgeDays', 'Blank: forever.')}
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
            {num('concurrency')}
            {num('forwardTimeoutSec')}
            {num('maxAttempts')}
          </div>
          <h3>Receiver limits</h3>
          <p className="muted">
            What a public URL refuses, each with a clear status. 413/431/429 refusals are kept in
            the log without their body.
          </p>
          <div className="form-grid">
            {num('maxBodyMb', 'Larger: 413.')}
            {num('maxHeaders', 'More: 431.')}
            {num('maxHeaderKb', 'More: 431. Applies at the next start.')}
            {num('headersTimeoutSec', 'Slower clients: 408.')}
            {num('requestTimeoutSec', 'Slower: 408.')}
            {num('keepAliveSec')}
            {num('maxConnections', 'More: 503 + Retry-After.')}
            {num(
              'maxConnectionsPerClient',
              'Tunnel and LAN only; more: 503 + Retry-After, closed at once.',
            )}
            {num('minFreeDiskMb', 'Below it: 507, senders retry later.')}
            <label className="check">
              <input
                type="checkbox"
                checked={d.rateLimited}
                data-testid="set-rateLimited"
                onChange={(e) => setD({ ...d, rateLimited: e.target.checked })}
              />{' '}
              Rate-limit each client IP (tunnel and LAN; never this machine)
            </label>
            {num('perSecond', 'Over it: 429 + Retry-After.', !d.rateLimited)}
            {num('burst', undefined, !d.rateLimited)}
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
              disabled={busy || conflicts.length > 0}
              title={conflicts.length > 0 ? 'Choose yours or theirs above first' : undefined}
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
