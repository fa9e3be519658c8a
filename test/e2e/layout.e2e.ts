import type { Locator, Page } from '@playwright/test';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { createProviderEndpoints, sendWebhook } from './helpers/webhooks';

/** How many lines an element's text takes (distinct line tops of its text). */
const lines = (l: Locator): Promise<number> =>
  l.evaluate((el) => {
    // Typed by hand: the test project has no DOM types.
    type Range = {
      selectNodeContents(n: unknown): void;
      getClientRects(): ArrayLike<{ top: number }>;
    };
    const doc = (el as unknown as { ownerDocument: { createRange(): Range } }).ownerDocument;
    const range = doc.createRange();
    range.selectNodeContents(el);
    return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
  });

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `/tmp/hookscope-layout-${name}.png` });

test('tables, the JSON tree, the diff and times read right at 1280x800', async ({
  page,
  server,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await createProviderEndpoints(server);
  // A forward that cannot succeed, given up after one attempt: a dead letter.
  const settings = (await (await server.api('getSettings')).json()) as {
    forwarding: Record<string, unknown>;
  };
  await server.api('saveSettings', { forwarding: { ...settings.forwarding, maxAttempts: 1 } });
  await server.api('saveEndpoint', {
    name: 'Orders',
    path: '/orders',
    forwardTo: 'http://127.0.0.1:9/webhooks',
  });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await sendWebhook(server, '/orders/1', '{"type":"order.paid","data":{"id":1,"items":[1,2]}}');
  await sendWebhook(server, '/orders/2', '{"type":"order.paid","data":{"id":2,"items":[1,3]}}');

  // Endpoints: every header on one line, the buttons on their row's middle line.
  await page.getByTestId('open-endpoints').click();
  const endpointHeads = page.locator('table.endpoints th');
  for (const th of await endpointHeads.all()) expect(await lines(th)).toBeLessThanOrEqual(1);
  const row = page.getByTestId('endpoint-row').first();
  const button = row.locator('.row-actions button').first();
  const [rb, bb] = [await row.boundingBox(), await button.boundingBox()];
  expect(Math.abs(rb!.y + rb!.height / 2 - (bb!.y + bb!.height / 2))).toBeLessThan(3);
  await shot(page, 'endpoints');
  await page.keyboard.press('Escape');

  // Dead letters: "Attempts" and the rest on one line.
  await page.getByTestId('open-dead-letters').click();
  await expect(page.getByTestId('dead-letter-row')).toHaveCount(2);
  for (const th of await page.locator('table.dead-letters th').all()) {
    expect(await lines(th)).toBeLessThanOrEqual(1);
  }
  await shot(page, 'dead-letters');
  await page.keyboard.press('Escape');

  // Rows carry the absolute time, local and ISO, on their age.
  const rows = page.getByTestId('event-row');
  const title = await rows.first().locator('time').getAttribute('title');
  expect(title).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \(UTC[+−]\d\d:\d\d\) · \d{4}-.*Z$/);

  // The JSON tree: a closing brace sits under its opening line, not one level deeper.
  await rows.nth(1).click();
  await expect(page.getByTestId('received-at')).toHaveAttribute('title', /Z$/);
  await page.getByTestId('pin').click();
  await page.getByTestId('tab-body').click();
  const tree = page.getByTestId('json-tree');
  const data = tree.locator('.jt-node', { hasText: '"data"' }).first();
  const open = await data.locator('> .jt-row').first().boundingBox();
  const close = await data.locator('> [data-testid="jt-close"]').boundingBox();
  expect(Math.round(close!.x)).toBe(Math.round(open!.x));
  await shot(page, 'json-tree');

  // The diff says which side is the pinned event.
  await rows.nth(0).click();
  await page.getByTestId('diff').click();
  const sides = page.getByTestId('diff-sides');
  await expect(sides).toContainText('before: the pinned event');
  await expect(sides).toContainText('after: the open event');
  await expect(page.getByTestId('diff-heads')).toContainText('Pinned (before)');
  await shot(page, 'diff');
  await page.getByTestId('tab-overview').click();
  await shot(page, 'overview');
});

test('a long event type gives way: the detail actions stay on one line at 1280x800', async ({
  page,
  server,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openUi(page, server.uiUrl, server.receiverUrl);
  const type = `fine_tuning.job.${'checkpoint_'.repeat(10)}succeeded`;
  await sendWebhook(server, '/long', JSON.stringify({ type, id: 'evt_long' }));
  await page.getByTestId('event-row').first().click();
  const detail = page.getByTestId('event-detail');
  await expect(detail.getByTestId('detail-type')).toHaveAttribute('title', type);
  const buttons = detail.locator('.detail-meta .actions > button');
  expect(await buttons.count()).toBeGreaterThanOrEqual(3);
  const tops = new Set<number>();
  for (const b of await buttons.all()) tops.add(Math.round((await b.boundingBox())!.y));
  expect([...tops]).toHaveLength(1);
  // The Overview shows it whole, wrapped inside the pane.
  const fact = detail.locator('.facts dd').filter({ hasText: 'fine_tuning.job' }).first();
  const [pane, dd] = [await detail.boundingBox(), await fact.boundingBox()];
  expect(dd!.x + dd!.width).toBeLessThanOrEqual(pane!.x + pane!.width);
  await shot(page, 'long-event-type');
});
