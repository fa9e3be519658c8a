import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

/** Each level doubles ajv's work: a check that never finishes within its 250 ms. */
function doublingChain(levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = { l0: { type: 'string', pattern: 'z' } };
  for (let i = 1; i <= levels; i++) {
    defs[`l${i}`] = { anyOf: [{ $ref: `#/$defs/l${i - 1}` }, { $ref: `#/$defs/l${i - 1}` }] };
  }
  return { $defs: defs, items: { $ref: `#/$defs/l${levels}` } };
}

test('a schema check that did not finish is shown as such, with why', async ({ page, server }) => {
  const saved = await server.api('saveEndpoint', {
    name: 'Slow schema',
    path: '/slow',
    jsonSchema: doublingChain(40),
  });
  expect(saved.status).toBe(200);
  await openUi(page, server.uiUrl, server.receiverUrl);
  await sendWebhook(server, '/slow', '["aaaa"]');
  const row = page.getByTestId('event-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('schema unchecked');
  await row.click();
  const card = page.getByTestId('event-detail').getByTestId('schema-card');
  await expect(card).toContainText('check did not finish');
  await expect(card).toContainText(
    'schema check took longer than 250 ms: the schema is too expensive for this body',
  );
});

test('a body too deep to check is a note saying why, not a list of failures', async ({
  page,
  server,
}) => {
  const saved = await server.api('saveEndpoint', {
    name: 'Deep',
    path: '/deep',
    jsonSchema: { type: 'array' },
  });
  expect(saved.status).toBe(200);
  await openUi(page, server.uiUrl, server.receiverUrl);
  await sendWebhook(server, '/deep', `${'['.repeat(1200)}${']'.repeat(1200)}`);
  await page.getByTestId('event-row').first().click();
  const card = page.getByTestId('event-detail').getByTestId('schema-card');
  await expect(card).toContainText('not checked');
  await expect(card.getByTestId('schema-not-checked')).toHaveText(
    'Not checked: the body is nested more than 1000 levels deep, not parsed.',
  );
  await expect(card.locator('ul.issues')).toHaveCount(0);
});
