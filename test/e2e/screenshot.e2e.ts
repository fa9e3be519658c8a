import { expect, test } from './helpers/serve';
import { sendShowcase } from './helpers/showcase';
import { openUi } from './helpers/ui';

test('saves the main view as docs/screenshot.png (light) and docs/screenshot-dark.png', async ({
  page,
  server,
}) => {
  await sendShowcase(server);
  await page.setViewportSize({ width: 1280, height: 720 });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await expect(page.getByTestId('event-row')).toHaveCount(10);
  await page.getByTestId('event-row').filter({ hasText: 'invoice.payment_failed' }).click();
  await expect(page.getByTestId('signature-card')).toContainText('Invalid signature');
  await expect(page.getByTestId('event-count')).toHaveText('10');
  await page.mouse.move(1279, 719); // no hover highlight in the picture
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: 'docs/screenshot.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'docs/screenshot-dark.png' });
});
