import type {
  BatchCompletedWebhookEvent,
  EvalRunCanceledWebhookEvent,
  RealtimeCallIncomingWebhookEvent,
  ResponseIncompleteWebhookEvent,
  UnwrapWebhookEvent,
} from 'openai/resources/webhooks';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { inspect } from '../../../src/core/inspect';
import { checkSchema, openAiJob } from '../../../src/core/schemas';
import {
  OpenAiEvent,
  openAiEventTypes,
  type OpenAiEventType,
} from '../../../src/core/schemas/openai';
import { clone, endpoint, fixture, loadFixtures } from './helpers';

const fixtures = loadFixtures('openai');
const check = (json: unknown) => checkSchema('openai', json);

describe('OpenAI schema', () => {
  it('covers exactly the event types of the openai SDK', () => {
    expectTypeOf<UnwrapWebhookEvent['type']>().toEqualTypeOf<OpenAiEventType>();
    expectTypeOf<OpenAiEvent['type']>().toEqualTypeOf<OpenAiEventType>();
    type Call = Extract<OpenAiEvent, { type: 'realtime.call.incoming' }>;
    expectTypeOf<Call['data']['sip_headers']>().toEqualTypeOf<{ name: string; value: string }[]>();
    expect(openAiEventTypes).toHaveLength(15);
    expect([...fixtures.keys()].sort()).toEqual([...openAiEventTypes].sort());
  });

  it.each([...fixtures.keys()])('accepts the %s fixture, named after its type', (type) => {
    expect(check(fixtures.get(type))).toEqual({ status: 'valid', name: `OpenAI ${type}` });
    expect(OpenAiEvent.safeParse(fixtures.get(type)).success).toBe(true);
  });

  it('accepts events written against the SDK types, with or without `object`', () => {
    const batch: BatchCompletedWebhookEvent = {
      id: 'evt_685343a1381c819085d44c354e1b330e',
      object: 'event',
      created_at: 1750287018,
      type: 'batch.completed',
      data: { id: 'batch_abc123' },
    };
    const evalRun: EvalRunCanceledWebhookEvent = {
      id: 'evt_1',
      created_at: 1750287018,
      type: 'eval.run.canceled',
      data: { id: 'evalrun_1' },
    };
    const call: RealtimeCallIncomingWebhookEvent = {
      id: 'evt_2',
      object: 'event',
      created_at: 1750287018,
      type: 'realtime.call.incoming',
      data: { call_id: 'rtc_1', sip_headers: [{ name: 'From', value: 'sip:a@example.com' }] },
    };
    const response: ResponseIncompleteWebhookEvent = {
      id: 'evt_3',
      created_at: 1750287018,
      type: 'response.incomplete',
      data: { id: 'resp_1' },
    };
    const events: UnwrapWebhookEvent[] = [batch, evalRun, call, response];
    for (const e of events) {
      expect(check(e)).toEqual({ status: 'valid', name: `OpenAI ${e.type}` });
    }
  });

  it('lets providers add fields', () => {
    const e = clone(fixture('openai', 'response.completed'));
    e.api_version = '2026-01-01';
    (e.data as Record<string, unknown>).status = 'completed';
    expect(check(e).status).toBe('valid');
  });

  it('reports a missing data.id with its path', () => {
    const e = clone(fixture('openai', 'batch.completed'));
    delete (e.data as Record<string, unknown>).id;
    expect(check(e)).toEqual({
      status: 'invalid',
      name: 'OpenAI batch.completed',
      issues: ['data.id: required, expected string'],
    });
  });

  it('reports a created_at of the wrong type', () => {
    const e = clone(fixture('openai', 'fine_tuning.job.failed'));
    e.created_at = '2026-11-27T12:00:00Z';
    expect(check(e)).toEqual({
      status: 'invalid',
      name: 'OpenAI fine_tuning.job.failed',
      issues: ['created_at: expected number, received string'],
    });
  });

  it('reports an unknown type and lists the known ones, with the other envelope issues', () => {
    const e = clone(fixture('openai', 'batch.completed'));
    e.type = 'batch.paused';
    e.id = 42;
    const r = check(e);
    expect(r.status).toBe('invalid');
    expect(r.name).toBe('OpenAI event');
    expect(r.issues?.[0]).toMatch(/^type: unknown OpenAI event type "batch\.paused" \(known: /);
    expect(r.issues?.[0]).toContain('realtime.call.incoming');
    expect(r.issues).toContain('id: expected string, received number');
  });

  it('reports a missing type, a wrong object, and realtime data paths', () => {
    const noType = clone(fixture('openai', 'batch.completed'));
    delete noType.type;
    expect(check(noType).issues).toEqual(['type: required, expected string']);

    const wrongObject = clone(fixture('openai', 'batch.completed'));
    wrongObject.object = 'evt';
    expect(check(wrongObject).issues).toEqual(['object: expected "event", received "evt"']);

    const call = clone(fixture('openai', 'realtime.call.incoming'));
    const data = call.data as { sip_headers: Record<string, unknown>[] };
    delete data.sip_headers[1]!.value;
    expect(check(call).issues).toEqual(['data.sip_headers[1].value: required, expected string']);
  });

  it('says what is wrong with a body that is not an object', () => {
    expect(check([1, 2])).toEqual({
      status: 'invalid',
      name: 'OpenAI event',
      issues: ['(root): expected object, received array'],
    });
    expect(check(undefined)).toEqual({ status: 'none' });
  });

  it('is what inspect() reports for an OpenAI delivery', () => {
    const body = Buffer.from(JSON.stringify(fixture('openai', 'response.failed')));
    const r = inspect(
      {
        receivedAt: 0,
        method: 'POST',
        path: '/hooks',
        query: '',
        headers: [['content-type', 'application/json']],
        body,
        sourceIp: null,
        viaTunnel: false,
        publicUrl: null,
      },
      { ...endpoint, provider: 'openai' },
      [],
      0,
      null,
    );
    expect(r.schema).toEqual({ status: 'valid', name: 'OpenAI response.failed' });
  });
});

describe('openAiJob', () => {
  const kindOf = (type: string) =>
    type.startsWith('fine_tuning.job.')
      ? 'fine_tuning.job'
      : type.startsWith('eval.run.')
        ? 'eval.run'
        : type.startsWith('realtime.call.')
          ? 'realtime.call'
          : type.split('.')[0];

  it.each([...fixtures.keys()])('gives the kind and job id of %s', (type) => {
    const e = fixtures.get(type) as { data: { id?: string; call_id?: string } };
    const jobId = type === 'realtime.call.incoming' ? e.data.call_id : e.data.id;
    expect(jobId).toBeTypeOf('string');
    expect(openAiJob(e)).toEqual({ type, jobId, kind: kindOf(type) });
  });

  it('takes the job id and kind of the fixtures as expected', () => {
    expect(openAiJob(fixtures.get('batch.completed'))).toEqual({
      type: 'batch.completed',
      jobId: 'batch_c342966da8393e82866513eb',
      kind: 'batch',
    });
    expect(openAiJob(fixtures.get('realtime.call.incoming'))).toEqual({
      type: 'realtime.call.incoming',
      jobId: 'rtc_0001',
      kind: 'realtime.call',
    });
  });

  it('is lenient with newer types and broken data, and null without a type', () => {
    expect(openAiJob({ type: 'batch.in_progress', data: { id: 'batch_1' } })).toEqual({
      type: 'batch.in_progress',
      jobId: 'batch_1',
      kind: 'batch',
    });
    expect(openAiJob({ type: 'video.completed', data: { id: 'video_1' } })).toEqual({
      type: 'video.completed',
      jobId: 'video_1',
      kind: null,
    });
    expect(openAiJob({ type: 'response.completed', data: { id: 7 } })).toEqual({
      type: 'response.completed',
      jobId: null,
      kind: 'response',
    });
    expect(openAiJob({ type: 'response.completed' })?.jobId).toBeNull();
    expect(openAiJob({ data: { id: 'x' } })).toBeNull();
    expect(openAiJob(null)).toBeNull();
    expect(openAiJob('batch.completed')).toBeNull();
  });
});
