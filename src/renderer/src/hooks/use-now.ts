import { useSyncExternalStore } from 'react';
import { getNow, subscribeNow } from '../model/ticker';

/** The shared clock, re-rendering the caller once a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribeNow, getNow);
}
