import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { openUi } from '../../src/headless/open-url';
import { expect, test } from './helpers/serve';
import { apiPath } from './helpers/ui';

test('the page `serve` opens instead of the token URL leads a real browser into the UI', async ({
  page,
  server,
}) => {
  let opened = '';
  const remove = openUi(
    server.uiUrl,
    (m) => {
      throw new Error(m);
    },
    (_command, args) => {
      opened = args.at(-1)!;
      return new EventEmitter() as ChildProcess;
    },
  );
  try {
    const list = page.waitForResponse((r) => apiPath(r.url()) === '/api/listEvents' && r.ok());
    // What the OS's opener does with the path: the default browser loads the file.
    await page.goto(pathToFileURL(opened).href);
    await list;
    // On the UI's own address (which drops the token from the address bar once read).
    expect(page.url()).toBe(`${server.apiUrl}/`);
    await expect(page.getByTestId('receiver-url')).toHaveText(server.receiverUrl);
  } finally {
    remove();
  }
});

test('a bookmarked filter URL opened in a new tab works on the same machine; with no token a clear screen says what to open', async ({
  page,
  server,
  browser,
}) => {
  await page.goto(server.uiUrl);
  await expect(page.getByTestId('receiver-url')).toHaveText(server.receiverUrl);
  // The bookmark: the page's URL with a filter, never the token.
  const bookmark = `${server.apiUrl}/#sig=invalid`;
  expect(page.url()).not.toContain('token');

  const tab = await page.context().newPage();
  const list = tab.waitForResponse((r) => apiPath(r.url()) === '/api/listEvents' && r.ok());
  await tab.goto(bookmark);
  await list;
  await expect(tab.getByTestId('receiver-url')).toHaveText(server.receiverUrl);
  expect(tab.url()).toBe(bookmark);

  // Another browser profile (nothing stored for this origin): not a dead UI.
  const other = await browser.newContext();
  try {
    const fresh = await other.newPage();
    await fresh.goto(bookmark);
    await expect(fresh.getByTestId('no-connection')).toContainText('hookscope serve');
    await expect(fresh.getByTestId('no-connection')).toContainText('#token=');
  } finally {
    await other.close();
  }
});
