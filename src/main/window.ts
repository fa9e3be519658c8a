import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

/** Where the window goes and how big it is (see ./window-state.ts). */
export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

/** What the window's options depend on. */
export interface WindowConfig {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  preload: string;
  /** The contract's names for the preload (./ipc.ts `contractArg`). */
  contractArg: string;
  bounds: WindowBounds;
  /** DevTools exist only in development builds. */
  devTools: boolean;
  dark: boolean;
}

export const MIN_WIDTH = 800;
export const MIN_HEIGHT = 500;

/**
 * The BrowserWindow options, secure by construction (Electron's security checklist): context
 * isolation, the renderer sandbox, no Node anywhere (page, workers, sub-frames), web security
 * on, no insecure content, no experimental or Blink features, no <webview>, no navigation by
 * drag and drop. Shown once painted, on the theme's background, to avoid a white flash.
 */
export function windowOptions(c: WindowConfig): BrowserWindowConstructorOptions {
  return {
    ...c.bounds,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'Hookscope',
    backgroundColor: c.dark ? '#0e1014' : '#f5f6f8',
    webPreferences: {
      preload: c.preload,
      additionalArguments: [c.contractArg],
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: c.devTools,
    },
  };
}

/** Only https links leave the app, and only to the OS browser (checklist item 15). */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** Permissions our own page may be granted: writing text to the clipboard (copy buttons). */
const GRANTED = new Set(['clipboard-sanitized-write']);

/**
 * Denies every permission request and check (camera, notifications, geolocation, HID, ...)
 * except clipboard writes from our own page, which the copy buttons use through
 * `navigator.clipboard` (checklist item 5). Devices (HID, serial, USB) are always refused.
 */
export function hardenSession(
  session: Pick<
    Session,
    'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
  >,
  isOwnUrl: (url: string) => boolean,
): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(GRANTED.has(permission) && isOwnUrl(details.requestingUrl));
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) => {
    const url = details.requestingUrl || requestingOrigin;
    return GRANTED.has(permission) && isOwnUrl(url);
  });
  session.setDevicePermissionHandler(() => false);
}

/**
 * Locks the page in: no navigation, redirect or sub-frame navigation away from our own page
 * (checklist item 13); no new windows, https links go to the OS browser instead (items 14, 15);
 * no <webview> (items 11, 12).
 */
export function hardenContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  deps: { isOwnUrl: (url: string) => boolean; openExternal: (url: string) => unknown },
): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) {
      Promise.resolve(deps.openExternal(url)).catch(() => undefined);
    }
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (!deps.isOwnUrl(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!deps.isOwnUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!deps.isOwnUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
