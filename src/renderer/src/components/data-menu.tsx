import { useRef, useState, type ReactNode } from 'react';
import { useClient } from '../client-context';
import type { Output } from '../../../shared/contract';
import { errorText } from '../format/error-text';
import { useDismiss } from '../hooks/use-dismiss';
import { useLoad } from '../hooks/use-load';
import { Modal } from './modal';

type Format = 'har' | 'ndjson';

/** The format of an export file: by its name, else by its content. */
export function importFormat(name: string, content: string): Format {
  if (/\.har$/i.test(name)) return 'har';
  if (/\.(nd)?jsonl?$/i.test(name) && !/\.json$/i.test(name)) return 'ndjson';
  return /^\s*\{\s*"log"\s*:/.test(content) ? 'har' : 'ndjson';
}

/** Hands `content` to the browser as a download named `name`. */
function download(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The top bar's data menu: export the log (HAR or NDJSON, as `exportEvents` and the CLI),
 * import an export, and send a sample delivery to an endpoint.
 */
export function DataMenu() {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [sampling, setSampling] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const file = useRef<HTMLInputElement>(null);
  useDismiss(box, open, () => setOpen(false));

  const run = async (what: () => Promise<string>): Promise<void> => {
    setBusy(true);
    setResult(null);
    try {
      setResult({ ok: true, text: await what() });
    } catch (err) {
      setResult({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const exportAs = (format: Format): Promise<void> =>
    run(async () => {
      const { content, count } = await client.exportEvents({ format });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      download(
        `hookscope-${stamp}.${format}`,
        content,
        format === 'har' ? 'application/json' : 'application/x-ndjson',
      );
      return `Exported ${count} ${count === 1 ? 'event' : 'events'} as ${format.toUpperCase()}.`;
    });
  const importFile = (f: File): Promise<void> =>
    run(async () => {
      const content = await f.text();
      const format = importFormat(f.name, content);
      const r = await client.importEvents({ format, content });
      let what = `Imported ${r.imported} ${r.imported === 1 ? 'event' : 'events'} from ${f.name}.`;
      if (r.skipped) {
        what += ` ${r.skipped} ${r.skipped === 1 ? 'was' : 'were'} already in the log (the same event id) and left out.`;
      }
      return r.note ? `${what} ${r.note}` : what;
    });

  return (
    <div className="data-menu" ref={box}>
      <button
        type="button"
        className="btn"
        aria-expanded={open}
        data-testid="open-data"
        title="Export, import, send a sample delivery"
        onClick={() => setOpen(!open)}
      >
        Data ▾
      </button>
      {open && (
        <div className="popover popover-right" role="menu" data-testid="data-menu">
          <div className="menu-items">
            <MenuItem testId="export-har" disabled={busy} onClick={() => void exportAs('har')}>
              Export HAR
            </MenuItem>
            <MenuItem
              testId="export-ndjson"
              disabled={busy}
              onClick={() => void exportAs('ndjson')}
            >
              Export NDJSON
            </MenuItem>
            <MenuItem testId="import-events" disabled={busy} onClick={() => file.current?.click()}>
              Import…
            </MenuItem>
            <MenuItem
              testId="send-sample"
              onClick={() => {
                setOpen(false);
                setSampling(true);
              }}
            >
              Send a sample…
            </MenuItem>
          </div>
          <p className="muted small">
            Exports hold the newest 1,000 events (the CLI&apos;s <code>events export</code> streams
            any number).
          </p>
          <input
            ref={file}
            type="file"
            hidden
            accept=".har,.ndjson,.jsonl,.json,application/json"
            data-testid="import-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
          {busy && <p className="muted">Working…</p>}
          {result && (
            <p
              className={`notice${result.ok ? '' : ' notice-bad'}`}
              role={result.ok ? 'status' : 'alert'}
              data-testid="data-result"
            >
              {result.text}
            </p>
          )}
        </div>
      )}
      {sampling && <SampleDialog onClose={() => setSampling(false)} />}
    </div>
  );
}

/** Pick a sample and an endpoint, send it, see whether it was signed and what came back. */
function SampleDialog({ onClose }: { onClose: () => void }) {
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
  const provider = samples.find((s) => s.id === sample)?.provider;
  // The default endpoint is the empty choice ('' sends to it), so it is never picked by id.
  const auto =
    endpoints.find((e) => e.provider === provider && e.secretCount > 0 && e.path !== '/')?.id ?? '';
  const endpointId = chosen ?? auto;
  const byDefault = endpoints.find((e) => e.path === '/');
  const defaultLabel = `${byDefault?.name ?? 'Default endpoint'} (/${byDefault && byDefault.secretCount > 0 ? '' : ', unsigned'})`;
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

/** One entry of the data menu. */
function MenuItem({
  testId,
  disabled = false,
  onClick,
  children,
}: {
  testId: string;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      role="menuitem"
      className="btn"
      disabled={disabled}
      data-testid={testId}
      onClick={onClick}
    >
      {children}
    </button>
  );
}
