import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../src/core/store/settings-store';
import { rawRequest } from '../helpers/http';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';

test('a refused delivery shows as refused with its reason, and the disk guard shows a banner', async ({
  page,
  server,
}) => {
  const limits = (patch: object) =>
    server.api('saveSettings', { receiver: { ...DEFAULT_SETTINGS.receiver, ...patch } });
  expect((await limits({ maxBodyBytes: 2048 })).status).toBe(200);
  await openUi(page, server.uiUrl, server.receiverUrl);

  expect((await rawRequest(server.receiverUrl, { path: '/fine', body: '{}' })).status).toBe(200);
  const res = await rawRequest(server.receiverUrl, { path: '/too-big', body: 'x'.repeat(5000) });
  expect(res.status).toBe(413);
  const row = page.getByTestId('event-row').filter({ hasText: '/too-big' });
  await expect(row).toContainText('refused 413');
  await row.click();
  await expect(page.getByTestId('refused')).toContainText(
    'Refused with 413: body of 5000 bytes, larger than the limit of 2048 bytes; not stored',
  );
  // The Refused filter shows refusals only.
  await page.getByTestId('filter-refused').check();
  await expect(page.getByTestId('event-row')).toHaveCount(1);
  await expect(page.getByTestId('event-row')).toContainText('/too-big');
  await page.getByTestId('filter-refused').uncheck();
  await expect(page.getByTestId('event-row')).toHaveCount(2);

  await expect(page.getByTestId('disk-low')).toHaveCount(0);
  expect((await limits({ minFreeDiskBytes: Number.MAX_SAFE_INTEGER })).status).toBe(200);
  // Pushed live: no reload.
  await expect(page.getByTestId('disk-low')).toContainText(/refused \(507.*MB free under/);
  expect((await rawRequest(server.receiverUrl, { body: '{}' })).status).toBe(507);
  expect((await limits({ minFreeDiskBytes: 0 })).status).toBe(200);
  await expect(page.getByTestId('disk-low')).toHaveCount(0);
});

test('a corrupt log set aside at start is named in a banner that can be dismissed', async ({
  page,
  launchServer,
  scratchDir,
}) => {
  const dataDir = join(scratchDir, 'data');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'hookscope.db'), 'garbage, not a database');
  const server = await launchServer({ dataDir });
  await openUi(page, server.uiUrl, server.receiverUrl);
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText(/could not be read .* moved to .*hookscope\.db\.corrupt-/);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
});

test('the settings panel changes a receiver limit, which applies at once, and explains a bad value', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-settings').click();
  const panel = page.getByTestId('settings-panel');
  await expect(panel.getByTestId('set-maxBodyMb')).toHaveValue('25');
  await panel.getByTestId('set-maxBodyMb').fill('0');
  await panel.getByTestId('settings-save').click();
  const message = panel.getByText('Largest body (MB): a number from 0.001 to 1,024', {
    exact: true,
  });
  await expect(message).toBeVisible();
  // The failing field is in view and focused; its message goes once its value is edited.
  await expect(panel.getByTestId('set-maxBodyMb')).toBeFocused();
  await panel.getByTestId('set-maxBodyMb').fill('0.002');
  await expect(message).toHaveCount(0);
  await panel.getByTestId('set-rateLimited').uncheck();
  await panel.getByTestId('settings-save').click();
  await expect(panel.getByTestId('settings-message')).toHaveText(
    'Saved. The new limits apply now.',
  );
  const saved = (await (await server.api('getSettings')).json()) as {
    receiver: { maxBodyBytes: number; rateLimit: unknown };
  };
  expect(saved.receiver).toMatchObject({ maxBodyBytes: 2097, rateLimit: null });
  expect((await rawRequest(server.receiverUrl, { body: 'x'.repeat(3000) })).status).toBe(413);
  expect((await rawRequest(server.receiverUrl, { body: 'x'.repeat(2000) })).status).toBe(200);
});
