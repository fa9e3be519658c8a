/**
 * Hookscope for a team (issue 17): two `serve --database` instances on one PostgreSQL
 * database, each with its own UI in Chromium. What reaches one instance shows live in the
 * other's UI, without a reload: a delivery posted to B in A's list, an endpoint saved in A's
 * UI in B's endpoints panel.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from './helpers/postgres';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

const KEY = randomBytes(32).toString('base64');

test('a UI on instance A sees what reaches instance B, live', async ({
  browser,
  database,
  launchServer,
}) => {
  const env = { HOOKSCOPE_SECRET_KEY: KEY };
  const [a, b] = await Promise.all([
    launchServer({ args: ['--database', database], env }),
    launchServer({ args: ['--database', database], env }),
  ]);
  const pageA = await browser.newPage();
  const pageB = await browser.newPage();
  await openUi(pageA, a.uiUrl, a.receiverUrl);
  await openUi(pageB, b.uiUrl, b.receiverUrl);
  await expect(pageA.getByTestId('event-row')).toHaveCount(0);

  // A delivery posted to B shows in A's open list.
  await sendWebhook(b, '/team/posted-to-b', '{"via":"B"}');
  await expect(pageA.getByTestId('event-path')).toHaveText(['/team/posted-to-b']);
  await expect(pageA.getByTestId('event-count')).toHaveText('1');
  // And the other way round.
  await sendWebhook(a, '/team/posted-to-a', '{"via":"A"}');
  await expect(pageB.getByTestId('event-path')).toHaveText([
    '/team/posted-to-a',
    '/team/posted-to-b',
  ]);

  // An endpoint saved in A's UI shows in B's open endpoints panel.
  await pageB.getByTestId('open-endpoints').click();
  const panelB = pageB.getByTestId('endpoints-panel');
  await expect(panelB.getByTestId('endpoint-row')).toHaveCount(1);
  await pageA.getByTestId('open-endpoints').click();
  const panelA = pageA.getByTestId('endpoints-panel');
  await panelA.getByTestId('new-endpoint').click();
  await panelA.getByTestId('ep-name').fill('Team orders');
  await panelA.getByTestId('ep-path').fill('/team-orders');
  await panelA.getByTestId('ep-save').click();
  await expect(panelA.getByTestId('endpoint-row').filter({ hasText: '/team-orders' })).toHaveCount(
    1,
  );
  await expect(panelB.getByTestId('endpoint-row').filter({ hasText: '/team-orders' })).toHaveCount(
    1,
    { timeout: 15_000 },
  );
  await pageA.close();
  await pageB.close();
});
