import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { expect, test } from './helpers/serve';
import { sendShowcase } from './helpers/showcase';
import { openUi, readClipboard } from './helpers/ui';
import { createProviderEndpoints, sendWebhook, stripeDelivery } from './helpers/webhooks';

const run = promisify(execFile);

interface Detail {
  id: string;
  path: string;
  query: string;
  method: string;
  headers: [string, string][];
  /** Sent once: text when UTF-8, else base64. */
  body: { base64?: string; text?: string };
}

/** Header list without what curl (or any client) sets for the connection itself. */
const comparable = (headers: [string, string][]): string[] =>
  headers
    .filter(([n]) => !['host', 'content-length', 'connection'].includes(n.toLowerCase()))
    .map(([n, v]) => `${n.toLowerCase()}: ${v}`)
    .sort();

test('a delivery shows up live; its headers, JSON tree and a byte-exact copy as cURL', async ({
  page,
  context,
  server,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openUi(page, server.uiUrl, server.receiverUrl);
  await expect(page.getByTestId('empty-state')).toContainText(server.receiverUrl);
  // Quotes, a backslash, $, !, a tab, CRLF, non-ASCII and a trailing newline.
  const body =
    '{"id":"evt_1","note":"it\'s \\"quoted\\" \\\\ $HOME! \\t tab","ünï":"✓",' +
    '"nested":{"amount":12345678901234567890,"list":[1,2,{"deep":true}]}}\r\n';
  await sendWebhook(server, '/hooks/curl?x=1&y=%3Cz%3E', body, {
    'x-custom': "a 'quoted' value",
    'stripe-signature': 't=1,v1=abc',
  });
  const row = page.getByTestId('event-row');
  await expect(row).toHaveCount(1);
  await row.click();
  const detail = page.getByTestId('event-detail');
  await expect(detail.getByTestId('detail-title')).toHaveText('POST /hooks/curl?x=1&y=%3Cz%3E');

  await detail.getByTestId('tab-headers').click();
  const headers = detail.getByTestId('headers-table');
  await expect(headers.locator('tr', { hasText: 'x-custom' }).locator('td')).toHaveText(
    "a 'quoted' value",
  );
  await detail.getByTestId('tab-body').click();
  const tree = detail.getByTestId('json-tree');
  await expect(tree).toContainText('"nested"');
  await expect(tree).toContainText('12345678901234567890'); // no precision lost
  await expect(tree).toContainText('"deep"');
  await detail.getByTestId('tab-query').click();
  await expect(detail.getByTestId('query-table').locator('tr', { hasText: 'y' })).toContainText(
    '<z>',
  );

  await detail.getByTestId('copy-curl').click();
  await expect(detail.getByTestId('copy-curl')).toHaveText('Copied ✓');
  const curl = await readClipboard(page);
  expect(curl).toContain('--data-raw');
  await run('bash', ['-c', curl]);
  await expect(row).toHaveCount(2);

  const list = (await (await server.api('listEvents', {})).json()) as { items: { id: string }[] };
  const [copy, original] = await Promise.all(
    list.items.map(
      async (e) => (await (await server.api('getEvent', { id: e.id })).json()) as Detail,
    ),
  );
  expect(copy!.body.text).toBe(original!.body.text);
  expect(copy!.body.text).toBe(body);
  expect([copy!.method, copy!.path, copy!.query]).toEqual(['POST', '/hooks/curl', 'x=1&y=%3Cz%3E']);
  expect(comparable(copy!.headers)).toEqual(comparable(original!.headers));
});

test('binary and gzip bodies: decoded for display, stored bytes copied exactly', async ({
  page,
  context,
  server,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openUi(page, server.uiUrl, server.receiverUrl);
  const json = JSON.stringify({ type: 'compressed.event', data: { ok: true } });
  const gz = gzipSync(json);
  await sendWebhook(server, '/gz', gz, { 'content-encoding': 'gzip' });
  await page.getByTestId('event-row').click();
  const detail = page.getByTestId('event-detail');
  await detail.getByTestId('tab-body').click();
  await expect(detail.getByTestId('decoded-note')).toContainText('Decoded from gzip');
  await expect(detail.getByTestId('json-tree')).toContainText('"compressed.event"');
  await detail.getByRole('button', { name: 'Show stored bytes' }).click();
  await expect(detail.getByTestId('hex-dump')).toContainText('1f 8b');

  await detail.getByTestId('copy-curl').click();
  await expect(detail.getByTestId('copy-curl')).toHaveText('Copied ✓');
  const curl = await readClipboard(page);
  expect(curl).toContain('base64 -d');
  await run('bash', ['-c', curl]);
  await expect(page.getByTestId('event-row')).toHaveCount(2);
  const list = (await (await server.api('listEvents', {})).json()) as { items: { id: string }[] };
  const copy = (await (await server.api('getEvent', { id: list.items[0]!.id })).json()) as Detail;
  expect(Buffer.from(copy.body.base64!, 'base64').equals(gz)).toBe(true);
});

test('filters live in the URL and survive a reload', async ({ page, server }) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await sendWebhook(server, '/a/post', '{"word":"alpha"}');
  await fetch(`${server.receiverUrl}/b/get?word=beta`);
  await sendWebhook(server, '/c/post', '{"word":"beta"}');
  const paths = page.getByTestId('event-path');
  await expect(paths).toHaveCount(3);

  await page.getByTestId('filter-method').selectOption('POST');
  await expect(paths).toHaveText(['/c/post', '/a/post']);
  await page.getByTestId('search').fill('beta');
  await expect(paths).toHaveText(['/c/post']);
  await expect.poll(() => new URL(page.url()).hash).toContain('q=beta');
  expect(new URL(page.url()).hash).toContain('method=POST');

  const relisted = page.waitForResponse((r) => r.url().endsWith('/api/listEvents'));
  await page.reload();
  await relisted;
  await expect(page.getByTestId('filter-method')).toHaveValue('POST');
  await expect(page.getByTestId('search')).toHaveValue('beta');
  await expect(paths).toHaveText(['/c/post']);
  // A new delivery that matches joins the filtered list live; one that does not stays out.
  await sendWebhook(server, '/d/post', '{"word":"beta"}');
  await fetch(`${server.receiverUrl}/e/get?word=beta`);
  await expect(paths).toHaveText(['/d/post', '/c/post']);

  await page.getByTestId('clear-filters').click();
  await expect(paths).toHaveCount(5);
  expect(new URL(page.url()).hash).toBe('');
});

test('job and duplicate filters, keyboard navigation and delete', async ({ page, server }) => {
  await sendShowcase(server);
  await openUi(page, server.uiUrl, server.receiverUrl);
  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(10);

  await page.getByTestId('filter-duplicates').check();
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('duplicate #2');
  await rows.click();
  await page.getByTestId('open-first-delivery').click();
  await expect(page.getByTestId('delivery-card')).toContainText('1 more copy arrived since');
  await page.getByTestId('filter-duplicates').uncheck();
  await expect(rows).toHaveCount(10);

  // Keyboard: one selection, the open row. j/k move it (and open), / searches.
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await rows.first().click();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  const title = page.getByTestId('detail-title');
  const second = await rows.nth(1).getByTestId('event-path').textContent();
  await expect(title).toContainText(second!);
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('event-list').locator('[aria-selected="true"]')).toHaveCount(1);

  // Delete acts on the open row and asks first, in the page's own dialog.
  const third = await rows.nth(2).getAttribute('data-id');
  const openId = await rows.nth(1).getAttribute('data-id');
  await page.keyboard.press('Delete');
  const dialog = page.getByTestId('confirm-delete-dialog');
  await expect(dialog).toContainText(second!);
  // Which delivery: its event type and when it was received, not just the request line.
  await expect(dialog.getByTestId('confirm-delete-what')).toContainText(', received ');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(rows).toHaveCount(10);
  await page.keyboard.press('Delete');
  await expect(dialog.getByTestId('confirm-ok')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(rows).toHaveCount(9);
  await expect(page.locator(`[data-id="${openId}"]`)).toHaveCount(0);
  await expect(page.getByTestId('event-count')).toHaveText('9');
  // The next row is open now, ready for the next key.
  await expect(page.locator(`[data-id="${third}"]`)).toHaveAttribute('aria-selected', 'true');

  // The OpenAI job link filters to that job's events.
  await rows.filter({ hasText: 'batch.failed' }).click();
  await expect(page.getByTestId('job-id')).toHaveText('batch_67a9f3d07c2c8190a4e6f1b2');
  await page.getByTestId('filter-job').click();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('batch.completed');
  await expect(rows.nth(1)).toContainText('batch.failed');
  expect(new URL(page.url()).hash).toContain('job=batch_67a9f3d07c2c8190a4e6f1b2');

  // Delete removes the open row once confirmed, for every open page.
  await rows.nth(0).click();
  await page.keyboard.press('Delete');
  await page.getByTestId('confirm-ok').click();
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('event-count')).toHaveText('8');
  await page.keyboard.press('/');
  await expect(page.getByTestId('search')).toBeFocused();
});

test('pause holds new rows back; scrolled away, new rows show as a pill', async ({
  page,
  server,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openUi(page, server.uiUrl, server.receiverUrl);
  for (let i = 0; i < 40; i++) await sendWebhook(server, `/n/${i}`, `{"n":${i}}`);
  const paths = page.getByTestId('event-path');
  await expect(paths.first()).toHaveText('/n/39');

  await page.getByTestId('pause-live').click();
  await sendWebhook(server, '/while/paused', '{"n":"paused"}');
  await expect(page.getByTestId('pause-live')).toHaveText(/Resume \(1 waiting\)/);
  await expect(paths.first()).toHaveText('/n/39');
  await page.getByTestId('pause-live').click();
  await expect(paths.first()).toHaveText('/while/paused');

  // Scrolled down, the rows in view stay put and a pill counts what arrived above.
  await page.getByTestId('event-list').evaluate((el) => el.scrollTo({ top: 20 * 48 }));
  // The path of the row at the top edge of the list's viewport.
  const firstVisible = (): Promise<string | null> =>
    page.evaluate(`(() => {
      const list = document.querySelector('[data-testid="event-list"]').getBoundingClientRect();
      const row = document.elementFromPoint(list.left + 100, list.top + 20);
      return row?.closest('[data-testid="event-row"]')?.querySelector('.row-path')?.textContent ?? null;
    })()`);
  await expect.poll(firstVisible).toBe('/n/20');
  await sendWebhook(server, '/new/one', '{"n":"one"}');
  // The same body again: a duplicate, which also changes the first one's row (not new).
  await sendWebhook(server, '/new/two', '{"n":"one"}');
  await expect(page.getByTestId('new-pill')).toHaveText('↑ 2 new');
  expect(await firstVisible()).toBe('/n/20');
  await page.getByTestId('new-pill').click();
  await expect.poll(firstVisible).toBe('/new/two');
  await expect(page.getByTestId('new-pill')).toHaveCount(0);
});

test('pin one event, open another, and diff them: JSON changes by path, headers by name', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  const post = (body: object, sig: string) =>
    fetch(`${server.receiverUrl}/diff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sig': sig },
      body: JSON.stringify(body),
    });
  await post({ type: 'batch.completed', data: { id: 'batch_1' } }, 'one');
  await post({ type: 'batch.failed', data: { id: 'batch_1' }, error: '<b>x</b>' }, 'two');
  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(2);
  await rows.nth(1).click();
  await page.getByTestId('pin').click();
  await expect(page.getByTestId('pin')).toHaveText('Unpin');
  await rows.nth(0).click();
  await page.getByTestId('diff').click();
  const panel = page.getByTestId('diff-panel');
  await expect(panel.getByTestId('diff-body')).toContainText(
    'replace /type "batch.completed" → "batch.failed"',
  );
  await expect(panel.getByTestId('diff-body')).toContainText('add /error "<b>x</b>"');
  await expect(panel.getByTestId('diff-heads')).toContainText('x-sig');
  await expect(page.locator('[data-testid="diff-panel"] b')).toHaveCount(0);
});

test('a delivery whose signature failed is "not counted", never "first delivery"', async ({
  page,
  server,
}) => {
  await sendShowcase(server);
  await openUi(page, server.uiUrl, server.receiverUrl);
  await expect(page.getByTestId('event-row')).toHaveCount(10);
  // The showcase's invoice.payment_failed is signed with a rotated secret: invalid.
  await page.getByTestId('filter-signature').selectOption('invalid');
  await page.getByTestId('event-row').first().click();
  const card = page.getByTestId('delivery-card');
  await expect(card).toContainText('not counted');
  await expect(card).not.toContainText('first delivery');
  await expect(page.getByTestId('delivery-unverified')).toContainText('did not verify');
});

test('an invalid signature on a gzip body says the signature is checked over the compressed bytes', async ({
  page,
  server,
}) => {
  await createProviderEndpoints(server);
  // Signed over the JSON, then compressed: what a sender that signs too early does.
  const d = stripeDelivery('invoice.paid', { id: 'in_1' });
  await sendWebhook(server, '/stripe', gzipSync(d.body), {
    ...d.headers,
    'content-encoding': 'gzip',
  });
  const plain = stripeDelivery('invoice.paid', { id: 'in_2' }, { secret: 'whsec_wrong' });
  await sendWebhook(server, '/stripe', plain.body, plain.headers);
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('event-row').nth(1).click();
  await expect(page.getByTestId('signature-card')).toContainText('Invalid signature');
  await expect(page.getByTestId('signature-encoded')).toContainText(
    'arrived gzip-encoded: the signature is checked over the bytes as they arrived',
  );
  // What to do starts with the encoding, not with the secret.
  await expect(page.getByTestId('signature-card').locator('.action')).toContainText(
    '→ First check how the sender signs',
  );
  // An invalid signature on a plain body has no such note.
  await page.getByTestId('event-row').nth(0).click();
  await expect(page.getByTestId('signature-card')).toContainText('Invalid signature');
  await expect(page.getByTestId('signature-encoded')).toHaveCount(0);
});
