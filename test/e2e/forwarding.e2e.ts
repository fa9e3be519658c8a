import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

/** A stand-in for the developer's app: records what it is sent, answers 200. */
async function fakeApp(): Promise<{
  url: string;
  got: { path: string; body: string }[];
  close: () => void;
}> {
  const got: { path: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain', 'x-app': 'fake' });
      res.end('thanks');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, got, close: () => server.close() };
}

test('forward attempts show with the app’s answer, and Replay sends the event again', async ({
  page,
  server,
}) => {
  const app = await fakeApp();
  try {
    const saved = await server.api('saveEndpoint', {
      name: 'App',
      path: '/app',
      forwardTo: `${app.url}/webhooks`,
    });
    expect(saved.status).toBe(200);
    await openUi(page, server.uiUrl, server.receiverUrl);
    const body = '{"type":"order.paid","id":"ord_1"}';
    await sendWebhook(server, '/app/orders', body);
    await expect.poll(() => app.got.length).toBe(1);

    await page.getByTestId('event-row').click();
    const detail = page.getByTestId('event-detail');
    // Attempt rows (an opened response is a row of its own under its attempt).
    const attempts = detail.getByTestId('forward-card').getByTestId('forward-attempt');
    await expect(attempts).toHaveCount(1);
    await expect(attempts.first()).toContainText('live');
    await expect(attempts.first()).toContainText('200');
    await attempts.first().click();
    await expect(detail.getByTestId('forward-response')).toContainText('thanks');
    // By keyboard as well: the attempt's toggle says whether its response is shown.
    const toggle = attempts.first().getByTestId('forward-attempt-toggle');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(detail.getByTestId('forward-response')).toHaveCount(0);
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await page.keyboard.press('Space');
    await expect(detail.getByTestId('forward-response')).toContainText('thanks');

    await detail.getByTestId('replay').click();
    // An empty field uses the forward target, as a base: the placeholder shows the URL it gives.
    await expect(detail.getByTestId('replay-target')).toHaveAttribute(
      'placeholder',
      `Empty: sends to ${app.url}/webhooks/orders`,
    );
    await expect(detail.getByTestId('replay-url')).toHaveText(
      `Sends to ${app.url}/webhooks/orders`,
    );
    await detail.getByTestId('replay-send').click();
    await expect(detail.getByTestId('replay-result')).toContainText('answered 200');
    await expect.poll(() => app.got.length).toBe(2);
    expect(app.got[1]).toEqual(app.got[0]);
    await expect(attempts).toHaveCount(2);
    await expect(attempts.filter({ hasText: 'replay' })).toHaveCount(1);

    // A replay with nowhere to go says why.
    await detail.getByTestId('replay-target').fill('not a url');
    await detail.getByTestId('replay-send').click();
    await expect(detail.getByTestId('replay-result')).toContainText(
      'Target URL: expected an http(s) URL such as http://localhost:3000/webhooks, got "not a url"',
    );
  } finally {
    app.close();
  }
});

test('starting the tunnel without an ngrok authtoken says what to do', async ({
  page,
  launchServer,
}) => {
  const server = await launchServer({ env: { NGROK_AUTHTOKEN: '', HOME: '/nonexistent' } });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await expect(page.getByTestId('tunnel-state')).toHaveText('Local only');
  await page.getByTestId('tunnel-toggle').click();
  await expect(page.getByTestId('tunnel-state')).toHaveText('Tunnel failed');
  const popover = page.getByTestId('tunnel-popover');
  await expect(popover.getByRole('alert')).toContainText('authtoken');
  await expect(page.getByTestId('public-url')).toHaveCount(0);
  // The contract's own check on the authtoken shows before anything is saved.
  await page.getByTestId('tunnel-token').fill('not a token');
  await popover.getByRole('button', { name: 'Save and start' }).click();
  await expect(popover.getByRole('alert')).toContainText('an authtoken has no spaces');
  // The typed token is not saved: closing asks first.
  await popover.getByRole('button', { name: 'Close' }).click();
  await popover.getByTestId('discard-confirm').click();
  await expect(popover).toHaveCount(0);
  await page.getByTestId('tunnel-authtoken').click();
  await expect(page.getByTestId('tunnel-token')).toBeVisible();
});

test('tunnel options: bad values get the contract messages, good ones are saved', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  await page.getByTestId('tunnel-authtoken').click();
  const form = page.getByTestId('tunnel-options');
  await form.getByTestId('tunnel-allow').fill('10.0.0.0/99');
  await form.getByTestId('tunnel-basic-auth').fill('user-without-colon');
  await form.getByTestId('tunnel-options-save').click();
  // Each refusal at its own field, in view; nothing above the form.
  await expect(form.getByTestId('tunnel-allowCidrs-error')).toHaveText(
    /^#1 \(10\.0\.0\.0\/99\): must be a CIDR range such as 203\.0\.113\.0\/24/,
  );
  await expect(form.getByTestId('tunnel-basicAuth-error')).toHaveText(
    'basic auth must be user:password (no colon found)',
  );
  await expect(page.getByTestId('tunnel-options-error')).toHaveCount(0);
  // Closing with typed options asks first; Keep editing keeps them.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('discard-bar')).toBeVisible();
  await page.getByTestId('discard-keep').click();
  await expect(page.getByTestId('discard-bar')).toHaveCount(0);
  await expect(form.getByTestId('tunnel-allow')).toHaveValue('10.0.0.0/99');
  // A press outside asks too, with Keep editing focused (Enter keeps the edits).
  await page.mouse.click(20, 500);
  await expect(page.getByTestId('discard-keep')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('discard-bar')).toHaveCount(0);
  await expect(form.getByTestId('tunnel-allow')).toHaveValue('10.0.0.0/99');
  await form.getByTestId('tunnel-allow').fill('203.0.113.0/24');
  await form.getByTestId('tunnel-basic-auth').fill('');
  await form.getByTestId('tunnel-domain').fill('hooks.example.ngrok.app');
  await form.getByTestId('tunnel-region').selectOption('eu');
  await form.getByTestId('tunnel-options-save').click();
  await expect(page.getByRole('status')).toContainText('Tunnel options saved');
  await expect(form.getByTestId('tunnel-allowCidrs-error')).toHaveCount(0);
  // Saved: it closes without asking. Typed and discarded: the saved value stays.
  await page.getByTestId('tunnel-authtoken').click();
  await expect(form).toHaveCount(0);
  await page.getByTestId('tunnel-authtoken').click();
  await form.getByTestId('tunnel-domain').fill('typed.example.ngrok.app');
  await page.mouse.click(20, 600); // a press outside the popover
  await page.getByTestId('discard-confirm').click();
  await expect(form).toHaveCount(0);
  await page.getByTestId('tunnel-authtoken').click();
  await expect(form.getByTestId('tunnel-domain')).toHaveValue('hooks.example.ngrok.app');
  await page.reload();
  await page.getByTestId('tunnel-authtoken').click();
  await expect(page.getByTestId('tunnel-allow')).toHaveValue('203.0.113.0/24');
  await expect(page.getByTestId('tunnel-domain')).toHaveValue('hooks.example.ngrok.app');
  await expect(page.getByTestId('tunnel-region')).toHaveValue('eu');
});
