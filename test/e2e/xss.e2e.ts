import type { Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './helpers/serve';
import { openUi, readClipboard } from './helpers/ui';
import { sendRaw, sendWebhook } from './helpers/webhooks';

/** Payloads that would run or create elements if any of them reached the DOM as markup. */
const CORPUS = [
  '<script>window.__pwned="script"</script>',
  '<img src=x onerror="window.__pwned=\'img\'">',
  '<svg onload="window.__pwned=\'svg\'"></svg>',
  '<iframe srcdoc="<script>parent.__pwned=\'iframe\'</script>"></iframe>',
  '<a href="javascript:window.__pwned=\'link\'">click me</a>',
  'javascript:window.__pwned="url"',
  '"><script>alert("quote-break")</script>',
  "'><img src=x onerror=alert(1)>",
  '<details open ontoggle="window.__pwned=\'details\'">',
  '<style>@import "http://127.0.0.1:1/x.css";</style>',
  '{{constructor.constructor("window.__pwned=\'template\'")()}}',
];
const joined = CORPUS.join('\n');
const DANGEROUS =
  'img, svg, iframe, object, embed, script:not([src]), details, style:not([data-vite-dev-id]), a[href^="javascript"], [onerror], [onload], [ontoggle]';

async function assertNothingRan(page: Page, dialogs: string[]): Promise<void> {
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
  await expect(page.locator(DANGEROUS)).toHaveCount(0);
}

test('the XSS corpus in bodies, headers, paths, queries and JSON keys never runs', async ({
  page,
  server,
}) => {
  test.setTimeout(60_000);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  await openUi(page, server.uiUrl, server.receiverUrl);

  const jsonBody = JSON.stringify({
    type: '<img src=x onerror="window.__pwned=\'type\'">',
    ...Object.fromEntries(CORPUS.map((p, i) => [p, { [`k${i}`]: p, list: [p] }])),
  });
  const form = CORPUS.map(
    (p, i) => `f${i}=${encodeURIComponent(p)}&${encodeURIComponent(p)}=v`,
  ).join('&');
  const xml = `<?xml version="1.0"?><root>${CORPUS.map((p) => `<v><![CDATA[${p}]]></v>`).join('')}<script>window.__pwned='xml'</script></root>`;
  const headerValue = '<img src=x onerror="window.__pwned=\'header\'"> javascript:alert(1)';
  const sends: [string, string, Record<string, string>][] = [
    ['/xss/html?q=<script>alert(1)</script>', joined, { 'content-type': 'text/html' }],
    ['/xss/json', jsonBody, { 'content-type': 'application/json', 'x-evil': headerValue }],
    ['/xss/form', form, { 'content-type': 'application/x-www-form-urlencoded' }],
    ['/xss/xml', xml, { 'content-type': 'application/xml' }],
    [
      '/xss/<svg/onload=alert(1)>',
      'javascript:alert(1)',
      { 'content-type': 'text/plain', 'x-b': '<b>bold</b>' },
    ],
  ];
  for (const [path, body, headers] of sends) {
    expect(await sendRaw(server, path, body, headers)).toBe(200);
  }
  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(sends.length);
  await expect(page.getByTestId('event-path').last()).toHaveText('/xss/html');

  const detail = page.getByTestId('event-detail');
  for (let i = 0; i < sends.length; i++) {
    await rows.nth(i).click();
    await expect(detail.getByTestId('detail-title')).toContainText(
      sends[sends.length - 1 - i]![0].split('?')[0]!,
    );
    // Every view of it is checked while it is on screen.
    for (const tab of ['overview', 'headers', 'query', 'raw', 'body'] as const) {
      await detail.getByTestId(`tab-${tab}`).click();
      await assertNothingRan(page, dialogs);
    }
    for (const mode of ['tree', 'pretty', 'table', 'raw', 'hex']) {
      const button = detail.getByTestId(`body-mode-${mode}`);
      if ((await button.count()) === 0) continue;
      await button.click();
      await assertNothingRan(page, dialogs);
    }
    await assertNothingRan(page, dialogs);
  }
  // The payload is there, as text.
  await rows.last().click();
  await detail.getByTestId('body-mode-raw').click();
  await expect(detail.getByTestId('event-body')).toHaveJSProperty('textContent', joined);
  await rows.nth(3).click();
  await detail.getByTestId('tab-headers').click();
  await expect(detail.getByTestId('headers-table')).toContainText(headerValue);
  await assertNothingRan(page, dialogs);
  expect(errors).toEqual([]);
});

/** A stand-in app that answers every forward and replay 500 with the corpus as body and header. */
async function hostileApp(): Promise<{ url: string; hits: () => number; close: () => void }> {
  let hits = 0;
  const app = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      res.writeHead(500, {
        'content-type': 'text/html',
        'x-evil': '<img src=x onerror="window.__pwned=\'response-header\'">',
      });
      res.end(joined);
    });
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => app.close(),
  };
}

/** The arguments curl would get from a copied command (bash runs it with curl as a function). */
function curlArgs(command: string): string[] {
  const shim = 'curl() { printf "%s\\0" "$@"; }\n';
  const r = spawnSync('bash', ['-s'], { input: `${shim}${command}\n` });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout.toString('utf8').split('\0').slice(0, -1);
}

test('the corpus in endpoint names, schema issues, forward answers, the diff, the replay editor, dead letters and Copy as cURL never runs', async ({
  page,
  context,
  server,
}) => {
  test.setTimeout(60_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  const app = await hostileApp();
  try {
    // One attempt per forward, so both deliveries become dead letters at once.
    const settings = await server.api('saveSettings', {
      forwarding: { paused: false, concurrency: 1, timeoutMs: 2000, maxAttempts: 1 },
    });
    expect(settings.status).toBe(200);
    const name = '<img src=x onerror="window.__pwned=\'endpoint\'"><b>endpoint</b>';
    const badKey = "<svg onload=window.__pwned='schema'>";
    const target = `${app.url}/<img src=x onerror="window.__pwned='target'">`;
    const saved = await server.api('saveEndpoint', {
      name,
      path: '/xss',
      forwardTo: target,
      jsonSchema: {
        type: 'object',
        required: ['<img src=x onerror="window.__pwned=\'required\'">'],
        properties: { [badKey]: { type: 'number' } },
        additionalProperties: false,
      },
    });
    expect(saved.status).toBe(200);

    await openUi(page, server.uiUrl, server.receiverUrl);
    const header = '<script>window.__pwned="curl-header"</script> $(touch /tmp/pwned) `id`';
    const bodies = [0, 1].map((i) =>
      JSON.stringify({
        [badKey]: CORPUS[i],
        [CORPUS[i + 2]!]: `'$(echo pwned)'\n${CORPUS[i + 4]}`,
      }),
    );
    for (const body of bodies) await sendWebhook(server, '/xss/in', body, { 'x-evil': header });
    const rows = page.getByTestId('event-row');
    await expect(rows).toHaveCount(2);
    // The list: the endpoint name (and the schema and forward pills) as text.
    await expect(rows.first()).toContainText(name);
    await expect(rows.first()).toContainText('dead letter');
    await assertNothingRan(page, dialogs);

    // Overview: schema issues naming the hostile keys, the forward target, the app's answer.
    const detail = page.getByTestId('event-detail');
    await rows.first().click();
    await expect(detail.getByTestId('schema-card')).toContainText(badKey);
    const forward = detail.getByTestId('forward-card');
    // Forwards go to the URL as parsed (percent-encoded), shown as text.
    const sentTo = new URL(target).href;
    await expect(forward).toContainText(sentTo);
    await forward.locator('tbody tr').first().click();
    await expect(detail.getByTestId('forward-response')).toContainText(CORPUS[0]!);
    await expect(detail.getByTestId('forward-response')).toContainText('response-header');
    await assertNothingRan(page, dialogs);

    // Copy as cURL: the clipboard holds one command that hands curl the exact strings.
    await detail.getByTestId('copy-curl').click();
    await expect(detail.getByTestId('copy-curl')).toHaveText('Copied ✓');
    const args = curlArgs(await readClipboard(page));
    expect(args).toContain(`x-evil: ${header}`);
    expect(args[args.indexOf('--data-raw') + 1]).toBe(bodies[1]);
    await assertNothingRan(page, dialogs);

    // The diff of the two deliveries.
    await detail.getByTestId('pin').click();
    await rows.nth(1).click();
    await detail.getByTestId('diff').click();
    const diff = page.getByTestId('diff-panel');
    await expect(diff.getByTestId('diff-body')).toContainText(`replace /${badKey} `);
    await assertNothingRan(page, dialogs);
    await diff.getByRole('button', { name: 'Close' }).click();
    await expect(diff).toHaveCount(0);

    // The replay editor, prefilled with the hostile request, and the app's hostile answer.
    await detail.getByTestId('replay').click();
    await detail.getByTestId('replay-edit').check();
    await expect(detail.getByTestId('replay-edit-body')).toHaveValue(bodies[0]!);
    await expect(detail.getByTestId('replay-edit-headers')).toHaveValue(
      new RegExp(`x-evil: ${header.replace(/[$()`*.]/g, '\\$&')}`, 'i'),
    );
    await assertNothingRan(page, dialogs);
    await detail.getByTestId('replay-target').fill(`${app.url}/replayed`);
    await detail.getByTestId('replay-send').click();
    await expect(detail.getByTestId('replay-result')).toContainText('500');
    await assertNothingRan(page, dialogs);

    // The dead-letter panel lists both, target and path as text.
    await page.getByTestId('open-dead-letters').click();
    const letters = page.getByTestId('dead-letters-panel').getByTestId('dead-letter-row');
    await expect(letters).toHaveCount(2);
    await expect(letters.first()).toContainText(sentTo);
    await assertNothingRan(page, dialogs);
    await page.keyboard.press('Escape');

    // The endpoints panel and the editor, holding the name as a value.
    await page.getByTestId('open-endpoints').click();
    const endpointRow = page.getByTestId('endpoints-panel').getByTestId('endpoint-row');
    await expect(endpointRow.filter({ hasText: name })).toHaveCount(1);
    await assertNothingRan(page, dialogs);
    await expect(endpointRow.filter({ hasText: name })).toContainText(target);
    await endpointRow.filter({ hasText: name }).getByRole('button', { name: 'Edit' }).click();
    await expect(page.getByTestId('ep-name')).toHaveValue(name);
    await assertNothingRan(page, dialogs);
    expect(app.hits()).toBe(3);
    expect(errors).toEqual([]);
  } finally {
    app.close();
  }
});
