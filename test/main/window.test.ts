import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createOwnPageCheck } from '../../src/main/own-page';
import {
  hardenContents,
  hardenSession,
  isExternalLink,
  windowOptions,
  type WindowConfig,
} from '../../src/main/window';
import { listeners } from './fakes';

const isOwnUrl = createOwnPageCheck();
const config: WindowConfig = {
  preload: '/app/out/preload/index.cjs',
  contractArg: '--hookscope-contract=x',
  bounds: { width: 1200, height: 700 },
  devTools: false,
  dark: false,
};

describe('windowOptions', () => {
  it('builds a window that follows the security checklist', () => {
    const o = windowOptions(config);
    expect(o.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      additionalArguments: ['--hookscope-contract=x'],
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
      devTools: false,
    });
    expect(o.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(o.webPreferences).not.toHaveProperty('partition');
  });

  it('uses the saved bounds, shows only when painted, and has DevTools only in dev', () => {
    const o = windowOptions({ ...config, bounds: { x: 5, y: 6, width: 900, height: 600 } });
    expect(o).toMatchObject({ x: 5, y: 6, width: 900, height: 600, show: false });
    expect(windowOptions({ ...config, devTools: true }).webPreferences?.devTools).toBe(true);
    expect(windowOptions({ ...config, dark: true }).backgroundColor).toBe('#0e1014');
  });
});

describe('isExternalLink', () => {
  it('lets only plain https URLs out', () => {
    expect(isExternalLink('https://dashboard.ngrok.com/signup')).toBe(true);
    for (const url of [
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'app://hookscope/index.html',
      'https://user:pw@example.com/',
      'not a url',
    ]) {
      expect(isExternalLink(url), url).toBe(false);
    }
  });
});

function fakeContents() {
  const l = listeners();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: l.on,
    setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
  };
  return {
    contents: contents as unknown as WebContents,
    open: (url: string) => openHandler!({ url }),
    /** Emits a navigation-like event; true when it was prevented. */
    nav(event: string, url: string): boolean {
      const e = { url, preventDefault: vi.fn() };
      l.emit(event, e, url);
      return e.preventDefault.mock.calls.length > 0;
    },
  };
}

describe('hardenContents', () => {
  it('denies every new window and opens https links in the OS browser', () => {
    const f = fakeContents();
    const openExternal = vi.fn(() => Promise.resolve());
    hardenContents(f.contents, { isOwnUrl, openExternal });
    expect(f.open('https://ngrok.com/docs')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://ngrok.com/docs');
    for (const url of ['http://x.test/', 'file:///etc/hosts', 'app://hookscope/index.html']) {
      expect(f.open(url)).toEqual({ action: 'deny' });
    }
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('survives openExternal failing', async () => {
    const f = fakeContents();
    hardenContents(f.contents, { isOwnUrl, openExternal: () => Promise.reject(new Error('no')) });
    expect(f.open('https://x.test/')).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 0));
  });

  it('prevents navigation and redirects away from our page, and every webview', () => {
    const f = fakeContents();
    hardenContents(f.contents, { isOwnUrl, openExternal: vi.fn() });
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(f.nav(event, 'https://evil.example/'), event).toBe(true);
      expect(f.nav(event, 'file:///etc/passwd'), event).toBe(true);
      expect(f.nav(event, 'app://hookscope/index.html'), event).toBe(false);
    }
    expect(f.nav('will-attach-webview', 'app://hookscope/index.html')).toBe(true);
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const s: {
      request?: (wc: unknown, p: string, cb: (ok: boolean) => void, d: unknown) => void;
      check?: (wc: unknown, p: string, origin: string, d: unknown) => boolean;
      device?: () => boolean;
    } = {};
    const session = {
      setPermissionRequestHandler: (h: typeof s.request) => (s.request = h),
      setPermissionCheckHandler: (h: typeof s.check) => (s.check = h),
      setDevicePermissionHandler: (h: typeof s.device) => (s.device = h),
    };
    hardenSession(session as unknown as Session, isOwnUrl);
    const request = (permission: string, requestingUrl: string): boolean => {
      let granted: boolean | null = null;
      s.request!(null, permission, (ok) => (granted = ok), { requestingUrl, isMainFrame: true });
      return granted!;
    };
    const check = (permission: string, origin: string, requestingUrl = ''): boolean =>
      s.check!(null, permission, origin, { requestingUrl });
    return { request, check, device: () => s.device!() };
  }

  it('denies every permission request but clipboard writes from our own page', () => {
    const s = fakeSession();
    const own = 'app://hookscope/index.html';
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'hid',
      'openExternal',
    ]) {
      expect(s.request(p, own), p).toBe(false);
      expect(s.check(p, 'app://hookscope', own), p).toBe(false);
    }
    expect(s.request('clipboard-sanitized-write', own)).toBe(true);
    expect(s.request('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(s.check('clipboard-sanitized-write', 'app://hookscope')).toBe(true);
    expect(s.check('clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(s.device()).toBe(false);
  });
});
