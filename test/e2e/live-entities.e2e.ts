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

  // The form is open and the user has typed a new name while the forward target changes
  // elsewhere: the edits do not overlap, so the form takes the new target and keeps the name.
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(panel.getByTestId('ep-forward')).toHaveValue('http://localhost:3000/orders');
  await panel.getByTestId('ep-name').fill('Orders (mine)');
  await server.api('saveEndpoint', {
    id: created.id,
    name: 'Orders',
    path: '/orders',
    forwardTo: 'http://localhost:4000/new',
  });
  await expect(panel.getByTestId('ep-merged')).toHaveText(
    'This endpoint was changed elsewhere. Taken into this form: Forward to. Your edits to the other fields are kept; saving keeps both.',
  );
  await expect(panel.getByTestId('ep-forward')).toHaveValue('http://localhost:4000/new');
  await expect(panel.getByTestId('ep-name')).toHaveValue('Orders (mine)');
  await panel.getByTestId('ep-save').click();
  await expect(row.locator('td').nth(0)).toHaveText('Orders (mine)');
  await expect(row.locator('td').nth(4)).toHaveText('http://localhost:4000/new');

  // Overlap: both change the forward target (and the user the status too). The form shows
  // yours and theirs for the target and lets the user choose; the status edit stays.
  await row.getByRole('button', { name: 'Edit' }).click();
  await panel.getByTestId('ep-forward').fill('http://localhost:5000/mine');
  await panel.getByTestId('ep-status').fill('202');
  await server.api('saveEndpoint', {
    id: created.id,
    name: 'Orders (renamed elsewhere)',
    path: '/orders',
    forwardTo: 'http://localhost:6000/theirs',
  });
  const conflict = panel.getByTestId('ep-conflict-forwardTo');
  await expect(conflict).toContainText('Forward to');
  await expect(conflict).toContainText('http://localhost:5000/mine');
  await expect(conflict).toContainText('http://localhost:6000/theirs');
  // The choice has the focus; Save waits for it (pressing it brings the choice back in view).
  await expect(panel.getByTestId('ep-stale')).toBeFocused();
  await expect(panel.getByTestId('ep-save-waits')).toHaveText(
    'Apply your choice above first: Apply these choices, or keep mine or theirs for all.',
  );
  await expect(panel.getByTestId('ep-forward')).toHaveValue('http://localhost:5000/mine');
  // While the choice waits, a field the user did not touch already shows the new version,
  // and the banner says so.
  await expect(panel.getByTestId('ep-name')).toHaveValue('Orders (renamed elsewhere)');
  await expect(panel.getByTestId('ep-taken')).toHaveText('Already taken into this form: Name.');
  await page.screenshot({ path: 'test-results/merge-conflict.png' });
  await panel.getByTestId('ep-theirs-forwardTo').check();
  await panel.getByTestId('ep-apply').click();
  // Theirs chosen: the note names it among what came from elsewhere.
  await expect(panel.getByTestId('ep-merged')).toHaveText(
    'This endpoint was changed elsewhere. Taken into this form: Name, Forward to. Your edits to the other fields are kept; saving keeps both.',
  );
  await expect(panel.getByTestId('ep-forward')).toHaveValue('http://localhost:6000/theirs');
  await expect(panel.getByTestId('ep-status')).toHaveValue('202');
  await panel.getByTestId('ep-save').click();
  await expect(row.locator('td').nth(5)).toHaveText('202');
  await expect(row.locator('td').nth(4)).toHaveText('http://localhost:6000/theirs');

  // "Keep mine for all" takes the user's value over the other change.
  await row.getByRole('button', { name: 'Edit' }).click();
  await panel.getByTestId('ep-name').fill('Mine wins');
  await server.api('saveEndpoint', {
    id: created.id,
    name: 'Theirs',
    path: '/orders',
    forwardTo: 'http://localhost:6000/theirs',
  });
  await panel.getByTestId('ep-keep-mine').click();
  await expect(panel.getByTestId('ep-name')).toHaveValue('Mine wins');
  await panel.getByTestId('ep-save').click();
  await expect(row.locator('td').nth(0)).toHaveText('Mine wins');
  const stored = (await (await server.api('listEndpoints')).json()) as {
    items: { id: string; name: string; forwardTo: string | null }[];
  };
  expect(stored.items.find((e) => e.id === created.id)).toMatchObject({
    name: 'Mine wins',
    forwardTo: 'http://localhost:6000/theirs',
  });
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
  ).toContainText(
    'not a valid JSON Schema (2020-12): /type must be one of: array, boolean, integer, null, number, object, string, or a list (got "no-such-type")',
  );
  // Said once, at the field.
  await expect(panel.getByTestId('ep-error')).toHaveCount(0);
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

  // Saved elsewhere while the user edits another field: merged, and the save keeps both.
  await panel.getByTestId('set-maxEvents').fill('6000');
  await server.api('saveSettings', { forwarding: { ...s.forwarding, maxAttempts: 9 } });
  await expect(panel.getByTestId('settings-merged')).toContainText(
    'Taken into this form: Attempts before the dead-letter list.',
  );
  await expect(panel.getByTestId('set-maxAttempts')).toHaveValue('9');
  await expect(panel.getByTestId('set-maxEvents')).toHaveValue('6000');
  await panel.getByTestId('settings-save').click();
  await expect(panel.getByTestId('settings-message')).toHaveText(
    'Saved. The new limits apply now.',
  );
  now = (await (await server.api('getSettings')).json()) as typeof now;
  expect(now.retention.maxEvents).toBe(6000);
  expect((now as unknown as { forwarding: { maxAttempts: number } }).forwarding.maxAttempts).toBe(
    9,
  );

  // The same field changed on both sides: yours and theirs, "Keep theirs for all" takes theirs.
  await panel.getByTestId('set-maxEvents').fill('7000');
  await server.api('saveSettings', { retention: { maxEvents: 8000, maxAgeDays: null } });
  const conflict = panel.getByTestId('settings-conflict-maxEvents');
  await expect(conflict).toContainText('Keep at most (events)');
  await expect(conflict).toContainText('7000');
  await expect(conflict).toContainText('8000');
  await panel.getByTestId('settings-keep-theirs').click();
  await expect(panel.getByTestId('set-maxEvents')).toHaveValue('8000');
  await expect(panel.getByTestId('settings-save')).toBeEnabled();
});

test('settings: every bad field is said in one round, naming the field and what it takes', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-settings').click();
  const panel = page.getByTestId('settings-panel');
  await panel.getByTestId('set-maxEvents').fill('0');
  await panel.getByTestId('set-concurrency').fill('lots');
  await panel.getByTestId('set-maxBodyMb').fill('5000');
  await panel.getByTestId('settings-save').click();
  await expect(panel.locator('.field-error')).toHaveCount(3);
  await expect(panel.locator('.field-error').nth(0)).toContainText(
    'Keep at most (events): a whole number of at least 1, or blank for no limit',
  );
  await expect(panel.locator('.field-error').nth(1)).toContainText(
    'Forwards at once: a whole number from 1 to 64',
  );
  await expect(panel.locator('.field-error').nth(2)).toContainText(
    'Largest body (MB): a number from 0.001 to 1,024',
  );
});
