import { seedLog } from './helpers/seed-log.mjs';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

const EVENTS = 100_000;

test('with 100,000 stored events: few DOM rows, the oldest reachable, search finds one', async ({
  page,
  launchServer,
  scratchDir,
}) => {
  test.setTimeout(180_000);
  // One real delivery, then copies of it written straight into the stopped server's log.
  const first = await launchServer({ dataDir: scratchDir });
  await sendWebhook(first, '/seed/0', '{"type":"seed.event","n":0,"note":"template"}');
  await first.stop();
  const ms = seedLog(scratchDir, EVENTS, { needle: 'quokka', needleAt: 4321 });
  console.log(`seeded ${EVENTS} events in ${Math.round(ms)} ms`);
  const server = await launchServer({ dataDir: scratchDir });
  await page.setViewportSize({ width: 1280, height: 720 });
  await openUi(page, server.uiUrl, server.receiverUrl);
  await expect(page.getByTestId('event-count')).toHaveText('100,000');

  const rows = page.getByTestId('event-row');
  const domRows = (): Promise<number> => page.locator('.row').count();
  await expect(rows.first().getByTestId('event-path')).toHaveText(`/seed/${EVENTS - 1}`);
  expect(await domRows()).toBeLessThan(200);

  // Scroll to the end again and again: each time the next older page loads, until the very
  // first event is in the list.
  const list = page.getByTestId('event-list');
  const oldest = page.getByTestId('event-path').getByText('/seed/0', { exact: true });
  const height = (): Promise<number> => list.evaluate((el) => el.scrollHeight);
  for (let pages = 0; (await oldest.count()) === 0; pages++) {
    expect(pages, 'pages loaded while scrolling').toBeLessThan(EVENTS / 400);
    const before = await list.evaluate((el) => {
      el.scrollTo({ top: el.scrollHeight });
      return el.scrollHeight;
    });
    const progressed = async (): Promise<boolean> =>
      (await height()) > before || (await oldest.count()) > 0;
    await expect.poll(progressed, { intervals: [16] }).toBe(true);
  }
  await expect(oldest).toBeVisible();
  expect(await domRows()).toBeLessThan(200);
  await expect(page.getByTestId('list-loader')).toHaveCount(0);

  // Full-text search on the server finds the one event with the unique word.
  await page.getByTestId('search').fill('quokka');
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId('event-path')).toHaveText('/seed/4321');
  await expect(page.getByTestId('list-count')).toHaveText('1 matching');
});
