import { describe, expect, it } from 'vitest';
import { startEngine } from '../helpers/engine';

describe('sample deliveries', () => {
  it('every sample arrives signed and valid with the endpoint secret, with its schema checked', async () => {
    const t = await startEngine();
    try {
      const secret = 'whsec_' + Buffer.from('sample-secret-of-thirty-two-byte').toString('base64');
      await t.client.saveEndpoint({ id: 'default', name: 'Default', path: '/', secrets: [secret] });
      const { items } = await t.client.listSamples();
      expect(items.length).toBeGreaterThanOrEqual(11);
      for (const s of items) {
        const r = await t.client.sendSample({ sample: s.id });
        expect(r, s.id).toMatchObject({ status: 200, signed: true, error: null });
      }
      const events = (await t.client.listEvents({ limit: 100 })).items.reverse();
      expect(events.map((e) => [e.signature.provider, e.signature.status])).toEqual(
        items.map((s) => [s.provider, 'valid']),
      );
      const schemaChecked = events.filter((e) =>
        ['openai', 'stripe', 'github'].includes(e.signature.provider!),
      );
      const details = await Promise.all(schemaChecked.map((e) => t.client.getEvent({ id: e.id })));
      expect(details.map((d) => [d.eventType, d.schema])).toEqual(
        details.map((d) => [d.eventType, expect.objectContaining({ status: 'valid' })]),
      );
      expect(events.find((e) => e.signature.provider === 'openai')!.jobId).toMatch(/^batch_/);
    } finally {
      await t.stop();
    }
  });

  it('sends unsigned without a secret, and refuses unknown samples and an offline tunnel', async () => {
    const t = await startEngine();
    try {
      expect(await t.client.sendSample({ sample: 'github.push' })).toMatchObject({
        status: 200,
        signed: false,
      });
      const [e] = (await t.client.listEvents({})).items;
      expect(e!.signature).toEqual({ status: 'missing', provider: 'github' });
      await expect(t.client.sendSample({ sample: 'nope' })).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(
        t.client.sendSample({ sample: 'github.push', via: 'public' }),
      ).rejects.toMatchObject({
        code: 'bad_input',
        message: expect.stringMatching(/tunnel is not online/),
      });
    } finally {
      await t.stop();
    }
  });
});
