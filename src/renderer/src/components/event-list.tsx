import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ListSnapshot, LiveList } from '../model/live-list';
import { useShortcuts } from '../hooks/use-shortcuts';
import { EventRow } from './event-row';

/** Fixed row height in px (two lines); the CSS row height must match. */
export const ROW_HEIGHT = 48;

/**
 * The virtualized, newest-first list. Follows the live head while scrolled to the top;
 * scrolled away, it keeps its place and counts new rows in a pill. Older pages load as the
 * end comes near; rows of evicted pages show placeholders until reloaded.
 */
export function EventList({
  list,
  snap,
  endpointNames,
  openId,
  onOpen,
  onRemove,
  onSearch,
  shortcuts,
}: {
  list: LiveList;
  snap: ListSnapshot;
  endpointNames: Map<string, string>;
  openId: string | null;
  onOpen: (id: string | null) => void;
  /** Delete asked for the open row; `next` is the row to open once it is gone. */
  onRemove: (id: string, next: string | null) => void;
  onSearch: () => void;
  /** Whether the list's keyboard shortcuts are on (off while a dialog is open). */
  shortcuts: boolean;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [newRows, setNewRows] = useState(0);
  const count = snap.total + (snap.hasMore ? 1 : 0);
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the virtualizer re-renders through its own state
  const v = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => list.ensureRange(first, last), [list, first, last, snap.version]);
  // Rows added at the top while the user reads further down must not move what they read.
  const seenTop = useRef(snap.topInserted);
  useLayoutEffect(() => {
    const added = snap.topInserted - seenTop.current;
    seenTop.current = snap.topInserted;
    const el = scrollRef.current;
    if (added <= 0 || !el || el.scrollTop < ROW_HEIGHT / 2) return;
    el.scrollTop += added * ROW_HEIGHT;
    setNewRows((n) => n + added);
  }, [snap.topInserted]);

  useLayoutEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setNewRows(0);
  }, [snap.generation]);

  // One selection, the one the user sees: the open row. The keys move it, open it and delete it.
  const move = (delta: number): void => {
    const at = openId ? list.pages.indexOf(openId) : -1;
    const next = Math.max(0, Math.min(snap.total - 1, at + delta));
    const e = list.pages.at(at < 0 ? 0 : next);
    if (!e) return;
    onOpen(e.id);
    v.scrollToIndex(list.pages.indexOf(e.id), { align: 'auto' });
  };
  useShortcuts(
    {
      next: () => move(1),
      prev: () => move(-1),
      open: () => {
        if (!openId) move(0);
      },
      remove: () => {
        if (!openId) return;
        const at = list.pages.indexOf(openId);
        const neighbour = at < 0 ? null : (list.pages.at(at + 1) ?? list.pages.at(at - 1));
        onRemove(openId, neighbour?.id ?? null);
      },
      search: onSearch,
    },
    shortcuts,
  );

  return (
    <div className="list-wrap">
      {newRows > 0 && (
        <button
          type="button"
          className="new-pill"
          data-testid="new-pill"
          onClick={() => scrollRef.current?.scrollTo({ top: 0 })}
        >
          ↑ {newRows} new
        </button>
      )}
      <div
        ref={scrollRef}
        className="list-scroll"
        data-testid="event-list"
        role="listbox"
        aria-label="Deliveries, newest first"
        onScroll={(ev) => {
          if (ev.currentTarget.scrollTop < ROW_HEIGHT / 2 && newRows) setNewRows(0);
        }}
      >
        <div className="list-inner" style={{ height: v.getTotalSize() }}>
          {items.map((it) => {
            const e = list.pages.at(it.index);
            if (e) {
              return (
                <EventRow
                  key={e.id}
                  e={e}
                  endpointName={endpointNames.get(e.endpointId)}
                  open={e.id === openId}
                  top={it.start}
                  onClick={onOpen}
                />
              );
            }
            const loader = it.index >= snap.total;
            return (
              <div
                key={`p${it.index}`}
                className="row row-placeholder"
                style={{ transform: `translateY(${it.start}px)` }}
                data-testid={loader ? 'list-loader' : 'event-row-placeholder'}
              >
                {loader ? 'Loading older deliveries…' : ''}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
