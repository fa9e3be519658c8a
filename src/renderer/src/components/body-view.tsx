import { useMemo, useState } from 'react';
import { MAX_FORM_FIELDS, readFormFields } from '../../../shared/form';
import { bodyKind } from '../format/body-kind';
import { formatBytes } from '../format/format';
import { parseJson } from '../format/json-parse';
import { prettyJson } from '../format/json-pretty';
import { prettyXml } from '../format/xml-pretty';
import { ChunkedText } from './chunked-text';
import { CopyButton } from './copy-button';
import { HexView } from './hex-view';
import { JsonTree } from './json-tree';
import { KvTable } from './kv-table';
import { ModeSwitch } from './mode-switch';

/** Above this, structured views are built only when asked for. */
export const LARGE_BODY = 1024 * 1024;

type Mode = 'tree' | 'pretty' | 'table' | 'raw' | 'hex';
const LABELS: Record<Mode, string> = {
  tree: 'Tree',
  pretty: 'Pretty',
  table: 'Table',
  raw: 'Raw',
  hex: 'Hex',
};

/**
 * One body in the view that suits it: JSON as a tree or re-indented text, form fields as a
 * table, XML indented, text as is, binary as hex. Everything is rendered as text.
 */
export function BodyView({
  base64,
  size,
  text,
  contentType,
}: {
  base64: string;
  size: number;
  text: string | undefined;
  contentType: string | null;
}) {
  const kind = bodyKind(contentType, text, size);
  const large = size > LARGE_BODY;
  const modes: Mode[] =
    kind === 'json'
      ? ['tree', 'pretty', 'raw', 'hex']
      : kind === 'form'
        ? ['table', 'raw', 'hex']
        : kind === 'xml'
          ? ['pretty', 'raw', 'hex']
          : kind === 'binary'
            ? ['hex']
            : ['raw', 'hex'];
  const [mode, setMode] = useState<Mode>(
    large || kind === 'text' ? (kind === 'binary' ? 'hex' : 'raw') : modes[0]!,
  );
  const json = useMemo(
    () =>
      kind === 'json' && (mode === 'tree' || mode === 'pretty') ? parseJson(text ?? '') : null,
    [kind, mode, text],
  );
  const derived = useMemo(() => {
    if (mode === 'pretty' && json?.ok) return prettyJson(text ?? '');
    if (mode === 'pretty' && kind === 'xml') return prettyXml(text ?? '');
    return null;
  }, [mode, json, kind, text]);

  if (kind === 'empty')
    return (
      <p className="muted" data-testid="event-body-empty">
        No body.
      </p>
    );
  return (
    <div className="body-view">
      <div className="body-toolbar">
        <ModeSwitch modes={modes} value={mode} onChange={setMode} labels={LABELS} />
        <span className="muted">
          {formatBytes(size)}
          {large && mode !== 'raw' && mode !== 'hex' ? ' · large body: built on request' : ''}
        </span>
        <span className="toolbar-spacer" />
        {text !== undefined ? (
          <CopyButton text={() => text} label="Copy body" testId="copy-body" />
        ) : (
          <CopyButton text={() => base64} label="Copy as base64" testId="copy-body" />
        )}
      </div>
      {json && !json.ok && (
        <p className="notice notice-warn" data-testid="json-error">
          Not valid JSON ({json.error} at character {json.offset}); shown as text.
        </p>
      )}
      {mode === 'tree' && json?.ok && <JsonTree root={json.value} nodes={json.nodes} />}
      {mode === 'table' && <FormTable text={text ?? ''} />}
      {mode === 'hex' && <HexView base64={base64} />}
      {derived !== null && (
        <ChunkedText key={`d${mode}`} text={derived} testId="event-body-pretty" />
      )}
      {(mode === 'raw' || (json && !json.ok)) && text !== undefined && (
        <ChunkedText key="raw" text={text} testId="event-body" />
      )}
    </div>
  );
}

/** A form body's fields as a table: the first MAX_FORM_FIELDS, saying so when there are more. */
function FormTable({ text }: { text: string }) {
  const form = useMemo(() => readFormFields(text), [text]);
  return (
    <>
      {form.more && (
        <p className="notice notice-warn" data-testid="form-cut">
          First {MAX_FORM_FIELDS.toLocaleString('en-US')} fields shown: the form has more. Switch to
          Raw to see all of it.
        </p>
      )}
      <KvTable rows={form.fields} empty="No fields." testId="form-table" />
    </>
  );
}
