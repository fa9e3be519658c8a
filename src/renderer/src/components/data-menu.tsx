import { useRef, useState, type ReactNode } from 'react';
import { useClient } from '../client-context';
import { errorText } from '../format/error-text';
import { useDismiss } from '../hooks/use-dismiss';
import { importFormat, importSummary, type ImportFormat } from '../model/panels';

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
export function DataMenu({ onSendSample }: { onSendSample: () => void }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
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
  const exportAs = (format: ImportFormat): Promise<void> =>
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
      return importSummary(r, f.name);
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
                onSendSample();
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
    </div>
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
