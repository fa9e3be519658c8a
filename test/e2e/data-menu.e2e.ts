import { readFileSync } from 'node:fs';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { createProviderEndpoints, sendWebhook } from './helpers/webhooks';

test('the data menu exports, imports, and sends a signed sample', async ({ page, server }) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await sendWebhook(server, '/orders/42', '{"type":"order.paid","id":42}');
  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(1);

  // Export NDJSON: a download with the stored event, the same as exportEvents.
  await page.getByTestId('open-data').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-ndjson').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^hookscope-.*\.ndjson$/);
  const file = await download.path();
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ path: '/orders/42' });
  await expect(page.getByTestId('data-result')).toHaveText('Exported 1 event as NDJSON.');

  // Import it back into the log it came from: its id is there, so nothing is added.
  await page.getByTestId('import-file').setInputFiles({
    name: 'back.ndjson',
    mimeType: 'application/x-ndjson',
    buffer: readFileSync(file),
  });
  await expect(page.getByTestId('data-result')).toHaveText(
    'Imported 0 events from back.ndjson. 1 was already in the log (the same event id) and left out.',
  );
  await expect(rows).toHaveCount(1);

  // An export of another log's event: one more event, tagged imported in the list and detail.
  const other = { ...JSON.parse(lines[0]!), id: '0190a0a0-0000-7000-8000-000000000001' };
  await page.getByTestId('import-file').setInputFiles({
    name: 'other.ndjson',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(JSON.stringify(other) + '\n'),
  });
  await expect(page.getByTestId('data-result')).toHaveText('Imported 1 event from other.ndjson.');
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('event-count')).toHaveText('2');
  await expect(page.getByTestId('imported-tag')).toHaveCount(1);
  await expect(page.getByTestId('imported-tag')).toHaveText('imported');
  // Its detail says whose verdict it is, and gives no advice about this log's secrets.
  await page.keyboard.press('Escape');
  await page.getByTestId('imported-tag').click();
  await expect(page.getByTestId('signature-imported')).toContainText('This log did not check it');
  await expect(page.getByTestId('signature-card').locator('.action')).toHaveCount(0);
  await page.getByTestId('open-data').click();

  // A bad file: the engine's answer in words, the menu still works.
  await page.getByTestId('import-file').setInputFiles({
    name: 'bad.har',
    mimeType: 'application/json',
    buffer: Buffer.from('not a har'),
  });
  await expect(page.getByTestId('data-result')).toHaveAttribute('role', 'alert');
  await expect(rows).toHaveCount(2);
  // Escape closes the menu.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('data-menu')).toHaveCount(0);

  // Send a sample: the Stripe endpoint with a secret is picked, the delivery is signed.
  await createProviderEndpoints(server);
  await page.getByTestId('open-data').click();
  await page.getByTestId('send-sample').click();
  const dialog = page.getByTestId('sample-dialog');
  await dialog.getByTestId('sample-select').selectOption('stripe.payment_intent.succeeded');
  await expect(dialog.getByTestId('sample-endpoint')).toHaveValue(/.+/);
  await dialog.getByTestId('sample-send').click();
  await expect(dialog.getByTestId('sample-answer')).toContainText('Signed');
  await expect(dialog.getByTestId('sample-answer')).toContainText('/stripe');
  await expect(dialog.getByTestId('sample-answer')).toContainText('answered 200');
  await page.keyboard.press('Escape');
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText('signed');
});

test('the tunnel Options popover closes on Escape and on a click outside', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  const popover = page.getByTestId('tunnel-popover');
  await page.getByTestId('tunnel-authtoken').click();
  await expect(popover).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(popover).toHaveCount(0);
  await page.getByTestId('tunnel-authtoken').click();
  await expect(popover).toBeVisible();
  await popover.getByTestId('tunnel-token').click(); // a click inside keeps it
  await expect(popover).toBeVisible();
  await page
    .locator('.list-pane, .empty')
    .first()
    .click({ position: { x: 20, y: 200 } });
  await expect(popover).toHaveCount(0);
});

test('the sample dialog is the one dialog open: the list keys wait behind it, Escape closes it', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await sendWebhook(server, '/orders/1', '{"type":"order.paid","id":1}');
  await expect(page.getByTestId('event-row')).toHaveCount(1);
  await page.getByTestId('open-data').click();
  await page.getByTestId('send-sample').click();
  const dialog = page.getByTestId('sample-dialog');
  await expect(dialog).toBeVisible();
  // j opens the next row, but not from behind a dialog (the row would open in the URL at once).
  await dialog.focus();
  await page.keyboard.press('j');
  expect(page.url()).not.toMatch(/event=/);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.keyboard.press('j');
  await expect(page).toHaveURL(/event=/);
  await expect(page.getByTestId('event-detail')).toBeVisible();
});
