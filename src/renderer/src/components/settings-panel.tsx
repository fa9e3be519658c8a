import { RebaseBanner, revealBanner } from './changed-elsewhere';
import { useClient } from '../client-context';
import { useFirstErrorInView } from '../hooks/use-first-error';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { SettingsView } from '../../../shared/model';
import { errorText } from '../format/error-text';
import { useLoad } from '../hooks/use-load';
import { useRebasedDraft } from '../hooks/use-rebased-draft';
import {
  fromDraft,
  SETTINGS_FIELD_LABELS,
  SETTINGS_FIELDS,
  toDraft,
  type SettingsDraft,
} from '../model/settings-draft';
import { Field } from './field';
import { Modal, useModalClose, useUnsavedEdits } from './modal';

type Errors = Partial<Record<keyof SettingsDraft, string>>;

/** Of two versions of the settings, the later one. */
const newer = (a: SettingsView, b: SettingsView): SettingsView => (a.rev > b.rev ? a : b);

/**
 * Retention, forwarding and the receiver's limits on a public URL. The form saves against the
 * version it was filled from: settings saved elsewhere meanwhile (another window, the API)
 * show a banner offering to reload, and a save refused as a conflict keeps the edits.
 */
export function SettingsPanel({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Settings" testId="settings-panel" onClose={onClose}>
      <SettingsForm onClose={onClose} />
    </Modal>
  );
}

/** The settings panel's content, inside its dialog (so closing can ask about unsaved edits). */
function SettingsForm({ onClose }: { onClose: () => void }) {
  const client = useClient();
  // Close asks first while there are unsaved edits, as Escape and the backdrop do.
  const close = useModalClose(onClose);
  const [errors, setErrors] = useState<Errors>({});
  // After a failed save, the first failing field comes into view, focused.
  const formRef = useFirstErrorInView(errors);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // The settings as they are now: loaded, then kept current by pushes (the newest version wins).
  const live = useLoad(() => client.getSettings(), [client]);
  const { update } = live;
  useEffect(
    () => client.on('settings.changed', (s) => update((had) => newer(had, s))),
    [client, update],
  );
  // Saved elsewhere: the draft is rebased onto the new version (see useRebasedDraft).
  const form = useRebasedDraft(live.data, toDraft, SETTINGS_FIELDS, {
    // A message goes with the value it was about (only a change of messages re-renders).
    onEdit: (fields) => {
      if (!fields.some((f) => errors[f])) return;
      setErrors((had) => {
        const rest = { ...had };
        for (const f of fields) delete rest[f];
        return rest;
      });
    },
  });
  const { draft: d, base, conflicts, text, check } = form;
  useUnsavedEdits(form.dirty);

  // The changed-elsewhere banner: Save while its choice waits brings it into view instead.
  const banner = useRef<HTMLDivElement>(null);

  const save = async (): Promise<void> => {
    if (conflicts.length > 0) return revealBanner(banner.current);
    if (!d || !base) return;
    const { settings, errors: found } = fromDraft(d, base);
    setErrors(found);
    setMessage(null);
    if (!settings) return;
    setBusy(true);
    try {
      const saved = await client.saveSettings({ ...settings, rev: base.rev });
      update((had) => newer(had, saved));
      form.saved(saved);
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
          {...text(field)}
          disabled={disabled}
          data-testid={`set-${field}`}
        />
      </Field>
    );

  return (
    <>
      {!d ? (
        live.error ? (
          <p className="notice notice-bad">{live.error}</p>
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
          <RebaseBanner
            form={form}
            what="The settings were changed elsewhere."
            testId="settings"
            boxRef={banner}
            labels={SETTINGS_FIELD_LABELS}
            onApplied={() => {
              setErrors({});
              setMessage(null);
            }}
          />
          <h3>Log</h3>
          <div className="form-grid">
            {num('maxEvents', 'Oldest removed first; blank: no limit.')}
            {num('maxAgeDays', 'Blank: forever.')}
          </div>
          <h3>Forwarding</h3>
          <div className="form-grid">
            <label className="check">
              <input type="checkbox" {...check('paused')} /> Paused (deliveries queue and go out
              when resumed)
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
              <input type="checkbox" {...check('rateLimited')} data-testid="set-rateLimited" />{' '}
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
              disabled={busy}
              aria-describedby={conflicts.length > 0 ? 'settings-save-waits' : undefined}
              data-testid="settings-save"
            >
              Save settings
            </button>
            <button type="button" className="btn" onClick={close}>
              Close
            </button>
            {conflicts.length > 0 && (
              <span
                className="muted small"
                id="settings-save-waits"
                data-testid="settings-save-waits"
              >
                Apply your choice above first: Apply these choices, or keep mine or theirs for all.
              </span>
            )}
          </div>
        </form>
      )}
    </>
  );
}
