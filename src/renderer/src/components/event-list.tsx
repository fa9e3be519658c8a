import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { ListSnapshot, LiveList } from '../model/live-list';
import { useShortcuts } from '../hooks/use-shortcuts';
import { EventRow } from './event-row';

/** Fixed row height in px (two lines); the CSS row height must match. */
export const ROW_HEIGHT = 48;

/** The list's jumps, for the controls outside it (the list header's buttons). */
export interface ListJumps {
  toNewest: () => void;
  toOldest: () => void;
}

/**
 * The virtualized, newest-first list. Follows the live head while scrolled to the top;
 * scrolled away, it keeps its place and counts new rows in a pill. Older pages load as the
 * end comes near; rows of evicted pages show placeholders until reloaded. Home/End (and
 * `jumps`) go to the newest/oldest delivery in one step and open it: at the oldest end newer
 * pages load above as the view goes up, without moving the rows in view.
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
  jumps,
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
  /** Set to the list's jumps while it is shown. */
  jumps?: RefObject<ListJumps | null>;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [newRows, setNewRows] = useState(0);
  // A loader row above the rows while newer pages remain (the list was opened at the oldest).
  const lead = snap.hasNewer ? 1 : 0;
  const count = lead + snap.total + (snap.hasMore ? 1 : 0);
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

  useEffect(
    () => list.ensureRange(first - lead, last - lead),
    [list, first, last, lead, snap.version],
  );
  // Newer pages put on top (and the loader row above them going) must not move the rows in view.
  const seenGeneration = useRef(snap.generation);
  const seenLoaded = useRef({ loaded: snap.topLoaded, lead });
  useLayoutEffect(() => {
    const seen = seenLoaded.current;
    seenLoaded.current = { loaded: snap.topLoaded, lead };
    const el = scrollRef.current;
    if (snap.generation !== seenGeneration.current || !el) return; // a reload places the view
    const added = snap.topLoaded - seen.loaded + lead - seen.lead;
    if (added) el.scrollTop += added * ROW_HEIGHT;
  }, [snap.topLoaded, lead, snap.generation]);
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

  // A reload shows the newest at the top, or (the jump to the oldest) the oldest at the bottom.
  useLayoutEffect(() => {
    const justShown = seenGeneration.current === snap.generation && snap.anchor === 'newest';
    seenGeneration.current = snap.generation;
    const el = scrollRef.current;
    if (justShown) return; // just shown, at the top (no layout forced before the first paint)
    if (snap.anchor === 'newest') el?.scrollTo({ top: 0 });
    else if (!snap.loading && el) el.scrollTop = el.scrollHeight;
    setNewRows(0);
  }, [snap.generation, snap.anchor, snap.loading]);

  // One selection, the one the user sees: the open row. The keys move it, open it and delete it.
  const move = (delta: number): void => {
    const at = openId ? list.pages.indexOf(openId) : -1;
    const next = Math.max(0, Math.min(snap.total - 1, at + delta));
    const e = list.pages.at(at < 0 ? 0 : next);
    if (!e) return;
    onOpen(e.id);
    v.scrollToIndex(list.pages.indexOf(e.id) + lead, { align: 'auto' });
  };
  // The newest or the oldest row: at once when the list holds it, else after loading that end.
  const jump = (to: 'newest' | 'oldest'): void => {
    const s = list.getSnapshot();
    const row = (): number => (to === 'newest' ? 0 : list.pages.total() - 1);
    const here = !s.loading && (to === 'newest' ? !s.hasNewer : !s.hasMore);
    const e = here ? list.pages.at(row()) : null;
    if (e) {
      onOpen(e.id);
      const el = scrollRef.current;
      if (el) el.scrollTop = to === 'newest' ? 0 : el.scrollHeight;
      return;
    }
    const generation = s.generation + 1;
    void (to === 'newest' ? list.reload() : list.jumpToOldest()).then(() => {
      const now = list.getSnapshot();
      if (now.generation !== generation || now.loading) return; // reloaded again meanwhile
      const got = list.pages.at(row());
      if (got) onOpen(got.id);
    });
  };
  useEffect(() => {
    if (!jumps) return;
    // From the header's buttons: the keys (↑ ↓ Enter) go on in the list, not to the button.
    const from = (to: 'newest' | 'oldest') => (): void => {
      jump(to);
      scrollRef.current?.focus({ preventScroll: true });
    };
    jumps.current = { toNewest: from('newest'), toOldest: from('oldest') };
    return () => {
      jumps.current = null;
    };
  });
  useShortcuts(
    {
      next: () => move(1),
      prev: () => move(-1),
      open: () => {
        if (!openId) move(0);
      },
      first: () => jump('newest'),
      last: () => jump('oldest'),
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
        tabIndex={-1}
        aria-label="Deliveries, newest first"
        onScroll={(ev) => {
          if (ev.currentTarget.scrollTop < ROW_HEIGHT / 2 && newRows) setNewRows(0);
        }}
      >
        <div className="list-inner" style={{ height: v.getTotalSize() }}>
          {items.map((it) => {
            const row = it.index - lead;
            const e = row >= 0 ? list.pages.at(row) : null;
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
            const loader = row < 0 || row >= snap.total;
            return (
              <div
                key={`p${it.index}`}
                className="row row-placeholder"
                style={{ transform: `translateY(${it.start}px)` }}
                data-testid={loader ? 'list-loader' : 'event-row-placeholder'}
              >
                {row < 0 ? 'Loading newer deliveries…' : loader ? 'Loading older deliveries…' : ''}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
