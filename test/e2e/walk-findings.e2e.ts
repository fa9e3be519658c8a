import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type HookscopeServer } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

/** The developer's app on 127.0.0.1:0, answering `status` (changeable) with a body naming it. */
async function fakeApp(status: number) {
  let answer = status;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(answer).end(`answered ${answer}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setStatus: (s: number) => {
      answer = s;
    },
    close: () => server.close(),
  };
}

/** `n` deliveries whose one forward attempt fails: `n` dead letters. */
async function deadLetters(server: HookscopeServer, appUrl: string, n: number): Promise<void> {
  await server.api('saveSettings', {
    forwarding: { paused: false, concurrency: 1, timeoutMs: 2000, maxAttempts: 1 },
  });
  await server.api('saveEndpoint', {
    id: 'default',
    name: 'Default',
    path: '/',
    forwardTo: `${appUrl}/hooks`,
  });
  for (let i = 1; i <= n; i++) await sendWebhook(server, `/order/${i}`, `{"n":${i}}`);
  await expect
    .poll(async () => {
      const r = (await (await server.api('listDeadLetters', { limit: 100 })).json()) as {
        items: unknown[];
      };
      return r.items.length;
    })
    .toBe(n);
}

// What a new user's walk of the UI found (issue 15 follow-up).

test('endpoint form: Escape or the backdrop with unsaved edits asks first; Keep editing keeps them', async ({
  page,
  server,
}) => {
  await server.api('saveEndpoint', {
    name: 'Orders',
    path: '/orders',
    forwardTo: 'http://localhost:3000/old',
  });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-endpoints').click();
  const panel = page.getByTestId('endpoints-panel');
  const row = panel.getByTestId('endpoint-row').filter({ hasText: '/orders' });
  const bar = panel.getByTestId('discard-bar');

  // No edits: Escape closes at once, as before.
  await row.getByRole('button', { name: 'Edit' }).click();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  await page.getByTestId('open-endpoints').click();
  await row.getByRole('button', { name: 'Edit' }).click();
  const forward = panel.getByTestId('ep-forward');
  await forward.fill('http://localhost:3000/new');
  // Escape asks; Escape again keeps the edits, the focus back in the field.
  await page.keyboard.press('Escape');
  await expect(bar).toContainText('Discard your changes?');
  await expect(bar.getByTestId('discard-keep')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(bar).toHaveCount(0);
  await expect(forward).toHaveValue('http://localhost:3000/new');
  await expect(forward).toBeFocused();
  // Enter on Keep editing keeps them too.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  await expect(bar).toHaveCount(0);
  await expect(panel).toBeVisible();
  await expect(forward).toHaveValue('http://localhost:3000/new');
  // A click on the backdrop asks as well.
  await page.mouse.click(5, 400);
  await expect(bar).toBeVisible();
  await bar.getByTestId('discard-keep').click();
  await expect(forward).toHaveValue('http://localhost:3000/new');
  // Typed back to what it was: nothing to lose, Escape closes at once.
  await forward.fill('http://localhost:3000/old');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  // Discard closes and throws the edits away.
  await page.getByTestId('open-endpoints').click();
  await row.getByRole('button', { name: 'Edit' }).click();
  await forward.fill('http://localhost:3000/new');
  await panel.getByRole('button', { name: 'Close' }).click();
  await bar.getByTestId('discard-confirm').click();
  await expect(panel).toHaveCount(0);
  await page.getByTestId('open-endpoints').click();
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(forward).toHaveValue('http://localhost:3000/old');

  // A new endpoint with a name typed asks too.
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await panel.getByTestId('new-endpoint').click();
  await panel.getByTestId('ep-name').fill('Half typed');
  await page.keyboard.press('Escape');
  await expect(bar).toBeVisible();
});

test('settings: Escape, the backdrop and Close with unsaved edits ask first', async ({
  page,
  server,
}) => {
  await page.setViewportSize({ width: 1280, height: 600 });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-settings').click();
  const panel = page.getByTestId('settings-panel');
  const bar = panel.getByTestId('discard-bar');
  // No edits: Escape closes at once.
  await expect(panel.getByTestId('set-maxEvents')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  await page.getByTestId('open-settings').click();
  const burst = panel.getByTestId('set-burst');
  await panel.getByTestId('set-rateLimited').check();
  const burstWas = await burst.inputValue();
  expect(burstWas).not.toBe('77');
  await burst.fill('77');
  // Asked where the user is: the bar is in view at the bottom of the form too.
  await page.keyboard.press('Escape');
  await expect(bar).toBeInViewport();
  await page.screenshot({ path: 'test-results/settings-discard.png' });
  await page.keyboard.press('Escape');
  await expect(burst).toHaveValue('77');
  await page.mouse.click(5, 300);
  await expect(bar).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(burst).toHaveValue('77');
  await panel.locator('.form-actions').getByRole('button', { name: 'Close' }).click();
  await expect(bar).toBeVisible();
  await bar.getByTestId('discard-confirm').click();
  await expect(panel).toHaveCount(0);
  await page.getByTestId('open-settings').click();
  await panel.getByTestId('set-rateLimited').check();
  await expect(burst).toHaveValue(burstWas);

  // After a save nothing is unsaved: Escape closes at once.
  await panel.getByTestId('set-maxEvents').fill('4321');
  await panel.getByTestId('settings-save').click();
  await expect(panel.getByTestId('settings-message')).toHaveText(
    'Saved. The new limits apply now.',
  );
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
});

test('changed elsewhere while editing lower down: the choice comes into view with the focus, and Save brings it back', async ({
  page,
  server,
}) => {
  await page.setViewportSize({ width: 1280, height: 560 });
  const created = (await (
    await server.api('saveEndpoint', { name: 'Orders', path: '/orders' })
  ).json()) as { id: string };
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-endpoints').click();
  const panel = page.getByTestId('endpoints-panel');
  const row = panel.getByTestId('endpoint-row').filter({ hasText: '/orders' });
  await row.getByRole('button', { name: 'Edit' }).click();
  // The user is at the bottom of the form, editing the JSON Schema.
  const schema = panel.getByTestId('ep-json-schema');
  await schema.fill('{"type": "object"}');
  const banner = panel.getByTestId('ep-stale');
  await expect(panel.getByTestId('ep-name')).not.toBeInViewport();

  // Elsewhere the same field changes: the choice appears above, out of sight, so it is brought
  // into view and focused (role=alert).
  await server.api('saveEndpoint', {
    id: created.id,
    name: 'Orders',
    path: '/orders',
    jsonSchema: { type: 'array' },
  });
  await expect(panel.getByTestId('ep-conflict-jsonSchema')).toBeVisible();
  await expect(banner).toBeInViewport();
  await expect(banner).toBeFocused();
  await expect(banner).toHaveAttribute('role', 'alert');

  // Back at the bottom, Save: nothing is saved, the choice comes back into view, focused.
  await panel.getByTestId('ep-delay').click();
  await panel.getByTestId('ep-save').scrollIntoViewIfNeeded();
  await expect(banner).not.toBeInViewport();
  await panel.getByTestId('ep-save').click();
  await expect(banner).toBeInViewport();
  await expect(banner).toBeFocused();
  await expect(panel.getByTestId('ep-save-waits')).toHaveText(
    'Apply your choice above first: Apply these choices, or keep mine or theirs for all.',
  );
  await expect(panel.getByTestId('endpoint-form')).toBeVisible();
  await panel.getByTestId('ep-keep-mine').click();
  await panel.getByTestId('ep-save').click();
  await expect(row).toBeVisible();
  const stored = (await (await server.api('listEndpoints')).json()) as {
    items: { id: string; jsonSchema?: unknown }[];
  };
  expect(stored.items.find((e) => e.id === created.id)?.jsonSchema).toEqual({ type: 'object' });
});

test('settings changed elsewhere while editing lower down: the note comes into view', async ({
  page,
  server,
}) => {
  await page.setViewportSize({ width: 1280, height: 560 });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('open-settings').click();
  const panel = page.getByTestId('settings-panel');
  const disk = panel.getByTestId('set-minFreeDiskMb');
  await disk.fill('300');
  await expect(panel.getByTestId('set-maxEvents')).not.toBeInViewport();
  await server.api('saveSettings', { retention: { maxEvents: 8000, maxAgeDays: null } });
  const banner = panel.getByTestId('settings-stale');
  await expect(panel.getByTestId('settings-merged')).toContainText('Keep at most (events)');
  await expect(banner).toBeInViewport();
  await expect(banner).toHaveAttribute('role', 'status');
  // The note does not take the focus: typing goes on in the field.
  await expect(disk).toBeFocused();
});

test('tunnel popover: Save and start saves the options typed below it first, so the start uses them', async ({
  page,
  launchServer,
}) => {
  const server = await launchServer({ env: { NGROK_AUTHTOKEN: '', HOME: '/nonexistent' } });
  await openUi(page, server.uiUrl, server.receiverUrl);
  // The start itself would go to ngrok (no network here): what matters is what is saved when it
  // is asked for. The request is held there and answered as failed.
  const settingsAtStart: unknown[] = [];
  await page.route('**/api/startTunnel', async (route) => {
    settingsAtStart.push(await (await server.api('getTunnelSettings')).json());
    await route.abort();
  });
  await page.getByTestId('tunnel-authtoken').click();
  const popover = page.getByTestId('tunnel-popover');
  await popover
    .getByTestId('tunnel-token')
    .fill('2abcDEFghiJKLmnoPQRstuVWXyz_0123456789abcdefGHIJ');
  await popover.getByTestId('tunnel-domain').fill('walk.example.ngrok.app');
  await popover.getByTestId('tunnel-region').selectOption('eu');
  await popover.getByRole('button', { name: 'Save and start' }).click();
  await expect.poll(() => settingsAtStart.length).toBe(1);
  expect(settingsAtStart[0]).toMatchObject({
    options: { domain: 'walk.example.ngrok.app', region: 'eu' },
    authtoken: { configured: true, source: 'settings' },
  });
  // Said as what happened: used for this start (not "at the next start").
  await expect(popover.getByText('Tunnel options saved and used for this start.')).toBeVisible();

  // Refused options: nothing starts, and the reason shows at the options, in view.
  await popover.getByTestId('tunnel-allow').fill('10.0.0.0/99');
  await popover.getByRole('button', { name: 'Save and start' }).click();
  await expect(popover.getByTestId('tunnel-allowCidrs-error')).toHaveText(
    /^#1 \(10\.0\.0\.0\/99\): must be a CIDR range such as/,
  );
  await expect(popover.getByTestId('tunnel-allowCidrs-error')).toBeInViewport();
  expect(settingsAtStart).toHaveLength(1);
});

test('dead letters: Redrive on a row leaves the rows where they were; the result shows below, focused', async ({
  page,
  server,
}) => {
  const app = await fakeApp(500);
  try {
    await deadLetters(server, app.url, 3);
    await openUi(page, server.uiUrl, server.receiverUrl);
    await page.getByTestId('open-dead-letters').click();
    const panel = page.getByTestId('dead-letters-panel');
    const rows = panel.getByTestId('dead-letter-row');
    await expect(rows).toHaveCount(3);
    const before = (await rows.nth(0).boundingBox())!;
    const second = (await rows.nth(1).boundingBox())!;

    app.setStatus(200);
    await rows.nth(2).getByTestId('dead-letter-redrive').click();
    const notice = panel.getByTestId('dead-letters-notice');
    await expect(notice).toContainText('Queued 1 forward again');
    await expect(notice).toBeInViewport();
    // The rows above the one redriven did not move under the pointer.
    expect((await rows.nth(0).boundingBox())!.y).toBe(before.y);
    expect((await rows.nth(1).boundingBox())!.y).toBe(second.y);
    // The redriven row went (delivered); its button with it, so the focus is on the result.
    await expect(rows).toHaveCount(2);
    await expect(panel.locator('.dead-letters-result')).toBeFocused();
    await page.screenshot({ path: 'test-results/dead-letters-result.png' });
    expect((await rows.nth(0).boundingBox())!.y).toBe(before.y);
  } finally {
    app.close();
  }
});

test('forward attempts: a response opens right under its own attempt, named', async ({
  page,
  server,
}) => {
  const app = await fakeApp(500);
  try {
    await deadLetters(server, app.url, 1);
    app.setStatus(200);
    await server.api('redriveDeadLetters', { all: true });
    await openUi(page, server.uiUrl, server.receiverUrl);
    await page.getByTestId('event-row').first().click();
    const card = page.getByTestId('forward-card');
    // The attempts' rows (six cells; an opened response is a row of one cell).
    const attempts = card.locator('tbody tr:has(> td:nth-child(6))');
    await expect(attempts).toHaveCount(2);
    await expect(attempts.nth(1)).toContainText('200');

    // Attempt 1 (500): its response is the very next row, under attempt 1, not under attempt 2.
    await attempts.nth(0).click();
    const response = card.getByTestId('forward-response');
    await expect(response.getByTestId('forward-response-head')).toHaveText(
      'Attempt 1 (live) · 500 · response',
    );
    await expect(response).toContainText('answered 500');
    await expect(attempts.nth(0).getByTestId('forward-attempt-toggle')).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    const next = card.locator('tbody tr').nth(1);
    await expect(next.getByTestId('forward-response')).toHaveCount(1);
    const [a1, r, a2] = [
      (await attempts.nth(0).boundingBox())!,
      (await response.boundingBox())!,
      (await attempts.nth(1).boundingBox())!,
    ];
    expect(r.y).toBeGreaterThanOrEqual(a1.y + a1.height);
    expect(r.y + r.height).toBeLessThanOrEqual(a2.y);

    // The other attempt's response replaces it, under that attempt and named so.
    await attempts.nth(1).click();
    await expect(response).toHaveCount(1);
    await expect(response.getByTestId('forward-response-head')).toHaveText(
      'Attempt 1 (redrive) · 200 · response',
    );
    await expect(response).toContainText('answered 200');
    await expect(card.locator('tbody tr').nth(2).getByTestId('forward-response')).toHaveCount(1);
    // Clicking its attempt again closes it.
    await attempts.nth(1).click();
    await expect(response).toHaveCount(0);
  } finally {
    app.close();
  }
});
