import type { Transport } from '../../shared/dispatch';
import { HttpTransport } from './http-transport';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    hookscope?: Transport;
  }
}

/** Where the token is kept: this origin's storage (only this machine's browser profile). */
const TOKEN_KEY = 'hookscope.token';

/**
 * Picks the Transport: the preload's IPC bridge inside Electron, else HTTP to the server
 * that served this page, with the token taken from the URL fragment (then removed from it, so
 * a bookmark never holds it) and kept in the origin's localStorage, so a bookmarked filter URL
 * opened in a new tab works on the same machine. A token the server refuses (serve restarted
 * with a new one) is forgotten and the page reloads onto the "open the printed link" screen.
 * Null when neither is available.
 */
export function pickTransport(): Transport | null {
  if (window.hookscope) return window.hookscope;
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get('token') ?? localStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  localStorage.setItem(TOKEN_KEY, token);
  if (params.has('token')) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(
      null,
      '',
      `${location.pathname}${location.search}${rest ? '#' + rest : ''}`,
    );
  }
  return new HttpTransport(window.location.origin, token, undefined, () => {
    if (localStorage.getItem(TOKEN_KEY) !== token) return;
    localStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
}
