import { createContext, useContext } from 'react';
import type { Client } from '../../shared/dispatch';

/** The engine's client for every component below it (IPC in the desktop app, HTTP in a browser). */
export const ClientContext = createContext<Client | null>(null);

/** The client of the nearest ClientContext provider. */
export function useClient(): Client {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient: no ClientContext provider above this component');
  return client;
}
