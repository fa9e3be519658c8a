import { expect, test } from './helpers/serve';
import { openUi } from './helpers/ui';
import { sendWebhook } from './helpers/webhooks';

test("a forward attempt a person's listener reported says who sent it", async ({
  page,
  server,
}) => {
  const added = (await (await server.api('addUser', { name: 'alice', role: 'member' })).json()) as {
    token: string;
  };
  await openUi(page, server.uiUrl, server.receiverUrl);
  await sendWebhook(server, '/who', '{"type":"invoice.paid"}');
  const list = (await (await server.api('listEvents', { limit: 1 })).json()) as {
    items: { id: string }[];
  };
  const res = await fetch(`${server.apiUrl}/api/recordListenerAttempt`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${added.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      eventId: list.items[0]!.id,
      by: 'laptop',
      targetUrl: 'http://localhost:3000/hooks',
      status: 200,
      error: null,
      durationMs: 4,
      attempt: 1,
    }),
  });
  expect(res.status).toBe(200);
  await page.getByTestId('event-row').first().click();
  await expect(page.getByTestId('forward-attempt-by')).toHaveText('· by alice (laptop)');
});
