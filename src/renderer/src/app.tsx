import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from './client-context';
import { ConfirmDialog } from './components/confirm-dialog';
import { formatTimestamp } from './format/format';
import type { CheckupTarget } from './components/checkup-panel';
import type { DetailTab } from './components/detail-pane';
import { EmptyState } from './components/empty-state';
import { EventList, type ListJumps } from './components/event-list';
import { FilterBar } from './components/filter-bar';
import { TopBar } from './components/top-bar';
import { HealthBanner } from './components/health-banner';
import { useEndpoints } from './hooks/use-endpoints';
import { useEventDetail } from './hooks/use-event-detail';
import { useHashState } from './hooks/use-hash-state';
import { useLiveList } from './hooks/use-live-list';
import type { LiveList } from './model/live-list';
import { useStatus } from './hooks/use-status';
import { pickEndpoint } from './model/panels';
import { EMPTY_FILTER, isEmptyFilter } from '../../shared/filters';
import { listCount } from './model/panels';

/**
 * What the first screen does not show (the open event, the dialogs) is in chunks of its own,
 * so the script run before the list's first rows is small; they are fetched once the first
 * rows are on screen and the page is idle (`preloadPanels`), so opening one does not wait.
 */
const PANELS = {
  detail: () => import('./components/detail-pane'),
  endpoints: () => import('./components/endpoints-panel'),
  checkup: () => import('./components/checkup-panel'),
  deadLetters: () => import('./components/dead-letters-panel'),
  sample: () => import('./components/sample-dialog'),
  settings: () => import('./components/settings-panel'),
};
const DetailPane = lazy(() => PANELS.detail().then((m) => ({ default: m.DetailPane })));
const EndpointsPanel = lazy(() => PANELS.endpoints().then((m) => ({ default: m.EndpointsPanel })));
const CheckupPanel = lazy(() => PANELS.checkup().then((m) => ({ default: m.CheckupPanel })));
const DeadLettersPanel = lazy(() =>
  PANELS.deadLetters().then((m) => ({ default: m.DeadLettersPanel })),
);
const SampleDialog = lazy(() => PANELS.sample().then((m) => ({ default: m.SampleDialog })));
const SettingsPanel = lazy(() => PANELS.settings().then((m) => ({ default: m.SettingsPanel })));
let preloaded = false;
function preloadPanels(): void {
  if (preloaded) return;
  preloaded = true;
  for (const load of Object.values(PANELS)) void load().catch(() => (preloaded = false));
}

/** The dialogs of the inspector; one at a time. */
type Dialog =
  | { kind: 'endpoints' }
  | { kind: 'checkup'; target: CheckupTarget }
  | { kind: 'deadLetters' }
  | { kind: 'settings' }
  | { kind: 'sample' }
  /** The open row the Delete key asked to remove, and the row to open after it. */
  | { kind: 'delete'; id: string; next: string | null };

/**
 * The inspector: top bar, filters, the live list and the open event. `startedList`: the list,
 * already loading its first page (main.tsx), for the filter in the URL.
 */
export function App({ startedList }: { startedList?: LiveList } = {}) {
  const client = useClient();
  const { filter, setFilter, selected, setSelected } = useHashState();
  const [paused, setPaused] = useState(false);
  const { list, snap } = useLiveList(client, filter, paused, startedList);
  const { status, tunnel, setTunnel } = useStatus(client);
  const { endpoints, reload: reloadEndpoints } = useEndpoints(client);
  const [tab, setTab] = useState<DetailTab>('overview');
  /** The one dialog shown, if any: opening one closes the other, Escape closes it. */
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = useCallback(() => setDialog(null), []);
  const [pinned, setPinned] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const jumps = useRef<ListJumps | null>(null);
  // A filter that hides the open event closes its detail, so Delete and the keys never act on
  // an event the list does not show: checked once the list has reloaded for the new filter.
  const filterKey = JSON.stringify(filter);
  const [seenFilter, setSeenFilter] = useState(filterKey);
  const [checkAfter, setCheckAfter] = useState<number | null>(null);
  if (seenFilter !== filterKey) {
    setSeenFilter(filterKey);
    setCheckAfter(snap.generation);
  }
  if (checkAfter !== null && snap.generation > checkAfter && !snap.loading) {
    setCheckAfter(null);
    if (selected && !list.pages.get(selected)) setSelected(null);
  }
  const rev = selected ? list.pages.get(selected)?.rev : undefined;
  const { detail, error, refresh } = useEventDetail(client, selected, rev);
  const endpointNames = useMemo(() => new Map(endpoints.map((e) => [e.id, e.name])), [endpoints]);
  // A delivery to an endpoint created elsewhere (another window, the API): fetch the names again.
  const unknownEndpoint = list.pages.pages[0]?.items?.find(
    (e) => !endpointNames.has(e.endpointId),
  )?.endpointId;
  useEffect(() => {
    if (unknownEndpoint) reloadEndpoints();
  }, [unknownEndpoint, reloadEndpoints]);
  const receiverUrl = status?.receiverUrl ?? '';
  const firstRun =
    status?.events === 0 && isEmptyFilter(filter) && snap.total === 0 && !snap.loading;
  const focusSearch = useCallback(() => searchRef.current?.focus(), []);
  const deleteOpen = (): void => {
    if (!selected) return;
    void client.deleteEvents({ ids: [selected] }).catch(() => undefined);
    setSelected(null);
  };
  const removing = dialog?.kind === 'delete' ? dialog : null;
  useEffect(() => {
    if (snap.loading) return;
    // When the page is idle: fetched and run before the first rows are painted, the chunks
    // would hold that paint up.
    const id = requestIdleCallback(preloadPanels, { timeout: 2000 });
    return () => cancelIdleCallback(id);
  }, [snap.loading]);
  const removingSummary = removing ? list.pages.get(removing.id) : undefined;

  return (
    <div className="app">
      <TopBar
        receiverUrl={receiverUrl}
        tunnel={tunnel}
        onTunnel={setTunnel}
        events={status?.events ?? null}
        paused={paused}
        pending={snap.pending}
        onTogglePause={() => setPaused(!paused)}
        onEndpoints={() => setDialog({ kind: 'endpoints' })}
        onCheckup={() =>
          setDialog({ kind: 'checkup', target: { endpointId: pickEndpoint(endpoints)?.id } })
        }
        onDeadLetters={() => setDialog({ kind: 'deadLetters' })}
        deadLetters={status?.deadLetters ?? null}
        onSettings={() => setDialog({ kind: 'settings' })}
        onSendSample={() => setDialog({ kind: 'sample' })}
      />
      <HealthBanner health={status?.health} notices={status?.notices} />
      <FilterBar filter={filter} endpoints={endpoints} onChange={setFilter} searchRef={searchRef} />
      {snap.error && (
        <div className="banner" role="alert">
          {snap.error}
        </div>
      )}
      <main className="main">
        {firstRun ? (
          <EmptyState receiverUrl={receiverUrl} />
        ) : (
          <>
            <section className="list-pane" aria-label="Deliveries">
              <div className="list-head">
                <span data-testid="list-count">
                  {snap.loading
                    ? 'Loading…'
                    : listCount(isEmptyFilter(filter), snap, status?.events)}
                </span>
                {paused && <span className="pill pill-warn">paused</span>}
                <span className="list-jumps">
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid="jump-newest"
                    title="Go to the newest delivery (Home)"
                    onClick={() => jumps.current?.toNewest()}
                  >
                    Newest ↑
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid="jump-oldest"
                    title="Go to the oldest delivery (End)"
                    onClick={() => jumps.current?.toOldest()}
                  >
                    Oldest ↓
                  </button>
                </span>
              </div>
              {!snap.loading && snap.total === 0 ? (
                <div className="no-match" data-testid="no-match">
                  <p>No delivery matches these filters.</p>
                  <button type="button" className="btn" onClick={() => setFilter(EMPTY_FILTER)}>
                    Clear filters
                  </button>
                </div>
              ) : (
                <EventList
                  list={list}
                  snap={snap}
                  endpointNames={endpointNames}
                  openId={selected}
                  onOpen={setSelected}
                  onRemove={(id, next) => setDialog({ kind: 'delete', id, next })}
                  onSearch={focusSearch}
                  shortcuts={dialog === null}
                  jumps={jumps}
                />
              )}
            </section>
            <section className="detail-pane" aria-label="Selected delivery">
              {detail ? (
                <Suspense fallback={<div className="detail-empty">Loading…</div>}>
                  <DetailPane
                    detail={detail}
                    receiverUrl={receiverUrl}
                    endpoint={endpoints.find((e) => e.id === detail.endpointId)}
                    tab={tab}
                    onTab={setTab}
                    onOpen={setSelected}
                    onDelete={deleteOpen}
                    onFilterJob={(jobId) => setFilter({ ...EMPTY_FILTER, jobId })}
                    onFilterType={(eventType) => setFilter({ ...EMPTY_FILTER, eventType })}
                    onChanged={refresh}
                    pinned={pinned}
                    onPin={setPinned}
                    onCheckup={() =>
                      setDialog({
                        kind: 'checkup',
                        target: {
                          endpointId: detail.endpointId,
                          eventId: detail.id,
                          providerHint: detail.signature.provider,
                        },
                      })
                    }
                  />
                </Suspense>
              ) : (
                <div className="detail-empty">
                  {selected && error ? (
                    <p role="status">This delivery is no longer in the log ({error}).</p>
                  ) : selected ? (
                    <p>Loading…</p>
                  ) : (
                    <>
                      <p>Select a delivery to see its verdicts, body and headers.</p>
                      <p className="keys">
                        <kbd>↑</kbd> <kbd>↓</kbd> or <kbd>j</kbd> <kbd>k</kbd> move ·{' '}
                        <kbd>Home</kbd> <kbd>End</kbd> newest, oldest · <kbd>/</kbd> search ·{' '}
                        <kbd>Delete</kbd> remove (asks first)
                      </p>
                    </>
                  )}
                </div>
              )}
            </section>
          </>
        )}
      </main>
      <Suspense fallback={null}>
        {dialog?.kind === 'endpoints' && (
          <EndpointsPanel
            endpoints={endpoints}
            onChanged={reloadEndpoints}
            onCheckup={(endpointId) => setDialog({ kind: 'checkup', target: { endpointId } })}
            onClose={close}
          />
        )}
        {dialog?.kind === 'checkup' && (
          <CheckupPanel endpoints={endpoints} open={dialog.target} onClose={close} />
        )}
        {dialog?.kind === 'deadLetters' && (
          <DeadLettersPanel onOpen={setSelected} onClose={close} />
        )}
        {dialog?.kind === 'sample' && <SampleDialog onClose={close} />}
        {dialog?.kind === 'settings' && <SettingsPanel onClose={close} />}
      </Suspense>
      {removing && (
        <ConfirmDialog
          title="Delete this delivery?"
          action="Delete"
          testId="confirm-delete-dialog"
          onCancel={close}
          onConfirm={() => {
            void client.deleteEvents({ ids: [removing.id] }).catch(() => undefined);
            setSelected(removing.next);
            close();
          }}
        >
          <p>
            <code>
              {removingSummary
                ? `${removingSummary.method} ${removingSummary.path}`
                : 'The open delivery'}
            </code>
            {removingSummary && (
              <span data-testid="confirm-delete-what">
                {removingSummary.eventType ? ` (${removingSummary.eventType})` : ''}, received{' '}
                {formatTimestamp(removingSummary.receivedAt)},
              </span>
            )}{' '}
            is removed from the log for good.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
