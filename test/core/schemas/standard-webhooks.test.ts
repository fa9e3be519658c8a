import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../../src/core/schemas';

const check = (provider: string, json: unknown) => checkSchema(provider, json);

// The example payload of the Standard Webhooks spec.
const spec = {
  type: 'contact.created',
  timestamp: '2022-11-03T20:26:10.344522Z',
  data: { id: '1f81eb52-5198-4599-803e-771906343485', type: 'contact' },
};

describe('Standard Webhooks envelope', () => {
  it("accepts the spec's example and other ISO 8601 timestamps", () => {
    expect(check('standard-webhooks', spec)).toEqual({
      status: 'valid',
      name: 'Standard Webhooks envelope',
    });
    for (const timestamp of ['2022-11-03T20:26:10Z', '2022-11-03T20:26:10.344+02:00']) {
      expect(check('standard-webhooks', { ...spec, timestamp }).status).toBe('valid');
    }
  });

  it('reports envelope fields of the wrong kind', () => {
    expect(check('standard-webhooks', { ...spec, timestamp: 1667507170, data: [] })).toEqual({
      status: 'invalid',
      name: 'Standard Webhooks envelope',
      issues: [
        'timestamp: expected string, received number',
        'data: expected object, received array',
      ],
    });
    expect(check('standard-webhooks', { ...spec, timestamp: 'yesterday' }).issues).toEqual([
      'timestamp: expected an ISO 8601 date-time, received "yesterday"',
    ]);
    expect(check('standard-webhooks', { type: 'contact.created' }).issues).toEqual([
      'timestamp: required, expected string',
      'data: required, expected object',
    ]);
  });

  it('gives no schema to a body that uses none of the envelope (it is only recommended)', () => {
    // Replicate signs like Standard Webhooks and sends a bare prediction.
    const prediction = {
      id: 'ufawqhfynnddngldkgtslldrkq',
      version: '5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa',
      status: 'succeeded',
      created_at: '2022-04-26T22:13:06.224088Z',
      input: { text: 'Alice' },
      output: 'hello Alice',
    };
    expect(check('standard-webhooks', prediction)).toEqual({ status: 'none' });
    expect(check('replicate', prediction)).toEqual({ status: 'none' });
  });
});

describe('Svix, Clerk and Resend', () => {
  it('Svix: only a JSON object is sure', () => {
    expect(check('svix', { anything: 1 })).toEqual({
      status: 'valid',
      name: 'Svix message payload',
    });
    expect(check('svix', 'text').issues).toEqual(['(root): expected object, received string']);
  });

  it('Clerk: type, data, object "event", timestamp in ms', () => {
    const clerk = {
      data: { id: 'user_29w83sxmDNGwOuEthce5gg56FcC', object: 'user', first_name: 'Example' },
      event_attributes: { http_request: { client_ip: '0.0.0.0', user_agent: 'Mozilla/5.0' } },
      instance_id: 'ins_123',
      object: 'event',
      timestamp: 1654012591835,
      type: 'user.created',
    };
    expect(check('clerk', clerk)).toEqual({ status: 'valid', name: 'Clerk event' });
    expect(check('clerk', { ...clerk, data: null, object: 'user' }).issues).toEqual([
      'object: expected "event", received "user"',
      'data: expected object, received null',
    ]);
  });

  it('Resend: type, created_at (ISO 8601), data', () => {
    const resend = {
      type: 'email.sent',
      created_at: '2024-02-22T23:41:12.126Z',
      data: {
        created_at: '2024-02-22T23:41:11.894719+00:00',
        email_id: '56761188-7520-42d8-8898-ff6fc54ce618',
        from: 'Acme <onboarding@resend.dev>',
        to: ['delivered@resend.dev'],
        subject: 'Sending this example',
      },
    };
    expect(check('resend', resend)).toEqual({ status: 'valid', name: 'Resend event' });
    const { created_at: _, ...noDate } = resend;
    expect(check('resend', noDate).issues).toEqual(['created_at: required, expected string']);
  });
});
