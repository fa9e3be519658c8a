import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';

test('endpoints: create with the contract’s validation messages, edit, delete', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-endpoints').click();
  const panel = page.getByTestId('endpoints-panel');
  await expect(panel.getByTestId('endpoint-row')).toHaveCount(1);
  await panel.getByTestId('new-endpoint').click();
  await panel.getByTestId('ep-name').fill('Stripe');
  await panel.getByTestId('ep-path').fill('stripe hooks');
  await panel.getByTestId('ep-forward').fill('ftp://nope');
  await panel.getByTestId('ep-save').click();
  await expect(panel.locator('.field-error')).toHaveCount(2);
  await expect(panel).toContainText('must start with / and contain no spaces, ? or #');

  await panel.getByTestId('ep-path').fill('/stripe');
  await panel.getByTestId('ep-forward').fill('http://localhost:3000/webhooks');
  await panel.getByTestId('ep-provider').selectOption('stripe');
  await panel.getByTestId('ep-secrets').fill('whsec_one\nwhsec_two');
  await panel.getByTestId('ep-save').click();
  const stripe = panel.getByTestId('endpoint-row').filter({ hasText: '/stripe' });
  await expect(stripe).toContainText('Stripe');
  await expect(stripe.locator('td').nth(3)).toHaveText('2');

  // The engine's own errors show too: a second endpoint on the same path is a conflict.
  await panel.getByTestId('new-endpoint').click();
  await panel.getByTestId('ep-name').fill('Other');
  await panel.getByTestId('ep-path').fill('/stripe');
  await panel.getByTestId('ep-save').click();
  await expect(panel.getByTestId('ep-error')).toContainText('already uses /stripe');
  await panel.getByRole('button', { name: 'Cancel' }).click();

  await stripe.getByRole('button', { name: 'Edit' }).click();
  await expect(panel.getByTestId('ep-path')).toHaveValue('/stripe');
  await panel.getByTestId('ep-status').fill('202');
  await panel.getByTestId('ep-save').click();
  await expect(stripe.locator('td').nth(5)).toHaveText('202');
  await stripe.getByRole('button', { name: 'Delete' }).click();
  await stripe.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(panel.getByTestId('endpoint-row')).toHaveCount(1);
});
