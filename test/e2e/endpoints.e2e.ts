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
  // A new endpoint's path starts empty: `/` is the default endpoint's.
  await expect(panel.getByTestId('ep-path')).toHaveValue('');
  await panel.getByTestId('ep-path').fill('/stripe');
  await panel.getByTestId('ep-save').click();
  // Said at the Path field, not at the bottom of the form.
  await expect(
    panel.locator('.field-error').filter({ has: page.getByTestId('ep-path') }),
  ).toContainText('already uses /stripe');
  // Once: not again above the buttons.
  await expect(panel.getByText(/already uses \/stripe/)).toHaveCount(1);
  await expect(panel.getByTestId('ep-error')).toHaveCount(0);
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

test('endpoints: 401 on bad signatures and simulated failures, set from the form', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-endpoints').click();
  const panel = page.getByTestId('endpoints-panel');
  await panel.getByTestId('new-endpoint').click();
  await panel.getByTestId('ep-name').fill('GitHub');
  await panel.getByTestId('ep-path').fill('/gh');
  await panel.getByTestId('ep-provider').selectOption('github');
  await panel.getByTestId('ep-secrets').fill('s3cret');
  await panel.getByTestId('ep-reject-bad').check();
  await panel.getByTestId('ep-fail-status').fill('99');
  await panel.getByTestId('ep-fail-next').fill('1');
  await panel.getByTestId('ep-save').click();
  await expect(panel).toContainText('Status: expected a whole number from 400 to 599, got 99');
  await panel.getByTestId('ep-fail-status').fill('503');
  await panel.getByTestId('ep-save').click();
  await expect(panel.getByTestId('endpoint-row').filter({ hasText: '/gh' })).toHaveCount(1);

  const post = () =>
    fetch(`${server.receiverUrl}/gh`, {
      method: 'POST',
      headers: { 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body: '{}',
    }).then((r) => r.status);
  expect(await post()).toBe(503); // the simulated failure comes first
  expect(await post()).toBe(401); // then the signature check answers like production
});
