import type { Transport } from '../../shared/dispatch';
import { HttpTransport } from './http-transport';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    hookscope?: Transport;
  }
}

/**
 * Picks the Transport: the preload's IPC bridge inside Electron, else HTTP to the server
 * that served this page, with the token taken from the URL fragment (then removed from it).
 * Null when neither is available.
 */
export function pickTransport(): Transport | null {
  if (window.hookscope) return window.hookscope;
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get('token') ?? sessionStorage.getItem('hookscope.token');
  if (!token) return null;
  sessionStorage.setItem('hookscope.token', token);
  if (params.has('token')) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(
      null,
      '',
      `${location.pathname}${location.search}${rest ? '#' + rest : ''}`,
    );
  }
  return new HttpTransport(window.location.origin, token);
}
