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
