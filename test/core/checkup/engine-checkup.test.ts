import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Checkup, ProbeId, ProbeVerdict } from '../../../src/shared/checkup';
import { startEngine, type TestEngine } from '../../helpers/engine';
import { STRIPE_SECRET, noVerify, receiverPool, stripeVerify } from './receivers';

const SMALL = { burst: { count: 5, concurrency: 2 }, latencySamples: 2 };
const verdicts = (c: Checkup): Record<ProbeId, ProbeVerdict> =>
  Object.fromEntries(c.probes.map((p) => [p.id, p.verdict])) as Record<ProbeId, ProbeVerdict>;
const summaryOf = ({ probes: _probes, ...rest }: Checkup) => rest;

let t: TestEngine;
const pool = receiverPool();
const receiver = pool.start;
beforeEach(async () => {
  t = await startEngine();
});
afterEach(async () => {
  await t.stop();
  await pool.closeAll();
});

/** A Stripe endpoint with the test secret, and whatever else is given. */
const stripeEndpoint = (name: string, path: string, forwardTo?: string) =>
  t.client.saveEndpoint({
    name,
    path,
    provider: 'stripe',
    secrets: [STRIPE_SECRET],
    ...(forwardTo ? { forwardTo } : {}),
  });

describe('check-up through the engine', () => {
  it("runs with the endpoint's forward target, provider and secret, and keeps a history", async () => {
    const good = await receiver({ verify: stripeVerify() });
    const ep = await stripeEndpoint('Stripe', '/stripe', good.url);
    const run = await t.client.runCheckup({ endpointId: ep.id, ...SMALL });
    expect(run).toMatchObject({
      endpointId: ep.id,
      target: good.url,
      provider: 'stripe',
      sample: 'stripe.payment_intent.succeeded',
      passed: true,
      score: 100,
      requests: 6 + 2 + 5,
    });
    expect(good.received()).toBe(13);

    const bad = await receiver({ verify: noVerify });
    const adhoc = await t.client.runCheckup({
      target: bad.url,
      provider: 'stripe',
      secret: STRIPE_SECRET,
      ...SMALL,
    });
    expect(adhoc).toMatchObject({ endpointId: null, passed: false });
    expect(verdicts(adhoc).forged).toBe('fail');

    expect((await t.client.listCheckups({})).items).toEqual([summaryOf(adhoc), summaryOf(run)]);
    expect((await t.client.listCheckups({ endpointId: ep.id })).items).toEqual([summaryOf(run)]);
    expect((await t.client.listCheckups({ limit: 1 })).items).toEqual([summaryOf(adhoc)]);
    expect(await t.client.getCheckup({ id: run.id })).toEqual(run);
    expect(JSON.stringify(await t.client.listCheckups({}))).not.toContain(STRIPE_SECRET);

    expect(await t.client.deleteCheckup({ id: run.id })).toEqual({ deleted: true });
    expect(await t.client.deleteCheckup({ id: run.id })).toEqual({ deleted: false });
    await expect(t.client.getCheckup({ id: run.id })).rejects.toMatchObject({
      code: 'not_found',
      message: `no check-up "${run.id}"`,
    });
    expect((await t.client.listCheckups({ endpointId: ep.id })).items).toEqual([]);
  });

  it('says what is missing, and stores nothing, when the endpoint lacks a target, provider or secret', async () => {
    const r = await receiver({ verify: stripeVerify() });
    const noTarget = await stripeEndpoint('No target', '/a');
    await expect(t.client.runCheckup({ endpointId: noTarget.id })).rejects.toMatchObject({
      code: 'bad_input',
      message:
        'endpoint "No target" has no forward target: give target (the URL of your webhook handler)',
    });
    await expect(
      t.client.runCheckup({ endpointId: 'default', target: r.url, secret: 's' }),
    ).rejects.toMatchObject({
      code: 'bad_input',
      message:
        'endpoint "Default" detects its provider from each delivery (\'auto\'), but the check-up signs as one provider: give provider',
    });
    const noSecret = await t.client.saveEndpoint({
      name: 'No secret',
      path: '/b',
      provider: 'github',
      forwardTo: r.url,
    });
    await expect(t.client.runCheckup({ endpointId: noSecret.id })).rejects.toMatchObject({
      code: 'bad_input',
      message: 'endpoint "No secret" has no signing secret: give secret',
    });
    await expect(t.client.runCheckup({ target: r.url, secret: 's' })).rejects.toMatchObject({
      code: 'bad_input',
      message: 'give provider (e.g. stripe, github)',
    });
    await expect(t.client.runCheckup({ endpointId: 'nope' })).rejects.toMatchObject({
      code: 'not_found',
      message: 'no endpoint "nope"',
    });
    await expect(
      t.client.runCheckup({ target: r.url, provider: 'discord', secret: 'ab'.repeat(32) }),
    ).rejects.toMatchObject({
      code: 'bad_input',
      message: expect.stringMatching(
        /^cannot sign as Discord: Discord signs with its own private key/,
      ),
    });
    expect((await t.client.listCheckups({})).items).toEqual([]);
    expect(r.received()).toBe(0);
  });

  it('uses a stored delivery as the payload: its exact body first, distinct ones after', async () => {
    const ep = await stripeEndpoint('Stripe', '/stripe');
    const body = '{"id":"evt_stored_0001","object":"event","type":"invoice.paid","data":{}}';
    await fetch(`${t.receiverUrl}/stripe`, { method: 'POST', body });
    const [stored] = (await t.client.listEvents({ endpointId: ep.id })).items;
    // Duplicates answered 409: the burst passes only when its deliveries are distinct.
    const r = await receiver({ verify: stripeVerify(), duplicateStatus: 409 });
    const run = await t.client.runCheckup({
      endpointId: ep.id,
      eventId: stored!.id,
      target: r.url,
      ...SMALL,
    });
    expect(run.sample).toBe(`event:${stored!.id}`);
    const valid = run.probes.find((p) => p.id === 'valid')!;
    expect(valid.request!.bodyText).toBe(body);
    expect(valid.request!.url).toBe(r.url);
    expect(verdicts(run)).toMatchObject({ valid: 'pass', duplicate: 'fail', burst: 'pass' });
    await expect(
      t.client.runCheckup({ endpointId: ep.id, eventId: 'nope', target: r.url }),
    ).rejects.toMatchObject({ code: 'not_found', message: 'no event "nope"' });
  });
});
