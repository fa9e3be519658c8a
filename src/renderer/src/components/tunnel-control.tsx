import { useEffect, useRef, useState } from 'react';
import { useClient } from '../client-context';
import { useDismiss } from '../hooks/use-dismiss';
import { useLoad } from '../hooks/use-load';
import { errorText } from '../format/error-text';
import { DiscardBar } from './modal';
import { TunnelOptionsForm, type TunnelOptionsHandle } from './tunnel-options-form';
import type { TunnelSettings, TunnelState } from '../../../shared/model';

/** Where the configured authtoken comes from, in words (never the token). */
export function authtokenText(a: TunnelSettings['authtoken'] | undefined): string {
  if (!a) return 'Authtoken: …';
  if (!a.configured || !a.source) return 'Authtoken: not configured';
  const from =
    a.source === 'settings'
      ? 'from settings'
      : a.source === 'env'
        ? 'from NGROK_AUTHTOKEN'
        : `from the ngrok config file${a.path ? ` ${a.path}` : ''}`;
  return `Authtoken: configured (${from})`;
}

/** Of two versions of the tunnel settings, the later one. */
const newer = (a: TunnelSettings, b: TunnelSettings): TunnelSettings => (a.rev > b.rev ? a : b);

const LABEL: Record<TunnelState['state'], string> = {
  off: 'Local only',
  connecting: 'Tunnel connecting…',
  online: 'Tunnel online',
  reconnecting: 'Tunnel reconnecting…',
  error: 'Tunnel failed',
};

/**
 * Tunnel state with start/stop, and a settings popover: the ngrok authtoken (it goes to the
 * engine only and never comes back to the UI) and the tunnel options.
 */
export function TunnelControl({
  tunnel,
  onState,
}: {
  tunnel: TunnelState | null;
  onState: (t: TunnelState) => void;
}) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const state = tunnel?.state ?? 'off';
  const running = state === 'online' || state === 'connecting' || state === 'reconnecting';
  const box = useRef<HTMLDivElement>(null);
  // The options part below: what was typed there and not saved yet goes with a start.
  const options = useRef<TunnelOptionsHandle>(null);
  // Closing with a typed authtoken or typed options asks first, as a dialog does.
  const [asking, setAsking] = useState(false);
  const close = (): void => {
    setOpen(false);
    setAsking(false);
    setError(null);
    setToken('');
  };
  const requestClose = (): void => {
    if (asking)
      setAsking(false); // Escape again while asking: keep editing
    else if (token.trim() || options.current?.unsaved()) setAsking(true);
    else close();
  };
  useDismiss(box, open, requestClose);
  // Whether an authtoken is configured and where from (the token itself never comes back).
  const settings = useLoad(() => client.getTunnelSettings({}), [client], {
    enabled: open,
    keep: true,
  });
  const authtoken = settings.data?.authtoken;
  const { update } = settings;
  useEffect(() => {
    if (!open) return;
    return client.on('tunnelSettings.changed', (t) => update((had) => newer(had, t)));
  }, [client, open, update]);
  const removeToken = async (): Promise<void> => {
    setError(null);
    try {
      const t = await client.saveTunnelSettings({ authtoken: null });
      update((had) => newer(had, t));
      setSaved('Authtoken removed from the settings.');
    } catch (err) {
      setError(errorText(err));
    }
  };

  const act = async (what: () => Promise<TunnelState>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const next = await what();
      onState(next);
      setOpen(next.state === 'error');
    } catch (err) {
      setError(errorText(err));
      setOpen(true);
    } finally {
      setBusy(false);
    }
  };
  /** Saves typed, unsaved options first (so this start uses them); false when they are refused. */
  const saveTypedOptions = async (): Promise<boolean> => {
    const form = open ? options.current : null;
    return !form?.unsaved() || (await form.save(true));
  };
  const start = async (): Promise<void> => {
    if (await saveTypedOptions()) await act(() => client.startTunnel({}));
  };
  const saveAndStart = async (): Promise<void> => {
    if (!(await saveTypedOptions())) return;
    await act(async () => {
      if (token.trim()) {
        await client.saveTunnelSettings({ authtoken: token });
        setToken('');
      }
      return client.startTunnel({});
    });
  };

  const problem = error ?? (state === 'error' ? (tunnel?.message ?? 'the tunnel failed') : null);
  return (
    <div className="tunnel-control" ref={box}>
      <span
        className={`tunnel tunnel-${state}`}
        data-testid="tunnel-state"
        title={
          tunnel?.hint ?? tunnel?.message ?? 'No public tunnel: reachable from this machine only'
        }
      >
        <span className="dot" aria-hidden="true" />
        {LABEL[state]}
      </span>
      <button
        type="button"
        className="btn btn-small"
        data-testid="tunnel-toggle"
        disabled={busy}
        onClick={() => void (running ? act(() => client.stopTunnel({})) : start())}
      >
        {busy ? '…' : running ? 'Stop' : 'Start tunnel'}
      </button>
      {!running && (
        <button
          type="button"
          className="btn btn-link btn-small"
          data-testid="tunnel-authtoken"
          onClick={() => (open ? requestClose() : setOpen(true))}
          title="Authtoken, domain, IP restrictions and the other tunnel options"
        >
          Options
        </button>
      )}
      {open && (
        <div
          className="popover tunnel-popover"
          role="dialog"
          aria-label="Tunnel"
          data-testid="tunnel-popover"
        >
          {asking && <DiscardBar onKeep={() => setAsking(false)} onDiscard={close} />}
          {problem && (
            <p className="notice notice-bad" role="alert">
              {problem}
              {tunnel?.hint && !error ? ` — ${tunnel.hint}` : ''}
            </p>
          )}
          <form
            onSubmit={(ev) => {
              ev.preventDefault();
              void saveAndStart();
            }}
          >
            <p className="authtoken-status" data-testid="tunnel-authtoken-status">
              {authtokenText(authtoken)}{' '}
              {authtoken?.source === 'settings' && (
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="tunnel-token-remove"
                  onClick={() => void removeToken()}
                >
                  Remove
                </button>
              )}
            </p>
            {authtoken?.configured && authtoken.source !== 'settings' && (
              <p className="field-hint">
                One saved here takes its place; to remove it, change{' '}
                {authtoken.source === 'env' ? 'the environment' : 'that file'}.
              </p>
            )}
            <label className="field">
              <span className="field-label">
                {authtoken?.configured ? 'Replace the ngrok authtoken' : 'ngrok authtoken'}
              </span>
              <input
                type="password"
                className="mono"
                autoComplete="off"
                value={token}
                data-testid="tunnel-token"
                placeholder="Paste it from dashboard.ngrok.com"
                onChange={(e) => setToken(e.target.value)}
              />
              <span className="field-hint">Kept by the engine; the UI never reads it back.</span>
            </label>
            <div className="form-actions">
              <button
                type="submit"
                className="btn btn-primary"
                disabled={busy || (!token.trim() && !authtoken?.configured)}
                title="Saves the authtoken and the options below, then starts the tunnel"
                data-testid="tunnel-save-start"
              >
                Save and start
              </button>
              <button type="button" className="btn" onClick={requestClose}>
                Close
              </button>
            </div>
          </form>
          {saved && (
            <p className="notice" role="status">
              {saved}
            </p>
          )}
          <TunnelOptionsForm ref={options} onSaved={setSaved} />
        </div>
      )}
    </div>
  );
}
