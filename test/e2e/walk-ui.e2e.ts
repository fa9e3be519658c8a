import { DEFAULT_SETTINGS } from '../../src/core/store/settings-store';
import { rawRequest } from '../helpers/http';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { createProviderEndpoints, sendWebhook, stripeDelivery } from './helpers/webhooks';

// What a new user found walking the product (issue 14, UI side).

test('the tunnel popover fits a laptop window and says whether an authtoken is configured, never showing it', async ({
  page,
  launchServer,
}) => {
  // A short laptop window (the popover is taller than this without its cap).
  await page.setViewportSize({ width: 1280, height: 520 });
  const server = await launchServer({ env: { NGROK_AUTHTOKEN: '', HOME: '/nonexistent' } });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('tunnel-authtoken').click();
  const popover = page.getByTestId('tunnel-popover');
  await expect(popover.getByTestId('tunnel-authtoken-status')).toHaveText(
    'Authtoken: not configured',
  );
  // Within the window; its body scrolls to the last option.
  const box = (await popover.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(520);
  await popover.getByTestId('tunnel-options-save').scrollIntoViewIfNeeded();
  await expect(popover.getByTestId('tunnel-options-save')).toBeInViewport();
  await page.screenshot({ path: 'test-results/tunnel-popover.png' });

  const token = '2abcDEFghiJKLmnoPQRstuVWXyz_0123456789abcdefGHIJ';
  await server.api('saveTunnelSettings', { authtoken: token });
  await expect(popover.getByTestId('tunnel-authtoken-status')).toHaveText(
    'Authtoken: configured (from settings) Remove',
  );
  await expect(popover.getByText('Replace the ngrok authtoken')).toBeVisible();
  expect(await page.content()).not.toContain(token);
  await popover.getByTestId('tunnel-token-remove').click();
  await expect(popover.getByTestId('tunnel-authtoken-status')).toHaveText(
    'Authtoken: not configured',
  );
  const stored = (await (await server.api('getTunnelSettings')).json()) as {
    authtoken: { configured: boolean };
  };
  expect(stored.authtoken.configured).toBe(false);
});

test('an authtoken from NGROK_AUTHTOKEN is said to come from there, with no Remove', async ({
  page,
  launchServer,
}) => {
  const server = await launchServer({
    env: { NGROK_AUTHTOKEN: '2envTokenABCdefGHIjklMNOpqrSTUvwx_0123456789', HOME: '/nonexistent' },
  });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('tunnel-authtoken').click();
  const popover = page.getByTestId('tunnel-popover');
  await expect(popover.getByTestId('tunnel-authtoken-status')).toHaveText(
    'Authtoken: configured (from NGROK_AUTHTOKEN)',
  );
  await expect(popover.getByTestId('tunnel-token-remove')).toHaveCount(0);
  expect(await page.content()).not.toContain('2envTokenABC');
});

test('endpoint form: an empty path says one thing, and a failed save brings the field into view, focused', async ({
  page,
  server,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-endpoints').click();
  const panel = page.getByTestId('endpoints-panel');
  await panel.getByTestId('new-endpoint').click();
  await panel.getByTestId('ep-name').fill('Orders');
  // The user is at the bottom of the form when they save.
  await panel.getByTestId('ep-save').scrollIntoViewIfNeeded();
  await panel.getByTestId('ep-save').click();
  const pathField = panel.locator('.field-error').filter({ has: page.getByTestId('ep-path') });
  await expect(pathField.locator('.field-msg')).toHaveText(
    'required: a path starting with /, such as /stripe',
  );
  await expect(panel.getByTestId('ep-path')).toBeFocused();
  await expect(pathField.locator('.field-label')).toBeInViewport();
});

test('list: a filter that hides the open event closes it; Delete then has nothing to act on', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await sendWebhook(server, '/a/kept', '{"n":1}');
  await sendWebhook(server, '/b/hidden', '{"n":2}');
  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(2);
  await rows.filter({ hasText: '/b/hidden' }).click();
  await expect(page.getByTestId('event-detail')).toContainText('/b/hidden');
  await page.getByTestId('filter-method').selectOption('GET');
  await expect(page.getByTestId('no-match')).toBeVisible();
  await page.getByTestId('filter-method').selectOption('');
  await expect(rows).toHaveCount(2);
  await rows.filter({ hasText: '/b/hidden' }).click();
  await page.getByTestId('search').fill('kept');
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('event-detail')).toHaveCount(0);
  await page.locator('body').click();
  await page.keyboard.press('Delete');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(((await (await server.api('getStatus')).json()) as { events: number }).events).toBe(2);
  // An open event the filter keeps stays open.
  await rows.first().click();
  await page.getByTestId('search').fill('path:kept');
  await expect(page.getByTestId('event-detail')).toContainText('/a/kept');
});

test('search: a query with no word in it says there is nothing to search for', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  for (const q of ['(', '*', '""']) {
    await page.getByTestId('search').fill(q);
    await expect(page.getByTestId('search-hint')).toContainText(
      `Nothing to search for in ${JSON.stringify(q)}: search matches words (letters and digits)`,
    );
  }
  await page.getByTestId('search').fill('refund');
  await expect(page.getByTestId('search-hint')).not.toContainText('Nothing to search for');
});

test('refused events: Replay and Copy as cURL are off, with the reason', async ({
  page,
  server,
}) => {
  await server.api('saveSettings', {
    receiver: { ...DEFAULT_SETTINGS.receiver, maxBodyBytes: 2048 },
  });
  await openUi(page, server.uiUrl, server.receiverUrl);
  const res = await rawRequest(server.receiverUrl, { path: '/too-big', body: 'x'.repeat(5000) });
  expect(res.status).toBe(413);
  await page.getByTestId('event-row').filter({ hasText: '/too-big' }).click();
  const detail = page.getByTestId('event-detail');
  await expect(detail.getByTestId('replay')).toBeDisabled();
  await expect(detail.getByTestId('copy-curl')).toBeDisabled();
  await expect(detail.getByTestId('refused-note')).toHaveText(
    'Refused by the receiver (413): its body was not kept, so it cannot be replayed or copied as cURL.',
  );
});

test('rows give endpoint names room (full name on hover); one word per signature verdict', async ({
  page,
  server,
}) => {
  await createProviderEndpoints(server);
  const stripe = (await (await server.api('listEndpoints')).json()) as {
    items: { id: string; path: string; provider: string }[];
  };
  const id = stripe.items.find((e) => e.path === '/stripe')!.id;
  const name = 'Stripe payments (production, EU)';
  await server.api('saveEndpoint', {
    id,
    name,
    path: '/stripe',
    provider: 'stripe',
  });
  await openUi(page, server.uiUrl, server.receiverUrl);
  const bad = stripeDelivery('payment_intent.succeeded', { id: 'pi_1' }, { secret: 'whsec_wrong' });
  await sendWebhook(server, '/stripe', bad.body, bad.headers);
  const row = page.getByTestId('event-row').first();
  const endpoint = row.getByTestId('row-endpoint');
  await expect(endpoint).toHaveText(name);
  await expect(endpoint).toHaveAttribute('title', `Endpoint: ${name}`);
  expect(await endpoint.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await page.screenshot({ path: 'test-results/row-endpoint.png' });

  // The same words on the pill, in the filter and on the detail's card.
  await expect(row).toContainText('invalid signature');
  await expect(page.getByTestId('filter-signature').locator('option')).toContainText([
    'Invalid signature',
  ]);
  await row.click();
  await expect(page.getByTestId('signature-card')).toContainText('Invalid signature');
  await page.getByTestId('filter-signature').selectOption('invalid');
  await expect(page.getByTestId('event-row')).toHaveCount(1);
});

test('Send a sample lists the default endpoint once', async ({ page, server }) => {
  await server.api('saveEndpoint', { name: 'Orders', path: '/orders' });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-data').click();
  await page.getByTestId('send-sample').click();
  const options = page.getByTestId('sample-endpoint').locator('option');
  await expect(options).toHaveCount(2);
  await expect(options.filter({ hasText: /\(\/[,)]/ })).toHaveCount(1);
});
