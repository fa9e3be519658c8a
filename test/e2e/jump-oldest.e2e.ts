import { seedLog } from './helpers/seed-log.mjs';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

const EVENTS = 5_000;

test('End and "Oldest ↓" go to the oldest delivery in one step; going up loads newer pages; Home and "Newest ↑" come back', async ({
  page,
  launchServer,
  scratchDir,
}) => {
  test.setTimeout(90_000);
  const first = await launchServer({ dataDir: scratchDir });
  await sendWebhook(first, '/seed/0', '{"type":"seed.event","n":0,"note":"template"}');
  await first.stop();
  seedLog(scratchDir, EVENTS, {});
  const server = await launchServer({ dataDir: scratchDir });
  await page.setViewportSize({ width: 1280, height: 720 });
  await openUi(page, server.uiUrl, server.receiverUrl);
  const rows = page.getByTestId('event-row');
  const list = page.getByTestId('event-list');
  const row = (path: string) =>
    rows.filter({ has: page.getByTestId('event-path').getByText(path, { exact: true }) });
  await expect(rows.first().getByTestId('event-path')).toHaveText(`/seed/${EVENTS - 1}`);

  // End: the oldest delivery, shown and open, without loading the pages between.
  const listCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/listEvents')) listCalls.push(r.postData() ?? '');
  });
  await page.keyboard.press('End');
  await expect(row('/seed/0')).toBeVisible();
  await expect(row('/seed/0')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.detail-pane')).toContainText('/seed/0');
  expect(listCalls.length, listCalls.join('\n')).toBeLessThanOrEqual(2);
  expect(JSON.parse(listCalls[0]!)).toMatchObject({ order: 'oldest' });

  // A new delivery while at the oldest end does not move the rows in view.
  const at = async (): Promise<number> => (await row('/seed/0').boundingBox())!.y;
  const y = await at();
  await sendWebhook(server, '/fresh/1', '{"type":"fresh.event"}');
  await expect(page.getByTestId('event-count')).toHaveText((EVENTS + 1).toLocaleString('en-US'));
  expect(await at()).toBe(y);
  await expect(row('/fresh/1')).toHaveCount(0);

  // Going up loads newer pages above, keeping the rows in view where they are, until the
  // newest, the new delivery included.
  const top = rows.first().getByTestId('event-path');
  for (let pages = 0; (await row('/fresh/1').count()) === 0; pages++) {
    expect(pages, 'pages loaded going up').toBeLessThan(EVENTS / 100);
    const shown = await top.textContent();
    await list.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect
      .poll(async () => (await top.textContent()) !== shown || (await row('/fresh/1').count()))
      .toBeTruthy();
  }
  await expect(page.getByTestId('list-loader')).toHaveCount(0);
  await expect(rows.first().getByTestId('event-path')).toHaveText('/fresh/1');
  // At the newest again, live deliveries go on top.
  await sendWebhook(server, '/fresh/2', '{"type":"fresh.event"}');
  await expect(rows.first().getByTestId('event-path')).toHaveText('/fresh/2');

  // The header's buttons do the same as the keys.
  await page.getByTestId('jump-oldest').click();
  await expect(row('/seed/0')).toBeVisible();
  await expect(row('/seed/0')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('jump-newest').click();
  await expect(row('/fresh/2')).toBeVisible();
  await expect(row('/fresh/2')).toHaveAttribute('aria-selected', 'true');
  // After a button, the keys go on in the list (not to the button: Enter would jump again).
  await expect(list).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowUp');
  await expect(row('/fresh/2')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(row('/seed/0')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(row('/fresh/2')).toHaveAttribute('aria-selected', 'true');
  await expect(row('/fresh/2')).toBeVisible();

  // With a filter, End goes to the oldest match.
  await page.getByTestId('search').fill('fresh');
  await expect(rows).toHaveCount(2);
  await page.getByTestId('search').blur();
  await page.keyboard.press('End');
  await expect(row('/fresh/1')).toHaveAttribute('aria-selected', 'true');
});
