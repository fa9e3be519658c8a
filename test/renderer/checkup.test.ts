import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BURST as BURST_DEFAULT,
  type Checkup,
  type CheckupRequest,
  type ProbeResult,
} from '../../src/shared/checkup';
import type { Endpoint } from '../../src/shared/model';
import { endpoint as anEndpoint } from '../helpers/model';
import {
  formFromCheckup,
  initialForm,
  parsePayloadValue,
  parseSampleRef,
  payloadValue,
  pickEndpoint,
  samplesFor,
  toRunInput,
  withProvider,
  type CheckupForm,
  type SampleInfo,
} from '../../src/renderer/src/model/checkup-form';
import {
  checkupCurl,
  countsText,
  formatMs,
  latencyText,
  newestFirst,
  requestBodyText,
  responseLine,
  sampleLabel,
  scoreTone,
  VERDICTS,
} from '../../src/renderer/src/model/checkup-report';

/** The Stripe endpoint these tests pick from. */
function endpoint(over: Partial<Endpoint> = {}): Endpoint {
  return anEndpoint({
    id: 'ep1',
    name: 'Stripe',
    path: '/stripe',
    provider: 'stripe',
    secretCount: 1,
    toleranceSec: 300,
    forwardTo: 'http://localhost:3000/webhooks',
    ...over,
  });
}

const samples: SampleInfo[] = [
  { id: 'stripe.payment_intent.succeeded', provider: 'stripe', title: 'Stripe payment' },
  { id: 'github.push', provider: 'github', title: 'GitHub push' },
  { id: 'stripe.checkout', provider: 'stripe', title: 'Stripe checkout' },
];

const probe = (over: Partial<ProbeResult>): ProbeResult => ({
  id: 'valid',
  title: 'Accepts a valid delivery',
  expected: '2xx',
  mustPass: true,
  verdict: 'pass',
  summary: 'answered 200',
  fix: null,
  request: null,
  response: null,
  stats: null,
  ...over,
});

const run = (over: Partial<Checkup> = {}): Checkup => ({
  id: 'c1',
  endpointId: 'ep1',
  target: 'http://127.0.0.1:4000/hooks',
  provider: 'github',
  sample: 'github.push',
  startedAt: 1_700_000_000_000,
  finishedAt: 1_700_000_001_500,
  score: 70,
  passed: false,
  counts: { pass: 6, fail: 2, warn: 0, skip: 1 },
  requests: 31,
  probes: [],
  ...over,
});

describe('check-up form', () => {
  it('starts from the endpoint: its forward target, provider and the default burst', () => {
    const f = initialForm(endpoint());
    expect(f).toMatchObject({
      target: 'http://localhost:3000/webhooks',
      provider: 'stripe',
      payload: { kind: 'default' },
      secret: '',
      burstCount: String(BURST_DEFAULT.count),
      burstConcurrency: String(BURST_DEFAULT.concurrency),
    });
    expect(BURST_DEFAULT).toEqual({ count: 50, concurrency: 10 });
  });

  it('takes a delivery as payload and the provider detected on it when the endpoint detects', () => {
    const f = initialForm(endpoint({ provider: 'auto', forwardTo: null }), {
      eventId: 'ev_9',
      providerHint: 'github',
    });
    expect(f).toMatchObject({ target: '', provider: 'github', payload: { kind: 'event' } });
    expect(f.eventId).toBe('ev_9');
    expect(initialForm(endpoint({ provider: 'auto' }), { providerHint: 'nope' }).provider).toBe('');
    expect(initialForm(undefined).provider).toBe('');
  });

  it('builds the runCheckup input, sending the secret only when typed', () => {
    const ep = endpoint();
    const r = toRunInput(ep, { ...initialForm(ep), target: '  http://localhost:3000/x ' });
    expect(r).toEqual({
      input: {
        endpointId: 'ep1',
        target: 'http://localhost:3000/x',
        provider: 'stripe',
        burst: { count: 50, concurrency: 10 },
      },
    });
    const withAll = toRunInput(ep, {
      ...initialForm(ep),
      secret: ' whsec_x ',
      payload: { kind: 'sample', id: 'stripe.checkout' },
      burstCount: '5',
      burstConcurrency: '2',
    });
    expect(withAll).toMatchObject({
      input: { secret: 'whsec_x', sample: 'stripe.checkout', burst: { count: 5, concurrency: 2 } },
    });
    const event = toRunInput(ep, { ...initialForm(ep, { eventId: 'ev_1' }) });
    expect(event).toMatchObject({ input: { eventId: 'ev_1' } });
    expect('input' in event && 'sample' in event.input).toBe(false);
  });

  it('says what is wrong next to each field', () => {
    const ep = endpoint({ secretCount: 0, provider: 'auto' });
    const r = toRunInput(ep, {
      ...initialForm(ep),
      target: 'ftp://x',
      payload: { kind: 'event' },
      eventId: ' ',
      burstCount: '0',
      burstConcurrency: '2.5',
    });
    expect('errors' in r && Object.keys(r.errors).sort()).toEqual([
      'burstConcurrency',
      'burstCount',
      'eventId',
      'provider',
      'secret',
      'target',
    ]);
    const empty = toRunInput(ep, {
      ...initialForm(ep),
      provider: 'github',
      secret: 's',
      target: '',
    });
    expect(empty).toEqual({ errors: { target: expect.stringContaining('URL of your receiver') } });
    const big = toRunInput(endpoint(), { ...initialForm(endpoint()), burstCount: '501' });
    expect(big).toEqual({ errors: { burstCount: 'A whole number from 1 to 500' } });
  });

  it('offers the samples of the chosen provider and drops a sample of another one', () => {
    expect(samplesFor(samples, 'stripe').map((s) => s.id)).toEqual([
      'stripe.payment_intent.succeeded',
      'stripe.checkout',
    ]);
    expect(samplesFor(samples, '')).toEqual([]);
    const f: CheckupForm = {
      ...initialForm(endpoint()),
      payload: { kind: 'sample', id: 'stripe.checkout' },
    };
    expect(withProvider(f, 'github', samples).payload).toEqual({ kind: 'default' });
    expect(withProvider(f, 'stripe', samples).payload).toEqual(f.payload);
    const ev = initialForm(endpoint(), { eventId: 'e' });
    expect(withProvider(ev, 'github', samples).payload).toEqual({ kind: 'event' });
  });

  it('round-trips the payload choice through a select value', () => {
    for (const p of [
      { kind: 'default' },
      { kind: 'event' },
      { kind: 'sample', id: 'shopify.orders/create' },
    ] as const) {
      expect(parsePayloadValue(payloadValue(p))).toEqual(p);
    }
    expect(parseSampleRef('event:ev_1')).toEqual({ eventId: 'ev_1' });
    expect(parseSampleRef('github.push')).toEqual({ sample: 'github.push' });
  });

  it('re-runs with a stored run’s inputs, keeping the typed secret and the concurrency', () => {
    const form = { ...initialForm(endpoint()), secret: 'typed', burstConcurrency: '4' };
    const stats = { count: 20, ok: 20, p50Ms: 1, p95Ms: 2, maxMs: 3 };
    const again = formFromCheckup(
      run({ sample: 'event:ev_7', probes: [probe({ id: 'burst', stats })] }),
      form,
    );
    expect(again).toMatchObject({
      target: 'http://127.0.0.1:4000/hooks',
      provider: 'github',
      payload: { kind: 'event' },
      eventId: 'ev_7',
      secret: 'typed',
      burstCount: '20',
      burstConcurrency: '4',
    });
    expect(formFromCheckup(run(), form)).toMatchObject({
      payload: { kind: 'sample', id: 'github.push' },
      burstCount: '50',
    });
  });

  it('opens from the top bar on the first endpoint that forwards', () => {
    const a = endpoint({ id: 'a', forwardTo: null });
    const b = endpoint({ id: 'b' });
    expect(pickEndpoint([a, b])?.id).toBe('b');
    expect(pickEndpoint([a])?.id).toBe('a');
    expect(pickEndpoint([])).toBeUndefined();
  });
});

describe('check-up report', () => {
  it('grades a run: failed is bad whatever the score, else 90+ good and 60+ warn', () => {
    expect(scoreTone({ score: 100, passed: false })).toBe('bad');
    expect(scoreTone({ score: 95, passed: true })).toBe('good');
    expect(scoreTone({ score: 90, passed: true })).toBe('good');
    expect(scoreTone({ score: 75, passed: true })).toBe('warn');
    expect(scoreTone({ score: 40, passed: true })).toBe('bad');
    expect(VERDICTS.fail).toEqual({ icon: '✗', label: 'Fail', tone: 'bad' });
    expect(new Set(Object.values(VERDICTS).map((v) => v.icon)).size).toBe(4);
  });

  it('puts counts, durations and latency in words', () => {
    expect(countsText({ pass: 6, fail: 2, warn: 1, skip: 0 })).toBe(
      '6 passed · 2 failed · 1 warning',
    );
    expect(countsText({ pass: 0, fail: 0, warn: 2, skip: 1 })).toBe('2 warnings · 1 skipped');
    expect(countsText({ pass: 0, fail: 0, warn: 0, skip: 0 })).toBe('no probes');
    expect(formatMs(0.84)).toBe('0.8 ms');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(2345)).toBe('2.35 s');
    expect(latencyText({ count: 1000, ok: 998, p50Ms: 3.2, p95Ms: 41, maxMs: 5100 })).toBe(
      'p50 3.2 ms · p95 41 ms · max 5.10 s · 998/1,000 answered 2xx',
    );
    const res = { headers: [], body: '', truncated: false, durationMs: 12 };
    expect(responseLine({ ...res, status: 401, error: null })).toBe('HTTP 401 in 12 ms');
    expect(responseLine({ ...res, status: null, error: 'timed out' })).toBe(
      'No answer: timed out (after 12 ms)',
    );
  });

  it('names the payload a run used', () => {
    expect(sampleLabel('github.push', samples)).toBe('GitHub push');
    expect(sampleLabel('zoom.meeting', samples)).toBe('zoom.meeting');
    expect(sampleLabel('event:ev_3', samples)).toBe('stored delivery ev_3');
  });

  it('lists history newest first', () => {
    const items = [
      { id: 'a', startedAt: 1 },
      { id: 'c', startedAt: 3 },
      { id: 'b', startedAt: 3 },
    ];
    expect(newestFirst(items).map((i) => i.id)).toEqual(['c', 'b', 'a']);
    expect(items[0]!.id).toBe('a');
  });
});

describe('checkupCurl', () => {
  const req: CheckupRequest = {
    method: 'POST',
    url: 'http://127.0.0.1:4000/hooks',
    headers: [
      ['content-type', 'application/json'],
      ['content-length', '11'],
      ['x-hub-signature-256', 'sha256=abc'],
      ['user-agent', 'GitHub-Hookshot/hookscope'],
    ],
    bodyBase64: btoa('{"a":"it\'s"}'),
    bodyText: '{"a":"it\'s"}',
  };

  it('sends the probe’s method, URL, headers in order and the exact text body', () => {
    expect(checkupCurl(req).split(' \\\n  ')).toEqual([
      'curl --globoff --path-as-is',
      "-X 'POST'",
      "'http://127.0.0.1:4000/hooks'",
      "-H 'content-type: application/json'",
      "-H 'x-hub-signature-256: sha256=abc'",
      "-H 'user-agent: GitHub-Hookshot/hookscope'",
      "-H 'Accept:'",
      "-H 'Expect:'",
      `--data-raw $'{"a":"it\\'s"}'`,
    ]);
  });

  it('pipes a binary body in from base64, byte for byte', () => {
    const bin = { ...req, bodyBase64: btoa('\x00\xff\nB'), bodyText: null };
    const cmd = checkupCurl(bin);
    expect(cmd.startsWith(`printf '%s' 'AP8KQg==' | base64 -d | curl`)).toBe(true);
    expect(cmd.endsWith('--data-binary @-')).toBe(true);
    expect(requestBodyText(bin)).toBe('[4 bytes of binary data; base64:]\nAP8KQg==');
    expect(requestBodyText(req)).toBe(req.bodyText);
  });

  it('sends a GET without a body as a GET', () => {
    const get = { ...req, method: 'GET', headers: [], bodyBase64: '', bodyText: '' };
    expect(checkupCurl(get)).not.toContain('-X');
    expect(checkupCurl(get)).not.toContain('--data');
  });
});
