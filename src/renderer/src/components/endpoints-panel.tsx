import { useEffect, useState } from 'react';
import type { Client } from '../../../shared/dispatch';
import type { Endpoint } from '../../../shared/model';
import { providerName } from '../format/provider-names';
import { EndpointForm } from './endpoint-form';

/** A dialog listing endpoints, with create, edit and delete. */
export function EndpointsPanel({
  client,
  endpoints,
  onChanged,
  onClose,
}: {
  client: Client;
  endpoints: Endpoint[];
  onChanged: () => void;
  onClose: () => void;
}) {
  const [editing, setEditing] = useState<Endpoint | 'new' | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const remove = (id: string): void => {
    client.deleteEndpoint({ id }).then(
      () => {
        setDeleting(null);
        onChanged();
      },
      (err: Error) => setError(err.message),
    );
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label="Endpoints"
        data-testid="endpoints-panel"
      >
        <header className="modal-head">
          <h2>Endpoints</h2>
          <span className="muted">
            A path prefix with its provider, secrets, forward target and response.
          </span>
          <span className="toolbar-spacer" />
          <button type="button" className="btn" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {error && <p className="notice notice-bad">{error}</p>}
        {editing ? (
          <EndpointForm
            key={editing === 'new' ? 'new' : editing.id}
            client={client}
            {...(editing === 'new' ? {} : { endpoint: editing })}
            onDone={() => {
              setEditing(null);
              onChanged();
            }}
          />
        ) : (
          <>
            <table className="endpoints">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Path</th>
                  <th>Provider</th>
                  <th>Secrets</th>
                  <th>Forward to</th>
                  <th>Answers</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {endpoints.map((e) => (
                  <tr key={e.id} data-testid="endpoint-row">
                    <td>{e.name}</td>
                    <td className="mono">{e.path}</td>
                    <td>{providerName(e.provider)}</td>
                    <td>{e.secretCount}</td>
                    <td className="mono">{e.forwardTo ?? '—'}</td>
                    <td className="mono">{e.response.status}</td>
                    <td className="row-actions">
                      <button type="button" className="btn btn-small" onClick={() => setEditing(e)}>
                        Edit
                      </button>
                      {e.path !== '/' &&
                        (deleting === e.id ? (
                          <button
                            type="button"
                            className="btn btn-small btn-danger"
                            onClick={() => remove(e.id)}
                          >
                            Confirm delete
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="btn btn-small"
                            onClick={() => setDeleting(e.id)}
                          >
                            Delete
                          </button>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="form-actions">
              <button
                type="button"
                className="btn btn-primary"
                data-testid="new-endpoint"
                onClick={() => setEditing('new')}
              >
                New endpoint
              </button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
