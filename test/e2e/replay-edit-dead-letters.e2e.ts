import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for the developer's app on 127.0.0.1:0 that answers `status` (changeable). */
async function fakeApp(status: number): Promise<{
  url: string;
  got: Received[];
  setStatus: (s: number) => void;
  close: () => void;
}> {
  const got: Received[] = [];
  let answer = status;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(answer, { 'content-type': 'text/plain' });
      res.end(answer < 300 ? 'thanks' : 'boom');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    got,
    setStatus: (s) => {
      answer = s;
    },
    close: () => server.close(),
  };
}

test('Replay → Edit sends the edited body and an added header', async ({ page, server }) => {
  const app = await fakeApp(200);
  try {
    await openUi(page, server.uiUrl, server.receiverUrl);
    const original = '{"type":"order.paid","id":"ord_1","amount":100}';
    await sendWebhook(server, '/hooks/orders', original, { 'x-original': 'kept' });
    await page.getByTestId('event-row').click();
    const detail = page.getByTestId('event-detail');
    await detail.getByTestId('replay').click();
    // No forward target: the placeholder offers no URL an empty field would not use.
    await expect(detail.getByTestId('replay-target')).toHaveAttribute(
      'placeholder',
      'No forward target: enter a URL',
    );
    await expect(detail.getByTestId('replay-url')).toHaveText(
      'Nowhere to send yet: type your app\'s URL (endpoint "Default" has no forward target).',
    );
    await detail.getByTestId('replay-edit').check();

    // Prefilled with the original, headers one per line in received order.
    await expect(detail.getByTestId('replay-edit-method')).toHaveValue('POST');
    await expect(detail.getByTestId('replay-edit-path')).toHaveValue('/hooks/orders');
    await expect(detail.getByTestId('replay-edit-body')).toHaveValue(original);
    const headers = detail.getByTestId('replay-edit-headers');
    const headerText = await headers.inputValue();
    expect(headerText).toMatch(/^content-type: application\/json$/im);
    expect(headerText).toMatch(/^x-original: kept$/im);

    const edited = '{"type":"order.paid","id":"ord_1","amount":250}';
    await detail.getByTestId('replay-edit-body').fill(edited);
    await headers.fill(`${headerText}\nX-Edited-By: hookscope-e2e`);
    await detail.getByTestId('replay-target').fill(`${app.url}/edited`);
    // The URL is a base: the (edited) path goes under it, and the panel shows it before Send.
    await expect(detail.getByTestId('replay-url')).toHaveText(
      `Sends to ${app.url}/edited/hooks/orders`,
    );
    await detail.getByTestId('replay-edit-path').fill('/hooks/refunds');
    await expect(detail.getByTestId('replay-url')).toHaveText(
      `Sends to ${app.url}/edited/hooks/refunds`,
    );
    // A short window: the open editor scrolls inside the panel, never the page, and the answer
    // comes into view.
    await page.setViewportSize({ width: 1366, height: 560 });
    await detail.getByTestId('replay-send').click();
    await expect(detail.getByTestId('replay-result')).toContainText(
      `${app.url}/edited/hooks/refunds answered 200`,
    );
    await expect(detail.getByTestId('replay-result')).toBeInViewport();
    expect(await page.evaluate('window.scrollY')).toBe(0);
    await expect(page.getByTestId('open-settings')).toBeInViewport();

    await expect.poll(() => app.got.length).toBe(1);
    const got = app.got[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/edited/hooks/refunds');
    expect(got.body).toBe(edited);
    expect(got.headers['x-edited-by']).toBe('hookscope-e2e');
    expect(got.headers['x-original']).toBe('kept');
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(edited)));

    // An edited path that would leave the target is shown refused, and refused on Send.
    await detail.getByTestId('replay-edit-path').fill('/hooks/%2e%2e/admin');
    await expect(detail.getByTestId('replay-url')).toHaveText(
      `refused: the edited path /hooks/%2e%2e/admin would leave the replay target's path /edited (dot segment "%2e%2e")`,
    );
    await detail.getByTestId('replay-send').click();
    await expect(detail.getByTestId('replay-result')).toContainText(
      'refused: the edited path /hooks/%2e%2e/admin would leave',
    );
    // Said once: the preview line gives way to the answer.
    await expect(detail.getByText(/refused: the edited path/)).toHaveCount(1);
    await expect(detail.getByTestId('replay-url')).toHaveCount(0);
    expect(app.got).toHaveLength(1);
    await detail.getByTestId('replay-edit-path').fill('/hooks/orders');

    // A header line that is not "Name: value" is refused before anything is sent.
    await headers.fill('not a header line');
    await detail.getByTestId('replay-send').click();
    await expect(detail.getByTestId('replay-result')).toContainText('Header line 1');
    expect(app.got).toHaveLength(1);
  } finally {
    app.close();
  }
});

test('Dead letters: a forward that gave up is listed, and Redrive delivers it', async ({
  page,
  server,
}) => {
  const app = await fakeApp(500);
  try {
    const settings = await server.api('saveSettings', {
      forwarding: { paused: false, concurrency: 1, timeoutMs: 2000, maxAttempts: 1 },
    });
    expect(settings.status).toBe(200);
    const saved = await server.api('saveEndpoint', {
      id: 'default',
      name: 'Default',
      path: '/',
      forwardTo: `${app.url}/webhooks`,
    });
    expect(saved.status).toBe(200);

    await openUi(page, server.uiUrl, server.receiverUrl);
    await page.getByTestId('open-dead-letters').click();
    const panel = page.getByTestId('dead-letters-panel');
    await expect(panel.getByTestId('dead-letters-empty')).toHaveText(
      'No dead letters: every forward was delivered or is still being retried.',
    );

    // The panel refreshes on the forward.attempt push: no reload needed.
    await sendWebhook(server, '/billing', '{"type":"invoice.failed","id":"in_1"}', {
      'Idempotency-Key': 'idem-billing-1',
    });
    const rows = panel.getByTestId('dead-letter-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('/billing');
    await expect(rows.first()).toContainText(`${app.url}/webhooks/billing`);
    await expect(rows.first()).toContainText('500');
    // Told apart from its neighbours without opening it: the sender's delivery id.
    await expect(rows.first().getByTestId('dead-letter-delivery-id')).toHaveText('idem-billing-1');
    expect(app.got).toHaveLength(1);

    // The row opens the event (and closes the panel): by keyboard, from its path's button.
    await rows.first().getByTestId('dead-letter-open').focus();
    await page.keyboard.press('Enter');
    await expect(panel).toHaveCount(0);
    await expect(page.getByTestId('detail-title')).toContainText('/billing');
    // And by a click anywhere on the row.
    await page.getByTestId('open-dead-letters').click();
    await rows.first().getByTestId('dead-letter-redrive').waitFor();
    await rows.first().locator('td').nth(2).click();
    await expect(panel).toHaveCount(0);
    await expect(page.getByTestId('detail-title')).toContainText('/billing');
    const eventRow = page.getByTestId('event-row');
    await expect(eventRow).toContainText('dead letter');

    app.setStatus(200);
    await page.getByTestId('open-dead-letters').click();
    await expect(rows).toHaveCount(1);
    await rows.first().getByTestId('dead-letter-redrive').click();
    await expect(rows).toHaveCount(0);
    await expect(panel.getByTestId('dead-letters-empty')).toBeVisible();
    await expect.poll(() => app.got.length).toBe(2);
    expect(app.got[1]!.body).toBe('{"type":"invoice.failed","id":"in_1"}');

    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    await expect(eventRow).toContainText('forwarded');
    const attempts = page.getByTestId('forward-card').locator('tbody tr');
    // The redriven forward is a second attempt that the app answered 200. (The forwarder
    // records it with kind "live", not "redrive", so the kind is not asserted.)
    await expect(attempts).toHaveCount(2);
    await expect(attempts.nth(1)).toContainText('200');
  } finally {
    app.close();
  }
});
