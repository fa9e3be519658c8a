import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

test('the search box says how search reads a query; a quoted search finds the exact one', async ({
  page,
  server,
}) => {
  await openUi(page, server.uiUrl, server.receiverUrl);
  for (const n of [5, 50, 51, 59]) {
    await sendWebhook(server, `/bulk/${n}`, JSON.stringify({ id: `evt_bulk_${n}` }));
  }
  // 2 MB of text: a word near the start is found, one past the first MB is not.
  const big =
    'alphaword ' + 'lorem ipsum '.repeat(125_000) + 'omegaword ' + 'dolor '.repeat(90_000);
  await sendWebhook(server, '/big', big, { 'content-type': 'text/plain' });
  const paths = page.getByTestId('event-path');
  await expect(paths).toHaveCount(5);

  const search = page.getByTestId('search');
  await search.focus();
  await expect(page.getByTestId('search-hint')).toBeVisible();
  await expect(page.getByTestId('search-hint')).toHaveText(
    'words match whole words · "quoted phrase" · pre* for a prefix · path: header: body: to pick a field',
  );
  await expect(search).toHaveAttribute('title', /"quoted phrase"/);

  await search.fill('"evt_bulk_5"');
  await expect(paths).toHaveText(['/bulk/5']);
  // A click on a row while the box still has focus opens it: the hint floats over the list
  // and its going away on blur moves nothing under the pointer (it used to move the rows up
  // between mousedown and click once the box was emptied).
  await search.fill('');
  await expect(paths).toHaveCount(5);
  await expect(page.getByTestId('search-hint')).toBeVisible();
  const before = await paths.nth(1).boundingBox();
  await paths.nth(1).click();
  await expect(page.getByTestId('event-detail')).toBeVisible();
  expect(await paths.nth(1).boundingBox()).toEqual(before);
  await search.fill('"evt_bulk_5"');
  await expect(paths).toHaveText(['/bulk/5']);
  await expect(page.getByTestId('list-count')).toHaveText('1 matching');
  await search.fill('evt_bulk_5*');
  await expect(paths).toHaveText(['/bulk/59', '/bulk/51', '/bulk/50', '/bulk/5']);
  await search.fill('body:alphaword');
  await expect(paths).toHaveText(['/big']);
  await search.fill('omegaword');
  await expect(paths).toHaveCount(0);

  // The detail says how much of a large body search covers.
  await search.fill('alphaword');
  await paths.first().click();
  await expect(page.getByTestId('detail-title')).toHaveText('POST /big');
  // A 2 MB body takes a moment to load and render on a busy machine.
  await expect(page.getByTestId('body-search-note')).toHaveText(
    '· searched: first 1 MB of this body',
    { timeout: 20_000 },
  );
});
