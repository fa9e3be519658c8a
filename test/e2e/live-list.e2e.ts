import { expect, test } from './helpers/serve';
import { apiPath, openUi } from './helpers/ui';
import { sendRaw, sendWebhook } from './helpers/webhooks';

test('shows the receiver URL and lists deliveries live, newest first', async ({ page, server }) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  // The token is taken from the fragment and then removed from the address bar.
  expect(page.url()).not.toContain('token');
  await expect(page.getByTestId('event-count')).toHaveText('0');
  await expect(page.getByTestId('event-row')).toHaveCount(0);

  await sendWebhook(server, '/github/push', '{"n":1}');
  await sendWebhook(server, '/stripe/charge', '{"n":2}');
  await sendWebhook(server, '/openai/batch', '{"n":3}');

  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(3);
  await expect(page.getByTestId('event-path')).toHaveText([
    '/openai/batch',
    '/stripe/charge',
    '/github/push',
  ]);
  await expect(page.getByTestId('event-count')).toHaveText('3');
  await expect(rows.first()).toContainText('POST');
});

test('clicking a row shows the exact body and the headers sent', async ({ page, server }) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  // Indentation, blank lines, non-ASCII and a trailing newline must all survive.
  const body =
    JSON.stringify({ id: 'evt_42', data: { note: '  two  spaces\n\nand ünïcødé ✓' } }, null, 2) +
    '\n';
  await sendWebhook(server, '/hooks/first', '{"other":true}');
  await sendWebhook(server, '/hooks/detail', body, {
    'x-e2e-marker': 'marker-value-123',
    'x-request-id': 'req-abc',
  });
  await expect(page.getByTestId('event-row')).toHaveCount(2);
  await expect(page.getByTestId('event-detail')).toHaveCount(0);

  await page.getByTestId('event-row').filter({ hasText: '/hooks/detail' }).click();
  const detail = page.getByTestId('event-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId('detail-title')).toHaveText('POST /hooks/detail');
  // textContent, not the whitespace-normalised text: the body must be shown byte for byte.
  await detail.getByTestId('tab-body').click();
  await detail.getByTestId('body-mode-raw').click();
  await expect(page.getByTestId('event-body')).toHaveJSProperty('textContent', body);
  // The chosen tab stays chosen for the next event; the headers are on their own tab.
  await detail.getByTestId('tab-headers').click();

  const header = (name: string) =>
    detail
      .locator('tr')
      .filter({ has: page.locator('th', { hasText: new RegExp(`^${name}$`, 'i') }) });
  await expect(header('x-e2e-marker').locator('td')).toHaveText('marker-value-123');
  await expect(header('x-request-id').locator('td')).toHaveText('req-abc');
  await expect(header('content-type').locator('td')).toHaveText('application/json');

  // Selecting another row replaces the detail.
  await page.getByTestId('event-row').filter({ hasText: '/hooks/first' }).click();
  await expect(detail.getByTestId('detail-title')).toHaveText('POST /hooks/first');
  await expect(header('x-e2e-marker')).toHaveCount(0);
  await expect(header('content-type').locator('td')).toHaveText('application/json');
  await detail.getByTestId('tab-body').click();
  await detail.getByTestId('body-mode-raw').click();
  await expect(page.getByTestId('event-body')).toHaveJSProperty('textContent', '{"other":true}');
});

test('markup in a path or body is shown as text, never run', async ({ page, server }) => {
  const pageErrors: Error[] = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  await openUi(page, server.uiUrl, server.receiverUrl);

  const body = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  const path = '/xss/<b>x</b>';
  expect(await sendRaw(server, path, body)).toBe(200);

  const row = page.getByTestId('event-row');
  await expect(row).toHaveCount(1);
  await expect(page.getByTestId('event-path')).toHaveText(path);
  await row.click();
  const detail = page.getByTestId('event-detail');
  await expect(detail.getByTestId('detail-title')).toHaveText(`POST ${path}`);
  await detail.getByTestId('tab-body').click();
  await expect(page.getByTestId('event-body')).toHaveJSProperty('textContent', body);
  await expect(page.getByTestId('event-body')).toBeVisible();
  await expect(page.getByText(body, { exact: true })).toBeVisible();

  // Nothing of it became markup, and nothing of it ran.
  await expect(page.locator('img[src=x]')).toHaveCount(0);
  await expect(page.locator('img')).toHaveCount(0);
  await expect(page.locator('b')).toHaveCount(0);
  await expect(page.locator('script:not([src])')).toHaveCount(0);
  expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(pageErrors).toEqual([]);
});

test('the list survives a reload and shows what arrived while the page was closed', async ({
  page,
  server,
  context,
  launchServer,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await sendWebhook(server, '/before/one', '1');
  await sendWebhook(server, '/before/two', '2');
  const paths = page.getByTestId('event-path');
  await expect(paths).toHaveText(['/before/two', '/before/one']);

  // A reload has no token in the address any more: the tab's session keeps it, and the
  // list comes back from the log (the new stream only carries what happens from now on).
  const relisted = page.waitForResponse((r) => apiPath(r.url()) === '/api/listEvents' && r.ok());
  await page.reload();
  await relisted;
  await expect(page.getByTestId('receiver-url')).toHaveText(server.receiverUrl);
  await expect(paths).toHaveText(['/before/two', '/before/one']);

  // Deliveries while no page is open are on the next load.
  await page.close();
  await sendWebhook(server, '/while/closed', '3');
  const next = await context.newPage();
  await openUi(next, server.uiUrl, server.receiverUrl);
  await expect(next.getByTestId('event-path')).toHaveText([
    '/while/closed',
    '/before/two',
    '/before/one',
  ]);
  await next.close();

  // And the log outlives the server: a new one on the same data dir lists them all.
  await server.stop();
  const again = await launchServer({ dataDir: server.dataDir });
  const after = await context.newPage();
  await openUi(after, again.uiUrl, again.receiverUrl);
  await expect(after.getByTestId('event-path')).toHaveText([
    '/while/closed',
    '/before/two',
    '/before/one',
  ]);
  await sendWebhook(again, '/after/restart', '4');
  await expect(after.getByTestId('event-path').first()).toHaveText('/after/restart');
  await expect(after.getByTestId('event-row')).toHaveCount(4);
});

test('without the #token fragment the page says there is no connection', async ({
  page,
  server,
}) => {
  const res = await page.goto(server.apiUrl);
  expect(res?.status()).toBe(200);
  const alert = page.getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('No connection');
  await expect(page.getByTestId('event-list')).toHaveCount(0);
});
