import { IMPORTED_TITLE, Pill } from './pill';
import { useState } from 'react';
import type { Endpoint } from '../../../shared/model';
import type { OpenEvent } from '../hooks/use-event-detail';
import { formatBytes } from '../format/format';
import { rawRequest } from '../format/raw-request';
import { BodyLoading, BodyTab } from './body-tab';
import { ChunkedText } from './chunked-text';
import { CopyButton } from './copy-button';
import { DetailActions } from './detail-actions';
import { DiffPanel } from './diff-panel';
import { KvTable } from './kv-table';
import { MethodBadge } from './method-badge';
import { OverviewTab } from './overview-tab';
import { ReplayPanel } from './replay-panel';
import { RelativeTime } from './relative-time';

export type DetailTab = 'overview' | 'body' | 'headers' | 'query' | 'raw';

/** The open event: title, actions and the Overview/Body/Headers/Query/Raw tabs. */
export function DetailPane({
  detail,
  receiverUrl,
  endpoint,
  tab,
  onTab,
  onOpen,
  onDelete,
  onFilterJob,
  onFilterType,
  onChanged,
  pinned,
  onPin,
  onCheckup,
}: {
  detail: OpenEvent;
  receiverUrl: string;
  endpoint: Endpoint | undefined;
  tab: DetailTab;
  onTab: (t: DetailTab) => void;
  onOpen: (id: string) => void;
  onDelete: () => void;
  onFilterJob: (jobId: string) => void;
  onFilterType: (eventType: string) => void;
  /** The event gained a forward attempt (a replay): fetch it again. */
  onChanged: () => void;
  pinned: string | null;
  onPin: (id: string | null) => void;
  /** Opens the check-up with this delivery as the payload. */
  onCheckup: () => void;
}) {
  // The one panel open under the title: Replay or the diff, not both.
  const [panel, setPanel] = useState<'replay' | 'diff' | null>(null);
  const replaying = panel === 'replay';
  const close = (): void => setPanel(null);
  const query = [...new URLSearchParams(detail.query).entries()];
  const tabs: { id: DetailTab; label: string }[] = [
    { id: 'overview', label: 'Overview' },
    { id: 'body', label: 'Body' },
    { id: 'headers', label: `Headers (${detail.headers.length})` },
    { id: 'query', label: `Query${query.length ? ` (${query.length})` : ''}` },
    { id: 'raw', label: 'Raw' },
  ];
  return (
    <section className="detail" data-testid="event-detail">
      <header className="detail-head">
        <h2 className="detail-title" data-testid="detail-title">
          <MethodBadge method={detail.method} />{' '}
          <span className="mono">
            {detail.path}
            {detail.query ? `?${detail.query}` : ''}
          </span>
        </h2>
        <div className="detail-meta">
          {detail.eventType && (
            <span className="mono detail-type" title={detail.eventType} data-testid="detail-type">
              {detail.eventType}
            </span>
          )}
          {detail.imported && (
            <span data-testid="detail-imported-tag">
              <Pill tone="info" title={IMPORTED_TITLE}>
                imported: verdict as exported
              </Pill>
            </span>
          )}
          <RelativeTime iso={detail.receivedAt} />
          <span>{formatBytes(detail.body.size)}</span>
          <span className="toolbar-spacer" />
          <DetailActions
            detail={detail}
            receiverUrl={receiverUrl}
            onDelete={onDelete}
            onReplay={() => setPanel(replaying ? null : 'replay')}
            pinned={pinned}
            onPin={onPin}
            onDiff={() => setPanel('diff')}
            onCheckup={onCheckup}
          />
        </div>
        {replaying && !detail.body.complete && <BodyLoading body={detail.body} />}
        {replaying && detail.body.complete && (
          <ReplayPanel
            key={detail.id}
            detail={detail}
            endpoint={endpoint}
            onSent={onChanged}
            onClose={close}
          />
        )}
        {panel === 'diff' && pinned && pinned !== detail.id && (
          <DiffPanel key={detail.id} a={pinned} b={detail.id} onClose={close} />
        )}
      </header>
      <nav className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? 'tab tab-on' : 'tab'}
            data-testid={`tab-${t.id}`}
            onClick={() => onTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <div className="tab-body" role="tabpanel">
        {tab === 'overview' && (
          <OverviewTab
            onChanged={onChanged}
            detail={detail}
            receiverUrl={receiverUrl}
            endpoint={endpoint}
            onOpen={onOpen}
            onFilterJob={onFilterJob}
            onFilterType={onFilterType}
          />
        )}
        {tab === 'body' && <BodyTab key={detail.id} detail={detail} />}
        {tab === 'headers' && (
          <div className="tab-pad">
            <div className="body-toolbar">
              <span className="muted">In received order, exactly as sent.</span>
              <span className="toolbar-spacer" />
              <CopyButton
                text={() => detail.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}
                label="Copy headers"
              />
            </div>
            <KvTable rows={detail.headers} empty="No headers." testId="headers-table" />
          </div>
        )}
        {tab === 'query' && (
          <div className="tab-pad">
            {detail.query && <p className="mono break small">?{detail.query}</p>}
            <KvTable rows={query} empty="No query string." testId="query-table" />
          </div>
        )}
        {tab === 'raw' && (
          <div className="tab-pad">
            <div className="body-toolbar">
              <span className="muted">
                The request as it arrived (HTTP/1.1 framing shown for reading).
              </span>
              <span className="toolbar-spacer" />
              {detail.body.complete && (
                <CopyButton text={() => rawRequest(detail)} label="Copy raw" />
              )}
            </div>
            {detail.body.complete ? (
              <ChunkedText key={detail.id} text={rawRequest(detail)} testId="raw-request" />
            ) : (
              <BodyLoading body={detail.body} />
            )}
          </div>
        )}
      </div>
    </section>
  );
}
