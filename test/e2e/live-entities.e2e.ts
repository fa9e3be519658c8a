import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

/** The developer's app on 127.0.0.1:0, answering `status` (changeable). */
async function fakeApp(status: number) {
  let answer = status;
  let got = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      got++;
      res.writeHead(answer).end(answer < 300 ? 'thanks' : 'boom');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    got: () => got,
    setStatus: (s: number) => {
      answer = s;
    },
    close: () => server.close(),
  };
}

test('an endpoint changed through the API shows live; a stale save is refused and keeps the edits', async ({
  page,
  server,
}) => {
  const created = (await (
    await server.api('saveEndpoint', { name: 'Orders', path: '/orders' })
  ).json()) as { id: string };
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-endpoints').click();
  const panel = page.getByTestId('endpoints-panel');
  const row = panel.getByTestId('endpoint-row').filter({ hasText: '/orders' });
  await expect(row.locator('td').nth(4)).toHaveText('—');

  // Elsewhere: a forward target is set. The open list shows it without a reload.
  await server.api('saveEndpoint', {
    id: created.id,
    name: 'Orders',
    path: '/orders',
    forwardTo: 'http://localhost:3000/orders',
  });
  await expect(row.locator('td').nth(4)).toHaveText('http://localhost:3000/orders');

  // The form is open while it changes again elsewhere: a banner says so.
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(panel.getByTestId('ep-forward')).toHaveValue('http://localhost:3000/orders');
  await server.api('saveEndpoint', {
    id: created.id,
    name: 'Orders',
    path: '/orders',
    forwardTo: 'http://localhost:4000/new',
  });
  await expect(panel.getByTestId('ep-stale')).toContainText('This endpoint was changed elsewhere');
  await panel.getByTestId('ep-keep-editing').click();
  await expect(panel.getByTestId('ep-stale')).toHaveCount(0);

  // Saving the stale form is refused in words, and what was typed stays.
  await panel.getByTestId('ep-name').fill('Orders (mine)');
  await panel.getByTestId('ep-save').click();
  await expect(panel.getByTestId('ep-error')).toHaveText(
    'Forward target was changed elsewhere to http://localhost:4000/new; reload to see it. Your changes were not saved.',
  );
  await expect(panel.getByTestId('ep-name')).toHaveValue('Orders (mine)');
  await expect(panel.getByTestId('ep-forward')).toHaveValue('http://localhost:3000/orders');
  const stored = (await (await server.api('listEndpoints')).json()) as {
    items: { id: string; name: string; forwardTo: string | null }[];
  };
  expect(stored.items.find((e) => e.id === created.id)).toMatchObject({
    name: 'Orders',
    forwardTo: 'http://localhost:4000/new',
  });

  // Reload takes the current version; saving it then goes through and keeps the target.
  await panel.getByTestId('ep-reload').click();
  await expect(panel.getByTestId('ep-forward')).toHaveValue('http://localhost:4000/new');
  await panel.getByTestId('ep-name').fill('Orders 2');
  await panel.getByTestId('ep-save').click();
  await expect(row.locator('td').nth(0)).toHaveText('Orders 2');
  await expect(row.locator('td').nth(4)).toHaveText('http://localhost:4000/new');
});

test('endpoint form: JSON Schema field with its error at the field, and secret warnings after save', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-endpoints').click();
  const panel = page.getByTestId('endpoints-panel');
  await panel.getByTestId('new-endpoint').click();
  await panel.getByTestId('ep-name').fill('Stripe');
  await panel.getByTestId('ep-path').fill('/stripe');
  await panel.getByTestId('ep-provider').selectOption('stripe');
  await panel.getByTestId('ep-secrets').fill('sk_live_notawebhooksecret');
  const schema = panel.getByTestId('ep-json-schema');
  await schema.fill('{"type": "object", "required": ');
  await panel.getByTestId('ep-save').click();
  await expect(panel.locator('.field-error')).toContainText('not valid JSON');
  // A schema the engine cannot use: its message at the field.
  await schema.fill('{"type": "no-such-type"}');
  await panel.getByTestId('ep-save').click();
  await expect(
    panel.locator('.field-error').filter({ has: page.getByTestId('ep-json-schema') }),
  ).toContainText('not a valid JSON Schema (2020-12)');
  await expect(panel.getByTestId('ep-error')).toContainText('the JSON Schema cannot be used');
  await schema.fill('{"type": "object", "required": ["id"]}');
  await panel.getByTestId('ep-save').click();
  await expect(panel.getByTestId('ep-warnings')).toContainText('Saved endpoint "Stripe"');
  await expect(panel.getByTestId('ep-warnings')).toContainText('whsec_');
  await expect(panel.getByTestId('ep-warnings')).not.toContainText('sk_live_notawebhooksecret');

  // The schema is checked on deliveries, and shows again in the form.
  await page.keyboard.press('Escape');
  await sendWebhook(server, '/stripe/x', '{"type":"charge.succeeded"}');
  await page.getByTestId('event-row').first().click();
  await expect(page.getByTestId('event-detail').getByTestId('schema-card')).toContainText('id');
  await page.getByTestId('open-endpoints').click();
  const row = panel.getByTestId('endpoint-row').filter({ hasText: '/stripe' });
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(schema).toHaveValue(/"required": \[\s*"id"\s*\]/);
});

test('dead letters: a count in the top bar, "gave up" and Redrive on the Forwarding card', async ({
  page,
  server,
}) => {
  const app = await fakeApp(500);
  try {
    await server.api('saveSettings', {
      forwarding: { paused: false, concurrency: 1, timeoutMs: 2000, maxAttempts: 1 },
    });
    await server.api('saveEndpoint', {
      id: 'default',
      name: 'Default',
      path: '/',
      forwardTo: `${app.url}/webhooks`,
    });
    await openUi(page, server.uiUrl, server.receiverUrl);
    await expect(page.getByTestId('dead-letter-count')).toHaveCount(0);
    await sendWebhook(server, '/billing', '{"type":"invoice.failed"}');
    await expect(page.getByTestId('dead-letter-count')).toHaveText('1');

    await page.getByTestId('event-row').first().click();
    const card = page.getByTestId('forward-card');
    await expect(card.getByTestId('forward-gave-up')).toContainText(
      'Gave up: this delivery is on the dead-letter list after attempt 1 (500)',
    );
    app.setStatus(200);
    await card.getByTestId('forward-redrive').click();
    await expect(card.getByTestId('forward-redrive-result')).toHaveText(
      `Queued 1 forward again: to ${app.url}/webhooks/billing.`,
    );
    await expect(page.getByTestId('dead-letter-count')).toHaveCount(0);
    await expect.poll(() => app.got()).toBe(2);
    await expect(card.getByTestId('forward-gave-up')).toHaveCount(0);
    await expect(card.locator('tbody tr')).toHaveCount(2);
  } finally {
    app.close();
  }
});

test('settings: the per-client connection cap is shown and kept; a change elsewhere shows a banner', async ({
  page,
  server,
}) => {
  const s = (await (await server.api('getSettings')).json()) as {
    receiver: Record<string, unknown>;
    forwarding: Record<string, unknown>;
  };
  await server.api('saveSettings', { receiver: { ...s.receiver, maxConnectionsPerClient: 7 } });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-settings').click();
  const panel = page.getByTestId('settings-panel');
  await expect(panel.getByTestId('set-maxConnectionsPerClient')).toHaveValue('7');
  await panel.getByTestId('set-maxEvents').fill('5000');
  await panel.getByTestId('settings-save').click();
  await expect(panel.getByTestId('settings-message')).toHaveText(
    'Saved. The new limits apply now.',
  );
  let now = (await (await server.api('getSettings')).json()) as {
    receiver: { maxConnectionsPerClient: number };
    retention: { maxEvents: number };
  };
  expect(now.receiver.maxConnectionsPerClient).toBe(7);
  expect(now.retention.maxEvents).toBe(5000);

  await server.api('saveSettings', { forwarding: { ...s.forwarding, maxAttempts: 9 } });
  await expect(panel.getByTestId('settings-stale')).toContainText(
    'The settings were changed elsewhere',
  );
  await panel.getByTestId('set-maxEvents').fill('6000');
  await panel.getByTestId('settings-save').click();
  await expect(panel.getByTestId('settings-message')).toHaveText(
    'Attempts before the dead-letter list was changed elsewhere to 9; reload to see it. Your changes were not saved.',
  );
  await expect(panel.getByTestId('set-maxEvents')).toHaveValue('6000');
  await panel.getByTestId('settings-reload').click();
  await expect(panel.getByTestId('set-maxAttempts')).toHaveValue('9');
  now = (await (await server.api('getSettings')).json()) as typeof now;
  expect(now.retention.maxEvents).toBe(5000);
});
