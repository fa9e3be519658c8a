import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Checkup, CheckupSummary } from '../../src/shared/checkup';
import { expect, test, type HookscopeServer } from './helpers/serve';
import { openUi, readClipboard } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

const SECRET = 'whsec_checkupE2eSigningSecret0123456789';
/** Markup in what the receiver answers: it must show as text and never run. */
const XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

test.describe.configure({ timeout: 60_000 });

/** A local receiver for the check-up to grade, on 127.0.0.1 and a free port. */
async function startReceiver(
  handler: Handler,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The broken receiver: takes everything (no signature check) and echoes markup back. */
const acceptsAnything: Handler = (_req, _body, res) => {
  res.writeHead(200, { 'content-type': 'text/html', 'x-note': XSS });
  res.end(`<p>ok</p>${XSS}`);
};

/** A better one: verifies Stripe's signature but not its timestamp (so only "stale" fails). */
const verifiesButNoTimestamp: Handler = (req, body, res) => {
  const header = String(req.headers['stripe-signature'] ?? '');
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const given = [...header.matchAll(/(?:^|,)v1=([0-9a-f]+)/g)].map((m) => m[1]!);
  const want = t
    ? createHmac('sha256', SECRET).update(`${t}.`).update(body).digest()
    : Buffer.alloc(0);
  const ok = given.some((g) => {
    const b = Buffer.from(g, 'hex');
    return b.length === want.length && timingSafeEqual(b, want);
  });
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
  res.end(ok ? '{"received":true}' : '{"error":"bad signature"}');
};

async function createEndpoint(server: HookscopeServer, forwardTo: string): Promise<string> {
  const res = await server.api('saveEndpoint', {
    name: 'Shop',
    path: '/shop',
    provider: 'stripe',
    secrets: [SECRET],
    forwardTo,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

/**
 * Runs `run` with a receiver answering with `handler` and a Stripe endpoint "/shop" that
 * forwards to it (with a secret); the receiver is closed afterwards.
 */
async function withShop(
  server: HookscopeServer,
  handler: Handler,
  run: (receiverUrl: string, endpointId: string) => Promise<void>,
): Promise<void> {
  const receiver = await startReceiver(handler);
  try {
    await run(receiver.url, await createEndpoint(server, receiver.url));
  } finally {
    await receiver.close();
  }
}

async function history(server: HookscopeServer, endpointId: string): Promise<CheckupSummary[]> {
  const res = await server.api('listCheckups', { endpointId });
  return ((await res.json()) as { items: CheckupSummary[] }).items;
}

async function stored(server: HookscopeServer, id: string): Promise<Checkup> {
  return (await (await server.api('getCheckup', { id })).json()) as Checkup;
}

test('check-up from the endpoints panel: report, failing probes with fixes, request, re-run, history', async ({
  page,
  context,
  server,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  // The receiver holds its first answers until the test has seen the run in progress.
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const gated: Handler = (req, body, res) => {
    void gate.then(() => acceptsAnything(req, body, res));
  };
  await withShop(server, gated, async (target, endpointId) => {
    await openUi(page, server.uiUrl, server.receiverUrl);
    await page.getByTestId('open-endpoints').click();
    await page
      .getByTestId('endpoint-row')
      .filter({ hasText: '/shop' })
      .getByTestId('endpoint-checkup')
      .click();
    const panel = page.getByTestId('checkup-panel');
    await expect(page.getByTestId('endpoints-panel')).toHaveCount(0);
    await expect(panel.getByTestId('checkup-target')).toHaveValue(target);
    await expect(panel.getByTestId('checkup-provider')).toHaveValue('stripe');
    await expect(panel.getByTestId('checkup-burst-count')).toHaveValue('50');
    await expect(panel.getByTestId('checkup-burst-concurrency')).toHaveValue('10');
    await expect(panel.getByTestId('checkup-history-empty')).toBeVisible();

    // Keyboard: the target field has the focus, Tab stays in the dialog, Enter runs.
    await expect(panel.getByTestId('checkup-target')).toBeFocused();
    await panel.getByTestId('checkup-endpoint').focus();
    await page.keyboard.press('Shift+Tab');
    expect(await panel.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await panel.getByTestId('checkup-target').press('Enter');
    await expect(panel.getByTestId('checkup-run')).toBeDisabled();
    // And looks it: a disabled button is not styled like one that acts.
    await expect(panel.getByTestId('checkup-run')).toHaveCSS('cursor', 'not-allowed');
    await expect(panel.getByTestId('checkup-progress')).toContainText(target);
    await expect(panel.getByTestId('checkup-endpoint')).toBeDisabled();
    release();
    const report = panel.getByTestId('checkup-report');
    await expect(report).toBeVisible({ timeout: 30_000 });
    await expect(panel.getByTestId('checkup-run')).toBeEnabled();

    // The report shows the run the engine stored.
    const [first] = await history(server, endpointId);
    const run = await stored(server, first!.id);
    expect(run.passed).toBe(false);
    await expect(report.getByTestId('checkup-score')).toHaveText(`${run.score}/100`);
    await expect(report.getByTestId('checkup-passed')).toHaveText('Failed');
    await expect(report.getByTestId('checkup-probe')).toHaveCount(run.probes.length);

    // A receiver that checks nothing lets forged, tampered and unsigned deliveries in.
    for (const id of ['forged', 'tampered', 'unsigned']) {
      const probe = report.locator(`[data-probe="${id}"]`);
      const want = run.probes.find((p) => p.id === id)!;
      await expect(probe).toHaveAttribute('data-verdict', 'fail');
      await expect(probe.getByTestId('probe-verdict')).toHaveText('Fail');
      expect(want.fix).toMatch(/\S/);
      await expect(probe.getByTestId('probe-fix')).toHaveText(want.fix!);
    }
    await expect(report.locator('[data-probe="valid"]')).toHaveAttribute('data-verdict', 'pass');
    await expect(report.locator('[data-probe="burst"]').getByTestId('probe-stats')).toContainText(
      '50/50 answered 2xx',
    );

    // The forged probe's exact request, and its curl command.
    const forged = report.locator('[data-probe="forged"]');
    await forged.getByTestId('probe-toggle').press('Enter');
    await expect(forged.getByTestId('probe-toggle')).toHaveAttribute('aria-expanded', 'true');
    await expect(forged.getByTestId('probe-request-line')).toHaveText(`POST ${target}`);
    const headers = forged.getByTestId('probe-request-headers');
    await expect(headers).toContainText(/stripe-signature/i);
    await expect(headers).toContainText(/t=\d+,v1=[0-9a-f]{64}/);
    await expect(headers).toContainText('application/json');
    await expect(forged.getByTestId('probe-response-line')).toContainText('HTTP 200');
    await forged.getByTestId('probe-curl').click();
    await expect(forged.getByTestId('probe-curl')).toHaveText('Copied ✓');
    const curl = await readClipboard(page);
    expect(curl).toContain(`'${target}'`);
    expect(curl).toMatch(/-H 'stripe-signature: t=\d+,v1=[0-9a-f]{64}'/i);
    expect(curl).toContain('--data-raw');

    // What the receiver answered is text: markup in its body and headers shows as written.
    await expect(forged.getByTestId('probe-response-body')).toContainText(XSS);
    await expect(forged.getByTestId('probe-response-headers')).toContainText(XSS);
    await expect(panel.locator('img, script:not([src]), [onerror]')).toHaveCount(0);
    expect(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();

    // Re-run: same inputs, a second run at the top of the history, and its report shown.
    const rows = panel.getByTestId('checkup-history-row');
    await expect(rows).toHaveCount(1);
    await report.getByTestId('checkup-rerun').click();
    await expect(rows).toHaveCount(2, { timeout: 30_000 });
    const runs = await history(server, endpointId);
    expect(runs.map((r) => r.target)).toEqual([target, target]);
    await expect(rows.first()).toHaveClass(/checkup-history-on/);
    await expect(rows.first().getByRole('button').first()).toHaveAttribute('aria-current', 'true');

    // Open the older run from the history, then delete it.
    await rows.nth(1).getByRole('button').first().click();
    await expect(rows.nth(1)).toHaveClass(/checkup-history-on/);
    await rows.nth(1).getByTestId('checkup-history-delete').click();
    await rows.nth(1).getByTestId('checkup-history-confirm-delete').click();
    await expect(rows).toHaveCount(1);
    await expect(panel.getByTestId('checkup-report')).toHaveCount(0);
    expect((await history(server, endpointId)).map((r) => r.id)).toEqual([runs[0]!.id]);

    // Escape closes the dialog.
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
  });
});

test('check-up with a stored delivery from the event detail; input errors in plain words', async ({
  page,
  server,
}) => {
  await withShop(server, verifiesButNoTimestamp, async (target) => {
    await openUi(page, server.uiUrl, server.receiverUrl);
    await sendWebhook(server, '/shop/orders', '{"id":"evt_e2e_1","type":"order.paid"}');
    const events = (await (await server.api('listEvents', {})).json()) as {
      items: { id: string }[];
    };
    const eventId = events.items[0]!.id;
    await page.getByTestId('event-row').first().click();
    await page.getByTestId('checkup-delivery').click();
    const panel = page.getByTestId('checkup-panel');
    await expect(panel.getByTestId('checkup-sample')).toHaveValue('event');
    await expect(panel.getByTestId('checkup-event-id')).toHaveValue(eventId);
    await expect(panel.getByTestId('checkup-provider')).toHaveValue('stripe');

    // The form's own checks, next to the fields.
    await panel.getByTestId('checkup-target').fill('ftp://nope');
    await panel.getByTestId('checkup-burst-count').fill('0');
    await panel.getByTestId('checkup-run').click();
    await expect(panel.locator('.field-error')).toHaveCount(2);
    await expect(panel).toContainText('An http:// or https:// URL');
    await expect(panel).toContainText('A whole number from 1 to 500');

    await panel.getByTestId('checkup-target').fill(target);
    await panel.getByTestId('checkup-burst-count').fill('5');
    await panel.getByTestId('checkup-run').click();
    const report = panel.getByTestId('checkup-report');
    await expect(report).toBeVisible({ timeout: 30_000 });
    await expect(report).toContainText('stored delivery');
    for (const id of ['forged', 'tampered', 'unsigned']) {
      await expect(report.locator(`[data-probe="${id}"]`)).toHaveAttribute('data-verdict', 'pass');
    }
    await expect(report.locator('[data-probe="stale"]')).toHaveAttribute('data-verdict', 'fail');
    await expect(report.locator('[data-probe="burst"]').getByTestId('probe-stats')).toContainText(
      '5/5 answered 2xx',
    );

    // The engine's own refusals show as the error text: an unknown stored delivery.
    await panel.getByTestId('checkup-event-id').fill('no-such-event');
    await panel.getByTestId('checkup-run').click();
    await expect(panel.getByTestId('checkup-error')).toContainText('no-such-event', {
      timeout: 30_000,
    });

    // Escape closes it and gives the focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    await expect(page.getByTestId('checkup-delivery')).toBeFocused();
  });
});

test('opened from the top bar before the endpoints have loaded, the form fills in when they arrive', async ({
  page,
  server,
}) => {
  await withShop(server, verifiesButNoTimestamp, async (target) => {
    let release!: () => void;
    const loaded = new Promise<void>((r) => (release = r));
    await page.route('**/api/listEndpoints', async (route) => {
      await loaded;
      await route.continue();
    });
    await openUi(page, server.uiUrl, server.receiverUrl);
    await page.getByTestId('open-checkup').click();
    const field = page.getByTestId('checkup-panel').getByTestId('checkup-target');
    await expect(field).toHaveValue('');
    release();
    await expect(field).toHaveValue(target);
  });
});

test('saves the check-up report as docs/checkup.png (light) and docs/checkup-dark.png', async ({
  page,
  server,
}) => {
  await withShop(server, verifiesButNoTimestamp, async (target) => {
    await page.setViewportSize({ width: 1280, height: 1240 });
    await openUi(page, server.uiUrl, server.receiverUrl);
    await page.getByTestId('open-checkup').click();
    const panel = page.getByTestId('checkup-panel');
    await expect(panel.getByTestId('checkup-target')).toHaveValue(target);
    await panel.getByTestId('checkup-run').click();
    const report = panel.getByTestId('checkup-report');
    await expect(report).toBeVisible({ timeout: 30_000 });
    await expect(report.locator('[data-probe="stale"]')).toHaveAttribute('data-verdict', 'fail');
    await page.evaluate('document.activeElement?.blur()'); // no focus ring in the picture
    await page.mouse.move(1279, 1239); // no hover highlight in the picture
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: 'docs/checkup.png' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: 'docs/checkup-dark.png' });
  });
});
