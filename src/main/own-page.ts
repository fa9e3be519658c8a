import { APP_HOST, APP_SCHEME } from './app-protocol';

/**
 * Whether a URL is Hookscope's own page: `app://hookscope/...`, or, in development only, a URL
 * of the same origin as the electron-vite dev server. Anything unparsable, with credentials,
 * or of a lookalike host is not.
 */
export function createOwnPageCheck(devServerUrl?: string): (url: string) => boolean {
  let devOrigin: string | null = null;
  if (devServerUrl) {
    try {
      devOrigin = new URL(devServerUrl).origin;
    } catch {
      devOrigin = null;
    }
  }
  return (url) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (u.username || u.password) return false;
    if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
    return devOrigin !== null && devOrigin !== 'null' && u.origin === devOrigin;
  };
}

/** The parts of a frame (Electron's WebFrameMain) the sender check reads. */
export interface FrameLike {
  url: string;
  parent: unknown;
}

/**
 * Whether an IPC call comes from our page's top frame: a sub-frame (an iframe, which our page
 * never creates) or a frame showing any other URL is refused.
 */
export function createOwnFrameCheck(
  isOwnUrl: (url: string) => boolean,
): (frame: FrameLike | null | undefined) => boolean {
  return (frame) => !!frame && frame.parent == null && isOwnUrl(frame.url);
}
