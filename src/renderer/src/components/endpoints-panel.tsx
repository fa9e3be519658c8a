import { useState } from 'react';
import { useClient } from '../client-context';
import type { Endpoint } from '../../../shared/model';
import { providerName } from '../format/provider-names';
import { EndpointForm } from './endpoint-form';
import { Modal } from './modal';

/** A dialog listing endpoints, with create, edit, delete and a check-up of each. */
export function EndpointsPanel({
  endpoints,
  onChanged,
  onCheckup,
  onClose,
}: {
  endpoints: Endpoint[];
  onChanged: () => void;
  /** Opens the check-up of this endpoint's receiver. */
  onCheckup: (endpointId: string) => void;
  onClose: () => void;
}) {
  const client = useClient();
  // The id being edited: the form gets the endpoint as it is now, kept live by pushes.
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ name: string; warnings: string[] } | null>(null);
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
    <Modal
      title="Endpoints"
      subtitle="A path prefix with its provider, secrets, forward target and response."
      testId="endpoints-panel"
      onClose={onClose}
    >
      {error && <p className="notice notice-bad">{error}</p>}
      {!editing && saved && saved.warnings.length > 0 && (
        <div className="notice notice-warn" role="status" data-testid="ep-warnings">
          Saved endpoint "{saved.name}", with{' '}
          {saved.warnings.length === 1 ? 'a warning' : 'warnings'}:
          <ul>
            {saved.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {editing ? (
        <EndpointForm
          key={editing}
          endpoint={editing === 'new' ? undefined : endpoints.find((e) => e.id === editing)}
          editing={editing !== 'new'}
          onDone={(result) => {
            setEditing(null);
            setSaved(result ?? null);
            if (result) onChanged();
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
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="endpoint-checkup"
                      title="Grade the receiver this endpoint forwards to"
                      onClick={() => onCheckup(e.id)}
                    >
                      Check-up
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => {
                        setSaved(null);
                        setEditing(e.id);
                      }}
                    >
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
              onClick={() => {
                setSaved(null);
                setEditing('new');
              }}
            >
              New endpoint
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}
