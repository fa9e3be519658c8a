import { useState } from 'react';
import { useClient } from '../client-context';
import { errorText } from '../format/error-text';
import { forwardUrl } from '../../../shared/forward-url';
import type { Endpoint, EventDetail, ForwardAttempt } from '../../../shared/model';

type Headers = [string, string][];
type Edits = { method?: string; path?: string; headers?: Headers; body?: string };

/** Headers as the editor shows them: one `Name: value` per line, in received order. */
const headersToText = (headers: Headers): string =>
  headers.map(([n, v]) => `${n}: ${v}`).join('\n');

/** Parses the editor's header lines (blank lines skipped); a line without a name is an error. */
function parseHeaderLines(text: string): { headers: Headers } | { error: string } {
  const headers: Headers = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name || /\s/.test(name)) {
      return { error: `Header line ${i + 1} is not "Name: value": ${line.slice(0, 80)}` };
    }
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { headers };
}

const sameHeaders = (a: Headers, b: Headers): boolean =>
  a.length === b.length && a.every(([n, v], i) => n === b[i]![0] && v === b[i]![1]);

/**
 * Where Send will go, by the engine's own rule (`forwardUrl`): the typed URL or the endpoint's
 * forward target as a base, the path's part after the endpoint's prefix and the query under it.
 */
function destination(
  typed: string,
  endpoint: Endpoint | undefined,
  path: string,
  edited: boolean,
  query: string,
): { url: string } | { note: string } {
  if (!endpoint) {
    return { note: "This event's endpoint is gone: the engine matches its path again on Send." };
  }
  const target = typed || endpoint.forwardTo;
  if (!target) {
    return {
      note: `Nowhere to send yet: type your app's URL (endpoint "${endpoint.name}" has no forward target).`,
    };
  }
  const r = forwardUrl({
    target,
    endpointPath: endpoint.path,
    path,
    query,
    pathLabel: edited ? 'edited path' : 'received path',
    targetLabel: typed ? 'replay target' : 'forward target',
  });
  return r.ok ? { url: r.url } : { note: r.refused };
}

/**
 * Sends the open event again, now: to a URL or the endpoint's forward target, optionally
 * re-signed with a fresh timestamp (and a new delivery id) so the app's verifier accepts it,
 * and optionally edited first (method, path, headers, body; only changed fields are sent).
 */
export function ReplayPanel({
  detail,
  endpoint,
  onSent,
  onClose,
}: {
  detail: EventDetail;
  endpoint: Endpoint | undefined;
  onSent: () => void;
  onClose: () => void;
}) {
  const client = useClient();
  const [target, setTarget] = useState('');
  const [resign, setResign] = useState((endpoint?.secretCount ?? 0) > 0);
  const [newId, setNewId] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ForwardAttempt | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const originalHeaders = headersToText(detail.headers);
  const bodyText = detail.body.text;
  const [method, setMethod] = useState(detail.method);
  const [path, setPath] = useState(detail.path);
  const [headerText, setHeaderText] = useState(originalHeaders);
  const [body, setBody] = useState(bodyText ?? '');

  /** The changed fields only, or an error for headers that do not parse. */
  const collectEdits = (): { edits: Edits } | { error: string } => {
    const edits: Edits = {};
    if (!editing) return { edits };
    const m = method.trim();
    if (m && m !== detail.method) edits.method = m;
    if (path !== detail.path) edits.path = path;
    if (headerText !== originalHeaders) {
      const parsed = parseHeaderLines(headerText);
      if ('error' in parsed) return parsed;
      if (!sameHeaders(parsed.headers, detail.headers)) edits.headers = parsed.headers;
    }
    if (bodyText !== undefined && body !== bodyText) edits.body = body;
    return { edits };
  };

  const send = async (): Promise<void> => {
    const collected = collectEdits();
    if ('error' in collected) {
      setResult(null);
      setError(collected.error);
      return;
    }
    const { edits } = collected;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const attempt = await client.replayEvent({
        id: detail.id,
        ...(target.trim() ? { targetUrl: target.trim() } : {}),
        ...(resign ? { resign: true, newDeliveryId: newId } : {}),
        ...(Object.keys(edits).length > 0 ? { edits } : {}),
      });
      setResult(attempt);
      onSent();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const reset = (): void => {
    setMethod(detail.method);
    setPath(detail.path);
    setHeaderText(originalHeaders);
    setBody(bodyText ?? '');
  };

  const pathEdited = editing && path !== detail.path;
  const goesTo = destination(
    target.trim(),
    endpoint,
    pathEdited ? path : detail.path,
    pathEdited,
    detail.query,
  );
  // What an empty field really does: the URL the forward target gives for this event.
  const empty = destination('', endpoint, detail.path, false, detail.query);
  const emptyGoesTo =
    'url' in empty
      ? `Empty: sends to ${empty.url}`
      : endpoint && !endpoint.forwardTo
        ? 'No forward target: enter a URL'
        : `Enter a URL (${empty.note})`;
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
        placeholder={emptyGoesTo}
        title="A base, like a forward target: the path after the endpoint's prefix and the query go under it"
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
      <label className="check" title="Change the method, path, headers or body before sending">
        <input
          type="checkbox"
          checked={editing}
          data-testid="replay-edit"
          onChange={(e) => setEditing(e.target.checked)}
        />
        Edit before sending
      </label>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="replay-send">
        {busy ? 'Sending…' : 'Send'}
      </button>
      <button type="button" className="btn btn-link" onClick={onClose}>
        Close
      </button>
      {editing && (
        <div className="replay-edit" data-testid="replay-editor">
          <div className="replay-edit-line">
            <label className="field replay-method">
              <span className="field-label">Method</span>
              <input
                className="mono"
                value={method}
                maxLength={20}
                data-testid="replay-edit-method"
                onChange={(e) => setMethod(e.target.value)}
              />
            </label>
            <label className="field replay-path">
              <span className="field-label">Path</span>
              <input
                className="mono"
                value={path}
                maxLength={2000}
                data-testid="replay-edit-path"
                title={`Its part after the endpoint's path${endpoint ? ` (${endpoint.path})` : ''} goes under the target`}
                onChange={(e) => setPath(e.target.value)}
              />
            </label>
          </div>
          <label className="field">
            <span className="field-label">Headers (one “Name: value” per line, in order)</span>
            <textarea
              className="mono"
              rows={Math.min(12, Math.max(3, detail.headers.length + 1))}
              spellCheck={false}
              value={headerText}
              data-testid="replay-edit-headers"
              onChange={(e) => setHeaderText(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">Body</span>
            <textarea
              className="mono"
              rows={8}
              spellCheck={false}
              value={body}
              disabled={bodyText === undefined}
              data-testid="replay-edit-body"
              onChange={(e) => setBody(e.target.value)}
            />
            {bodyText === undefined && (
              <span className="muted small" data-testid="replay-edit-body-note">
                This body is not UTF-8 text, so it cannot be edited here; it is sent byte for byte
                as received.
              </span>
            )}
          </label>
          <div className="replay-edit-line">
            <span className="muted small">
              Only the fields you change are sent as edits; the stored event is not modified.
            </span>
            <span className="toolbar-spacer" />
            <button type="button" className="btn btn-small" onClick={reset}>
              Reset to original
            </button>
          </div>
        </div>
      )}
      {/* A refusal is said once: after Send, by the engine's answer, not also by the preview. */}
      {('url' in goesTo || !error) && (
        <p className="replay-result muted" data-testid="replay-url">
          {'url' in goesTo ? `Sends to ${goesTo.url}` : goesTo.note}
        </p>
      )}
      {(result || error) && (
        <p
          className={`replay-result ${ok ? 'ok' : 'bad'}`}
          data-testid="replay-result"
          role="status"
          // The answer comes into view, below an open editor too.
          ref={(el) => el?.scrollIntoView({ block: 'nearest' })}
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
