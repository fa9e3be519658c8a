import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { WorkspaceState } from '../../../shared/workspaces-contract';
import { useClient } from '../client-context';
import { errorText } from '../format/error-text';
import { useDismiss } from '../hooks/use-dismiss';

const CONNECTION_TEXT: Record<WorkspaceState['connection'], string> = {
  local: 'this computer',
  connecting: 'connecting…',
  online: 'connected',
  lost: 'connection lost, retrying',
};

/**
 * The desktop app's workspace switcher: Local (the app's own engine) or a saved Hookscope
 * server, and "Add a server…". Shown only where the shell offers workspaces: a Hookscope
 * server answers `listWorkspaces` with "only in the desktop app", and the switcher stays out.
 * After a switch everything on the page came from the other engine, so the page reloads.
 */
export function WorkspaceSwitcher({ fallback }: { fallback: ReactNode }) {
  const client = useClient();
  const [ws, setWs] = useState<WorkspaceState | null>(null);
  const [open, setOpen] = useState(false);
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = useRef<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useDismiss(box, open, () => setOpen(false));

  useEffect(() => {
    let off: (() => void) | null = null;
    let live = true;
    const take = (s: WorkspaceState): void => {
      shown.current ??= s.activeId;
      // Another engine now: what the page holds is the old one's.
      if (s.activeId !== shown.current) window.location.reload();
      else setWs(s);
    };
    client.listWorkspaces().then(
      (s) => {
        if (!live) return;
        take(s);
        off = client.on('workspace.changed', take);
      },
      () => undefined, // not the desktop app: no workspaces
    );
    return () => {
      live = false;
      off?.();
    };
  }, [client]);

  if (!ws) return <>{fallback}</>;
  const active = ws.workspaces.find((w) => w.id === ws.activeId);

  const act = async (what: () => Promise<WorkspaceState | void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const s = await what();
      if (s) {
        if (s.activeId !== shown.current) window.location.reload();
        else setWs(s);
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const add = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get('ca');
    void act(async () => {
      const ca = file instanceof File && file.size > 0 ? await file.text() : undefined;
      const added = await client.addWorkspace({
        name: String(form.get('name') ?? ''),
        url: String(form.get('url') ?? ''),
        token: String(form.get('token') ?? ''),
        ...(ca ? { ca } : {}),
      });
      setAdding(false);
      const made = added.workspaces.at(-1);
      return made ? client.switchWorkspace({ id: made.id }) : added;
    });
  };

  return (
    <div className="workspace-switcher" ref={box}>
      <button
        type="button"
        className={`btn workspace-button ws-${ws.connection}`}
        aria-expanded={open}
        aria-label={`Workspace: ${active?.name ?? ''} (${CONNECTION_TEXT[ws.connection]})`}
        title={ws.detail ?? `Showing ${active?.name ?? ''}: ${CONNECTION_TEXT[ws.connection]}`}
        data-testid="workspace-switch"
        onClick={() => setOpen(!open)}
      >
        <span className="ws-dot" aria-hidden="true" />
        <span data-testid="workspace-active">{active?.name}</span> ▾
      </button>
      {ws.connection === 'lost' && (
        <span className="ws-lost" role="status" data-testid="workspace-connection">
          Connection lost, retrying
        </span>
      )}
      {open && (
        <div className="popover workspace-menu" role="menu" data-testid="workspace-menu">
          <div className="menu-items">
            {ws.workspaces.map((w) => (
              <div className="ws-item" key={w.id}>
                <button
                  type="button"
                  role="menuitemradio"
                  aria-checked={w.id === ws.activeId}
                  className={`btn${w.id === ws.activeId ? ' btn-primary' : ''}`}
                  disabled={busy}
                  data-testid="workspace-option"
                  onClick={() => void act(() => client.switchWorkspace({ id: w.id }))}
                >
                  <span className="ws-name">{w.name}</span>
                  <span className="muted small ws-url">{w.url ?? 'this computer'}</span>
                </button>
                {w.kind === 'server' && (
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={busy}
                    aria-label={`Remove ${w.name}`}
                    title="Forget this server and its token"
                    data-testid="workspace-remove"
                    onClick={() => void act(() => client.removeWorkspace({ id: w.id }))}
                  >
                    ✕
                  </button>
                )}
              </div>
            ))}
            {!adding && (
              <button
                type="button"
                role="menuitem"
                className="btn"
                data-testid="workspace-add"
                onClick={() => setAdding(true)}
              >
                Add a server…
              </button>
            )}
          </div>
          {adding && (
            <form className="ws-form" onSubmit={add} data-testid="workspace-form">
              <label>
                Name
                <input name="name" placeholder="Team" required autoFocus />
              </label>
              <label>
                Server address
                <input name="url" placeholder="https://hooks.example.com" required />
              </label>
              <label>
                Access token
                <input name="token" type="password" autoComplete="off" required />
              </label>
              <label>
                CA certificate (optional, for a server with its own certificate)
                <input name="ca" type="file" accept=".pem,.crt,.cer" />
              </label>
              <p className="muted small">
                The token is kept in the OS keychain. The app checks the server answers before
                saving it.
              </p>
              <div className="ws-form-actions">
                <button type="submit" className="btn btn-primary" disabled={busy}>
                  Add and open
                </button>
                <button type="button" className="btn" onClick={() => setAdding(false)}>
                  Cancel
                </button>
              </div>
            </form>
          )}
          {busy && <p className="muted">Connecting…</p>}
          {error && (
            <p className="notice notice-bad" role="alert" data-testid="workspace-error">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
