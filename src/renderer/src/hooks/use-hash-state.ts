import { useCallback, useEffect, useState } from 'react';
import { parseFilter, writeFilter, type Filter } from '../../../shared/filters';

const params = (): URLSearchParams => new URLSearchParams(window.location.hash.slice(1));

function writeHash(p: URLSearchParams): void {
  const s = p.toString();
  // replaceState: no navigation, no history entry per keystroke, nothing sent to a server.
  history.replaceState(null, '', `${location.pathname}${location.search}${s ? '#' + s : ''}`);
}

/**
 * The filter and the open event, kept in the URL fragment (`#q=...&sig=invalid&event=...`)
 * so both survive a reload and can be bookmarked.
 */
export function useHashState(): {
  filter: Filter;
  setFilter: (f: Filter) => void;
  selected: string | null;
  setSelected: (id: string | null) => void;
} {
  const [filter, setFilterState] = useState(() => parseFilter(params()));
  const [selected, setSelectedState] = useState<string | null>(() => params().get('event'));

  useEffect(() => {
    const onHash = (): void => {
      setFilterState(parseFilter(params()));
      setSelectedState(params().get('event'));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const setFilter = useCallback((f: Filter) => {
    setFilterState(f);
    writeHash(writeFilter(params(), f));
  }, []);

  const setSelected = useCallback((id: string | null) => {
    setSelectedState(id);
    const p = params();
    if (id) p.set('event', id);
    else p.delete('event');
    writeHash(p);
  }, []);

  return { filter, setFilter, selected, setSelected };
}
