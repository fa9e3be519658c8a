import { seedLog } from './helpers/seed-log.mjs';
import { sendShowcase } from './helpers/showcase';
import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

test('one exact count in the list and the top bar, kept in step by live changes', async ({
  page,
  launchServer,
  scratchDir,
}) => {
  test.setTimeout(90_000);
  const first = await launchServer({ dataDir: scratchDir });
  await sendWebhook(first, '/seed/0', '{"type":"seed.event","n":0}');
  await first.stop();
  seedLog(scratchDir, 2066);
  const server = await launchServer({ dataDir: scratchDir });
  await openUi(page, server.uiUrl, server.receiverUrl);
  const listCount = page.getByTestId('list-count');
  const topCount = page.getByTestId('event-count');
  // After a reload: more rows than the first page holds, yet one exact number in both places.
  await expect(topCount).toHaveText('2,066');
  await expect(listCount).toHaveText('2,066 deliveries');

  // A new delivery, then a delete, then retention: both follow.
  await sendWebhook(server, '/live/1', '{"n":"live"}');
  await expect(topCount).toHaveText('2,067');
  await expect(listCount).toHaveText('2,067 deliveries');
  const newest = await page.getByTestId('event-row').first().getAttribute('data-id');
  const del = await server.api('deleteEvents', { ids: [newest] });
  expect(del.status).toBe(200);
  await expect(topCount).toHaveText('2,066');
  await expect(listCount).toHaveText('2,066 deliveries');

  // A filter: the engine's exact count of matches, also kept in step.
  await page.getByTestId('search').fill('live');
  await expect(listCount).toHaveText('0 matching');
  await sendWebhook(server, '/live/2', '{"n":"live"}');
  await sendWebhook(server, '/live/3', '{"n":"live"}');
  await expect(listCount).toHaveText('2 matching');
  await page.getByTestId('search').fill('seed');
  await expect(listCount).toHaveText('2,066 matching');

  const settings = (await (await server.api('getSettings')).json()) as {
    retention: { maxEvents: number; maxAgeDays: number };
  };
  const saved = await server.api('saveSettings', {
    retention: { ...settings.retention, maxEvents: 1000 },
  });
  expect(saved.status).toBe(200);
  await expect(topCount).toHaveText('1,000');
  await expect(listCount).toHaveText('998 matching');
  await page.getByTestId('search').fill('');
  await expect(listCount).toHaveText('1,000 deliveries');
});

test('each filter pill shows how many events it matches, within the chosen endpoint, kept live', async ({
  page,
  server,
}) => {
  await sendShowcase(server);
  await openUi(page, server.uiUrl, server.receiverUrl);
  await expect(page.getByTestId('event-row')).toHaveCount(10);
  const dupes = page.getByTestId('filter-duplicates-count');
  const signature = page.getByTestId('filter-signature');
  await expect(dupes).toHaveText(' · 1');
  await expect(dupes).toHaveAttribute('title', /search and the other filters are not applied/);
  await expect(signature).toHaveAttribute('title', /search and the other filters are not applied/);
  await expect(page.getByTestId('filter-refused-count')).toHaveText(' · 0');
  await expect(signature.locator('option[value="invalid"]')).toHaveText('Invalid signature · 1');
  await expect(signature.locator('option[value=""]')).toHaveText('Any signature');

  // A live duplicate and a refusal are counted without a reload.
  const listed = (await (await server.api('listEvents', { duplicatesOnly: true })).json()) as {
    items: { id: string; path: string }[];
  };
  const dup = listed.items[0]!;
  const again = (await (await server.api('getEvent', { id: dup.id })).json()) as {
    headers: [string, string][];
    body: { text: string };
  };
  await fetch(`${server.receiverUrl}${dup.path}`, {
    method: 'POST',
    headers: again.headers.filter(([k]) => !['host', 'content-length'].includes(k.toLowerCase())),
    body: again.body.text,
  });
  await expect(dupes).toHaveText(' · 2');

  // Within an endpoint the pills count only its events; the endpoints say their own totals.
  const endpoints = page.getByTestId('filter-endpoint');
  const github = endpoints.locator('option', { hasText: '/github' });
  await expect(github).toHaveText(/ · 2$/);
  await endpoints.selectOption((await github.getAttribute('value'))!);
  await expect(dupes).toHaveText(' · 0');
  await expect(signature.locator('option[value="invalid"]')).toHaveText('Invalid signature · 0');
});
