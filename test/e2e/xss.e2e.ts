import type { Page } from '@playwright/test';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendRaw } from './helpers/webhooks';

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
