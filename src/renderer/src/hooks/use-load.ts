import {
  useCallback,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type DependencyList,
} from 'react';
import type { PushName } from '../../../shared/contract';
import { useClient } from '../client-context';
import { Loader, type Fetch, type Taken } from '../model/loader';

export interface LoadOptions<T> {
  /** False: nothing is requested (what was loaded stays). Default true. */
  enabled?: boolean;
  /** When `deps` change, the data shown stays until the new answer (else it is cleared). */
  keep?: boolean;
  /** Pushes after which the data is loaded again (it stays shown meanwhile). */
  refreshOn?: readonly PushName[];
  /** With `refreshOn`: pushes within this many ms load once, at the end. */
  coalesceMs?: number;
  /** Called with each answer taken (never a dropped one). */
  onData?: (data: T) => void;
  /** Called with each failure taken, in words. */
  onError?: (error: string) => void;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** Loads again, keeping the data shown until the answer. */
  reload: () => void;
  /** Changes the data in place (from a push); applied to an answer still on its way too. */
  update: (change: (data: T) => T) => void;
}

/** The caller's callbacks as they are when an answer is taken. */
function tell<T>(latest: { current: { options: LoadOptions<T> } }): Taken<T> {
  return {
    onData: (d) => latest.current.options.onData?.(d),
    onError: (e) => latest.current.options.onError?.(e),
  };
}

/**
 * Load-and-refresh with the stale-answer guard (model/loader.ts): `fetcher` runs when the
 * component mounts and whenever `deps` change (list what the fetcher reads, as for
 * useEffect; lint checks it), again on `reload()` and after the `refreshOn` pushes. Only the
 * newest request's answer is taken: one that arrives after a newer request started, or after
 * unmount, is dropped.
 */
export function useLoad<T>(
  fetcher: Fetch<T>,
  deps: DependencyList,
  options: LoadOptions<T> = {},
): Loaded<T> {
  const { enabled = true, keep = false, refreshOn, coalesceMs } = options;
  const latest = useRef({ fetcher, options });
  useEffect(() => {
    latest.current = { fetcher, options };
  });
  const [loader] = useState(() => new Loader<T>());
  const state = useSyncExternalStore(loader.subscribe, loader.getSnapshot);

  useEffect(() => {
    if (!enabled) return;
    void loader.load(fetcher, keep, tell(latest));
    return () => loader.cancel();
    // `deps` are the caller's (checked at the call by react-hooks/exhaustive-deps).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loader, enabled, ...deps]);

  const reload = useCallback(() => {
    if (latest.current.options.enabled === false) return;
    void loader.load(latest.current.fetcher, true, tell(latest));
  }, [loader]);

  const client = useClient();
  const pushes = refreshOn?.join(',') ?? '';
  useEffect(() => {
    if (!enabled || pushes === '') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = (): void => {
      if (coalesceMs === undefined) return reload();
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        reload();
      }, coalesceMs);
    };
    const offs = pushes.split(',').map((name) => client.on(name as PushName, soon));
    return () => {
      for (const off of offs) off();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [client, enabled, pushes, coalesceMs, reload]);

  const update = useCallback((change: (data: T) => T) => loader.update(change), [loader]);
  return { data: state.data, error: state.error, loading: state.loading, reload, update };
}
