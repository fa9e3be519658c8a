import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HookscopeError } from '../../src/shared/errors';
import { rawRequest } from '../helpers/http';
import { startEngine, type TestEngine } from '../helpers/engine';

let t: TestEngine;
afterEach(() => t.stop());

describe('endpoints', () => {
  it('has a default endpoint at / that always exists and cannot be deleted', async () => {
    t = await startEngine();
    const { items } = await t.client.listEndpoints();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: 'default', path: '/', provider: 'auto' });
    await expect(t.client.deleteEndpoint({ id: 'default' })).rejects.toMatchObject({
      code: 'bad_input',
    });
  });

  it('matches the most specific path prefix, on segment boundaries', async () => {
    t = await startEngine();
    const openai = await t.client.saveEndpoint({ name: 'OpenAI', path: '/openai/' });
    const batch = await t.client.saveEndpoint({ name: 'Batch', path: '/openai/batch' });
    expect(openai.path).toBe('/openai'); // trailing slash normalised
    for (const p of ['/openai', '/openai/x', '/openai/batch/1', '/openaix', '/other']) {
      await rawRequest(t.receiverUrl, { path: p });
    }
    const { items } = await t.client.listEvents({});
    const byPath = Object.fromEntries(items.map((e) => [e.path, e.endpointId]));
    expect(byPath).toEqual({
      '/openai': openai.id,
      '/openai/x': openai.id,
      '/openai/batch/1': batch.id,
      '/openaix': 'default',
      '/other': 'default',
    });
    expect((await t.client.listEvents({ endpointId: batch.id })).items).toHaveLength(1);
  });

  it('answers with the configured status, headers, body and delay, after storing', async () => {
    t = await startEngine();
    await t.client.saveEndpoint({
      name: 'Flaky',
      path: '/flaky',
      response: {
        status: 503,
        headers: [
          ['Retry-After', '5'],
          ['X-Seen', 'yes'],
        ],
        body: 'try later',
        delayMs: 150,
      },
    });
    const started = Date.now();
    const res = await rawRequest(t.receiverUrl, { path: '/flaky', body: 'x' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(503);
    expect(res.body.toString()).toBe('try later');
    expect(res.headers).toEqual(
      expect.arrayContaining([
        ['Retry-After', '5'],
        ['X-Seen', 'yes'],
      ]),
    );
    const [e] = (await t.client.listEvents({})).items;
    expect(e!.response.status).toBe(503);
  });

  it('fails the next N deliveries with the chosen status, stores them, then answers normally', async () => {
    t = await startEngine();
    const ep = await t.client.saveEndpoint({
      name: 'Flaky',
      path: '/flaky',
      simulate: { failNext: 2, failPercent: 0, status: 503 },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await rawRequest(t.receiverUrl, { path: '/flaky', body: `${i}` })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(
      (await t.client.listEvents({ endpointId: ep.id })).items.map((e) => e.response.status),
    ).toEqual([200, 503, 503]);
    expect((await t.client.listEndpoints()).items.find((e) => e.id === ep.id)!.simulate).toEqual({
      failNext: 0,
      failPercent: 0,
      status: 503,
    });
    await t.client.saveEndpoint({
      id: ep.id,
      name: 'Flaky',
      path: '/flaky',
      simulate: { failNext: 0, failPercent: 100, status: 429 },
    });
    expect((await rawRequest(t.receiverUrl, { path: '/flaky' })).status).toBe(429);
  });

  it('rejects bad endpoint input with clear errors', async () => {
    t = await startEngine();
    await t.client.saveEndpoint({ name: 'A', path: '/a' });
    await expect(t.client.saveEndpoint({ name: 'B', path: '/a' })).rejects.toMatchObject({
      code: 'conflict',
    });
    const bad = await t.client
      .saveEndpoint({ name: 'C', path: 'no-slash' })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HookscopeError);
    expect((bad as HookscopeError).issues?.[0]?.path).toEqual(['path']);
    await expect(
      t.client.saveEndpoint({
        name: 'D',
        path: '/d',
        response: { status: 200, headers: [['X-A', 'a\r\nInjected: 1']] },
      }),
    ).rejects.toMatchObject({ code: 'bad_input' });
    await expect(
      t.client.saveEndpoint({ id: 'nope', name: 'E', path: '/e' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('keeps secrets out of the log and the API, in a file only the user can read', async () => {
    t = await startEngine();
    const ep = await t.client.saveEndpoint({
      name: 'S',
      path: '/s',
      secrets: ['whsec_abc', 'whsec_def'],
    });
    expect(ep.secretCount).toBe(2);
    expect(JSON.stringify(await t.client.listEndpoints())).not.toContain('whsec_abc');
    const file = join(t.dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('whsec_abc');
    expect(readFileSync(join(t.dataDir, 'hookscope.db')).includes('whsec_abc')).toBe(false);
  });
});
