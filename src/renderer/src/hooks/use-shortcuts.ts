import { useEffect, useRef } from 'react';

export interface Shortcuts {
  next: () => void;
  prev: () => void;
  open: () => void;
  /** Home: to the newest delivery. */
  first: () => void;
  /** End: to the oldest delivery. */
  last: () => void;
  remove: () => void;
  search: () => void;
}

const typing = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement &&
  (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/**
 * List shortcuts on the whole window: ↑/↓ or j/k move, Enter opens, Home/End go to the
 * newest/oldest, Delete removes, `/` searches. Ignored while typing in a field or when a modifier key is held.
 */
export function useShortcuts(handlers: Shortcuts, enabled: boolean): void {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (ev: KeyboardEvent): void => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
      // Enter on a focused button or link activates that, not the list.
      if (ev.key === 'Enter' && ev.target instanceof HTMLElement && ev.target.closest('button, a'))
        return;
      const h = ref.current;
      const action: Record<string, (() => void) | undefined> = {
        ArrowDown: h.next,
        j: h.next,
        ArrowUp: h.prev,
        k: h.prev,
        Enter: h.open,
        Home: h.first,
        End: h.last,
        Delete: h.remove,
        '/': h.search,
      };
      const run = action[ev.key];
      if (!run) return;
      ev.preventDefault();
      run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
