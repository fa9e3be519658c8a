import { useClient } from '../client-context';
import { useLoad } from '../hooks/use-load';
import { diffRows } from '../model/panels';

const show = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v));

/**
 * How the pinned event (a) and the open one (b) differ: request line, headers by name and the
 * body (JSON changes by pointer, text as removed/inserted runs). Everything is text.
 */
export function DiffPanel({ a, b, onClose }: { a: string; b: string; onClose: () => void }) {
  const client = useClient();
  const { data: diff, error } = useLoad(() => client.diffEvents({ a, b }), [client, a, b]);
  const rows = diff ? diffRows(diff) : [];
  return (
    <div className="replay-panel" data-testid="diff-panel">
      <div className="body-toolbar">
        <strong>Diff with the pinned event</strong>
        <span className="toolbar-spacer" />
        <button type="button" className="btn btn-small" onClick={onClose}>
          Close
        </button>
      </div>
      {error && (
        <p className="notice notice-bad" role="alert">
          {error}
        </p>
      )}
      <p className="muted small" data-testid="diff-sides">
        <span className="diff-remove">− before: the pinned event</span> <code>{a}</code> ·{' '}
        <span className="diff-add">+ after: the open event</span> <code>{b}</code>
      </p>
      {diff && (
        <>
          <table className="kv" data-testid="diff-heads">
            {rows.length > 0 && (
              <thead>
                <tr>
                  <th />
                  <th scope="col">Pinned (before)</th>
                  <th scope="col">Open (after)</th>
                </tr>
              </thead>
            )}
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td className="muted">Same request line and headers.</td>
                </tr>
              )}
              {rows.map(([kind, name, before, after], i) => (
                <tr key={i} className={`diff-${kind}`}>
                  <th className="mono">{name}</th>
                  <td className="mono">{before}</td>
                  <td className="mono">{after}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div data-testid="diff-body">
            {diff.body.kind === 'same' && <p className="muted">Bodies are identical.</p>}
            {diff.body.kind === 'binary' && (
              <p className="muted">
                Binary bodies differ ({diff.body.beforeSize} → {diff.body.afterSize} bytes).
              </p>
            )}
            {diff.body.kind === 'json' && (
              <ul className="mono diff-list">
                {diff.body.changes.map((c, i) => (
                  <li key={i} className={`diff-${c.op}`}>
                    {c.op} {c.path}
                    {c.op !== 'add' ? ` ${show(c.before)}` : ''}
                    {c.op === 'replace' ? ' →' : ''}
                    {c.op !== 'remove' ? ` ${show(c.after)}` : ''}
                  </li>
                ))}
              </ul>
            )}
            {diff.body.kind === 'text' && (
              <pre className="mono diff-text">
                {diff.body.chunks.map((c, i) =>
                  c.op === 0 ? (
                    <span key={i}>{c.text}</span>
                  ) : c.op === -1 ? (
                    <del key={i}>{c.text}</del>
                  ) : (
                    <ins key={i}>{c.text}</ins>
                  ),
                )}
              </pre>
            )}
          </div>
        </>
      )}
    </div>
  );
}
