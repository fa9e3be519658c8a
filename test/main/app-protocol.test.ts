import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_URL, createAppHandler, resolveAppFile } from '../../src/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../src/main/csp';
import { createOwnFrameCheck, createOwnPageCheck } from '../../src/main/own-page';
import { tempDir } from '../helpers/engine';

const root = '/srv/renderer';

describe('resolveAppFile', () => {
  it('maps app://hookscope URLs to files under the renderer folder', () => {
    expect(resolveAppFile(root, APP_URL)).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://hookscope/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://hookscope/assets/index-1.js?x=1#f')).toBe(
      join(root, 'assets', 'index-1.js'),
    );
    expect(resolveAppFile(root, 'app://hookscope/a%20b.css')).toBe(join(root, 'a b.css'));
  });

  it('refuses other hosts and schemes, NULs, backslashes and bad escapes', () => {
    for (const url of [
      'app://other/index.html',
      'https://hookscope/index.html',
      'file:///srv/renderer/index.html',
      'app://hookscope/a%5c..%5c..%5cx',
      'app://hookscope/a%00.js',
      'app://hookscope/%E0%A4%A',
      'nonsense',
    ]) {
      expect(resolveAppFile(root, url), url).toBeNull();
    }
  });

  it('keeps dot segments, plain or encoded, inside the folder', () => {
    expect(resolveAppFile(root, 'app://hookscope/../secrets.json')).toBe(
      join(root, 'secrets.json'),
    );
    expect(resolveAppFile(root, 'app://hookscope/%2e%2e/%2e%2e/etc/passwd')).toBe(
      join(root, 'etc', 'passwd'),
    );
    expect(resolveAppFile(root, 'app://hookscope/..%2f..%2fetc%2fpasswd')).toBe(
      join(root, 'etc', 'passwd'),
    );
  });
});

describe('the app protocol handler', () => {
  const { dir, cleanup } = tempDir('hookscope-app-');
  afterAll(cleanup);
  mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Hookscope</title>');
  writeFileSync(join(dir, 'renderer', 'assets', 'a.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  const handle = createAppHandler(join(dir, 'renderer'));

  it('serves files with their type, our CSP and nosniff', async () => {
    const page = await handle(new Request(APP_URL));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Hookscope</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await handle(new Request('app://hookscope/assets/a.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for a missing file, 403 outside the folder, 405 for other methods', async () => {
    expect((await handle(new Request('app://hookscope/nope.js'))).status).toBe(404);
    expect((await handle(new Request('app://other/index.html'))).status).toBe(403);
    const up = await handle(new Request('app://hookscope/%2e%2e/secret.txt'));
    expect(up.status).not.toBe(200);
    expect((await handle(new Request(APP_URL, { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});

describe('the content security policy', () => {
  it('allows no inline, remote or eval script and no framing', () => {
    const d = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1)]),
    );
    expect(d['default-src']).toEqual(["'none'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});

describe('own page checks', () => {
  it('accepts app://hookscope only, and the dev server only when given', () => {
    const prod = createOwnPageCheck();
    expect(prod('app://hookscope/index.html#q=x')).toBe(true);
    expect(prod('http://localhost:5173/')).toBe(false);
    const dev = createOwnPageCheck('http://localhost:5173');
    expect(dev('http://localhost:5173/index.html')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('http://localhost.evil:5173/')).toBe(false);
    expect(createOwnPageCheck('not a url')('not a url')).toBe(false);
  });

  it('accepts only a top frame', () => {
    const check = createOwnFrameCheck(createOwnPageCheck());
    expect(check({ url: APP_URL, parent: null })).toBe(true);
    expect(check({ url: APP_URL, parent: { url: APP_URL } })).toBe(false);
    expect(check(null)).toBe(false);
    expect(check(undefined)).toBe(false);
  });
});
